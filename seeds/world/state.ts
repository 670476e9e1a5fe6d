/**
 * The mutable state of subscribers as parallel typed arrays: one row per subscriber in the main
 * world, or a one-row scratch copy for the truth replays. Struct-of-arrays keeps the daily loop
 * allocation-free and makes "copy user u's state" a few dozen array writes.
 */

/** Window of the watch-time trend: two 14-day halves. */
export const TREND_DAYS = 28;
export const HALF_DAYS = 14;
/** Sentinel for "never happened", far enough back that every decay term is 0. */
export const NEVER = -1_000_000;

export const NOT_SUBSCRIBED = 0;
export const ACTIVE = 1;
export const CANCELLED = 2;

export class UserState {
  /** Which subscriber's fixed attributes (taste, devices…) this row uses. */
  readonly ref: Int32Array;
  /** NOT_SUBSCRIBED | ACTIVE | CANCELLED. */
  readonly status: Uint8Array;
  /** Day the current subscription spell began (signup or reactivation), relative to start. */
  readonly tenureStart: Int32Array;
  /** Day billing cycles are counted from (every 30 days after it). */
  readonly billingAnchor: Int32Array;
  readonly plan: Uint8Array;
  readonly feeCents: Int32Array;
  /** Latent engagement today (sessions/day scale). */
  readonly engagement: Float64Array;
  /** 1 while the subscriber drifts away (life got busy): engagement sinks toward a low level. */
  readonly drifting: Uint8Array;
  readonly lastViewDay: Int32Array;
  /** Watch seconds per day over the last 28 days, ring indexed by day % 28. Shape: [n × 28] */
  readonly watchRing: Int32Array;
  /** Watch seconds over days d−14..d−1 and d−28..d−15. */
  readonly recent14: Int32Array;
  readonly prev14: Int32Array;
  /** Views and completion sums (per-mille) per day over 14 days, ring by day % 14. Shape: [n × 14] */
  readonly viewRing: Int32Array;
  readonly completionRing: Int32Array;
  readonly views14: Int32Array;
  readonly completion14: Int32Array;
  /** Series in progress (title index) or −1, and the next episode to watch (0-based). */
  readonly series: Int32Array;
  readonly nextEpisode: Int32Array;
  /** Popularity-weighted share of the favourite genre already watched, [0, 1]. */
  readonly exhaustion: Float64Array;
  readonly lastPaymentFailDay: Int32Array;
  readonly priceIncreaseDay: Int32Array;
  /** Day the subscriber last finished a title recommended to them (NEVER: none). */
  readonly recommendedFinishDay: Int32Array;
  /** Titles ever started, one bit per title. Shape: [n × bytesPerUser] */
  readonly watched: Uint8Array;
  /** The same bits as 32-bit words, for copying a row word by word. Shape: [n × wordsPerUser] */
  readonly watchedWords: Int32Array;
  readonly bytesPerUser: number;
  readonly wordsPerUser: number;

  constructor(
    readonly capacity: number,
    titles: number,
  ) {
    const n = capacity;
    this.ref = new Int32Array(n);
    this.status = new Uint8Array(n);
    this.tenureStart = new Int32Array(n);
    this.billingAnchor = new Int32Array(n);
    this.plan = new Uint8Array(n);
    this.feeCents = new Int32Array(n);
    this.engagement = new Float64Array(n);
    this.drifting = new Uint8Array(n);
    this.lastViewDay = new Int32Array(n).fill(NEVER);
    this.watchRing = new Int32Array(n * TREND_DAYS);
    this.recent14 = new Int32Array(n);
    this.prev14 = new Int32Array(n);
    this.viewRing = new Int32Array(n * HALF_DAYS);
    this.completionRing = new Int32Array(n * HALF_DAYS);
    this.views14 = new Int32Array(n);
    this.completion14 = new Int32Array(n);
    this.series = new Int32Array(n).fill(-1);
    this.nextEpisode = new Int32Array(n);
    this.exhaustion = new Float64Array(n);
    this.lastPaymentFailDay = new Int32Array(n).fill(NEVER);
    this.priceIncreaseDay = new Int32Array(n).fill(NEVER);
    this.recommendedFinishDay = new Int32Array(n).fill(NEVER);
    this.wordsPerUser = (titles + 31) >> 5;
    this.bytesPerUser = this.wordsPerUser * 4;
    this.watchedWords = new Int32Array(n * this.wordsPerUser);
    this.watched = new Uint8Array(this.watchedWords.buffer);
  }

  hasWatched(i: number, title: number): boolean {
    return (this.watched[i * this.bytesPerUser + (title >> 3)] & (1 << (title & 7))) !== 0;
  }

  markWatched(i: number, title: number): void {
    this.watched[i * this.bytesPerUser + (title >> 3)] |= 1 << (title & 7);
  }

  /** Forget the trend history (after a reactivation the old spell says nothing about today). */
  clearHistory(i: number): void {
    this.watchRing.fill(0, i * TREND_DAYS, (i + 1) * TREND_DAYS);
    this.viewRing.fill(0, i * HALF_DAYS, (i + 1) * HALF_DAYS);
    this.completionRing.fill(0, i * HALF_DAYS, (i + 1) * HALF_DAYS);
    this.recent14[i] = 0;
    this.prev14[i] = 0;
    this.views14[i] = 0;
    this.completion14[i] = 0;
  }
}

/**
 * Copy row `i` of `src` into row `j` of `dst` (same catalog size). The short rings are copied
 * with plain loops (no view allocated per replay); the watched bits with one `set`, which beats
 * a loop once catalogs reach thousands of titles (measured: 0.13 vs 0.4 µs at 10,000 titles).
 */
export function copyUser(src: UserState, i: number, dst: UserState, j: number): void {
  dst.ref[j] = src.ref[i];
  dst.status[j] = src.status[i];
  dst.tenureStart[j] = src.tenureStart[i];
  dst.billingAnchor[j] = src.billingAnchor[i];
  dst.plan[j] = src.plan[i];
  dst.feeCents[j] = src.feeCents[i];
  dst.engagement[j] = src.engagement[i];
  dst.drifting[j] = src.drifting[i];
  dst.lastViewDay[j] = src.lastViewDay[i];
  dst.recent14[j] = src.recent14[i];
  dst.prev14[j] = src.prev14[i];
  dst.views14[j] = src.views14[i];
  dst.completion14[j] = src.completion14[i];
  dst.series[j] = src.series[i];
  dst.nextEpisode[j] = src.nextEpisode[i];
  dst.exhaustion[j] = src.exhaustion[i];
  dst.lastPaymentFailDay[j] = src.lastPaymentFailDay[i];
  dst.priceIncreaseDay[j] = src.priceIncreaseDay[i];
  dst.recommendedFinishDay[j] = src.recommendedFinishDay[i];
  copyRange(src.watchRing, i * TREND_DAYS, dst.watchRing, j * TREND_DAYS, TREND_DAYS);
  copyRange(src.viewRing, i * HALF_DAYS, dst.viewRing, j * HALF_DAYS, HALF_DAYS);
  copyRange(src.completionRing, i * HALF_DAYS, dst.completionRing, j * HALF_DAYS, HALF_DAYS);
  const w = src.wordsPerUser;
  dst.watchedWords.set(src.watchedWords.subarray(i * w, (i + 1) * w), j * w);
}

function copyRange(
  from: Int32Array,
  offset: number,
  to: Int32Array,
  at: number,
  length: number,
): void {
  for (let k = 0; k < length; k++) to[at + k] = from[offset + k];
}
