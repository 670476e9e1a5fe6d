/**
 * The online feature state of one subscriber as read for scoring, and the pure functions features
 * are computed from. Pure: no database. The state is kept by set-based upserts in PostgreSQL (see
 * features.repository.ts): additive daily aggregates, and decayed sums stored in log space, which are
 * order-independent, so a late event only adds its own term.
 *
 * Windows are whole UTC days ending with the day of the instant just before `t` ("last 7 days" at
 * 2026-11-26T00:00Z are Nov 19..25), the same definition the batch SQL uses, so both paths agree.
 */
export const DAY_MS = 86_400_000;
/** Days of daily aggregates read: enough for 30-day windows and the 28-day sequence. */
export const WINDOW_DAYS = 32;
/** Genre interest decays with this time constant; entropy is scale-free, so no re-decay is needed at read time. */
export const GENRE_DECAY_DAYS = 30;
/**
 * Time constants of the recency-weighted view counts: a smoothed recent level, and a long-run one
 * that remembers further back than the daily window (how active this subscriber usually is).
 */
export const VIEW_DECAY_DAYS = [7, 90] as const;
/** A sitting that stops before this share of the title counts as abandoned. */
export const ABANDON_COMPLETION = 0.25;
/** Device → bit in the daily device mask. */
export const DEVICE_BITS: Record<string, number> = { TV: 1, MOBILE: 2, WEB: 4, TABLET: 8 };
/**
 * A title counts fully toward its primary genre (listed first) and this much toward each other
 * genre, as the catalogue's genre pools do.
 */
export const SECONDARY_GENRE_WEIGHT = 0.5;

export interface OnlineState {
  /** UTC day number of index 0 of the daily arrays; index k is `anchorDay - k`. */
  anchorDay: number;
  sessions: number[];
  seconds: number[];
  completionSum: number[];
  abandoned: number[];
  devices: number[];
  /** Latest viewing start seen, ms since epoch; null before the first view. */
  lastViewAt: number | null;
  /**
   * log Σ exp(t_i / τ) over every view, one per VIEW_DECAY_DAYS entry, t_i in days since the epoch;
   * −Infinity before the first view.
   */
  viewsLog: number[];
  /** Genre → log Σ (watched seconds / genres of the title) · exp(t_i / GENRE_DECAY_DAYS). */
  genreWeightLogs: Record<string, number>;
  /**
   * Distinct titles ever started, per genre (1 for the primary genre, SECONDARY_GENRE_WEIGHT for
   * the others).
   */
  genreTitles: Record<string, number>;
}

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** The day whose end bounds the windows at `t`: the day of the instant just before t. */
export function windowDay(t: number): number {
  return dayOf(t - 1);
}

export function emptyState(anchorDay = 0): OnlineState {
  const zeros = () => new Array<number>(WINDOW_DAYS).fill(0);
  return {
    anchorDay,
    sessions: zeros(),
    seconds: zeros(),
    completionSum: zeros(),
    abandoned: zeros(),
    devices: zeros(),
    lastViewAt: null,
    viewsLog: VIEW_DECAY_DAYS.map(() => Number.NEGATIVE_INFINITY),
    genreWeightLogs: {},
    genreTitles: {},
  };
}

/** The recency-weighted view counts at `t` (ms), one per VIEW_DECAY_DAYS entry: Σ exp(−age / τ). */
export function decayedViewsAt(state: OnlineState, t: number): number[] {
  return VIEW_DECAY_DAYS.map((days, j) => {
    const log = state.viewsLog[j];
    return log === Number.NEGATIVE_INFINITY ? 0 : Math.exp(log - t / DAY_MS / days);
  });
}

/** Genre weights relative to the largest (entropy and shares are scale-free). */
export function genreWeightsOf(state: OnlineState): Record<string, number> {
  const logs = Object.values(state.genreWeightLogs).filter((l) => l > Number.NEGATIVE_INFINITY);
  const max = logs.length > 0 ? Math.max(...logs) : 0;
  const out: Record<string, number> = {};
  for (const [genre, log] of Object.entries(state.genreWeightLogs)) {
    out[genre] = log === Number.NEGATIVE_INFINITY ? 0 : Math.exp(log - max);
  }
  return out;
}

/** Daily aggregates of the `days` days ending with windowDay(t), newest first (index 0 = that day). */
export interface DailyWindow {
  sessions: number[];
  seconds: number[];
  completionSum: number[];
  abandoned: number[];
  devices: number[];
}

export function dailyWindow(state: OnlineState, t: number, days: number): DailyWindow {
  const end = windowDay(t);
  const out: DailyWindow = {
    sessions: [],
    seconds: [],
    completionSum: [],
    abandoned: [],
    devices: [],
  };
  for (let ago = 0; ago < days; ago++) {
    const k = state.anchorDay - (end - ago);
    const inRange = k >= 0 && k < WINDOW_DAYS;
    out.sessions.push(inRange ? state.sessions[k] : 0);
    out.seconds.push(inRange ? state.seconds[k] : 0);
    out.completionSum.push(inRange ? state.completionSum[k] : 0);
    out.abandoned.push(inRange ? state.abandoned[k] : 0);
    out.devices.push(inRange ? state.devices[k] : 0);
  }
  return out;
}

/** Shannon entropy (bits) of a weight map; NaN when empty. */
export function entropyBits(weights: Record<string, number>): number {
  const values = Object.values(weights).filter((w) => w > 0);
  const total = values.reduce((a, b) => a + b, 0);
  if (total <= 0) return Number.NaN;
  return values.reduce((h, w) => h - (w / total) * Math.log2(w / total), 0);
}

/**
 * Share of the favourite genre's catalogue already watched: the genre with the most distinct
 * titles started (ties: the larger share), its started titles over its titles in the catalogue,
 * both membership-weighted. 0 before any view. `catalogue` is genre → membership-weighted title
 * count (GENRE_CATALOGUE_SQL); genres missing from it are ignored, as the batch join does.
 */
export function genreExhaustion(
  genreTitles: Record<string, number>,
  catalogue: Readonly<Record<string, number>>,
): number {
  let bestTitles = 0;
  let best = 0;
  for (const [g, titles] of Object.entries(genreTitles)) {
    const size = catalogue[g];
    if (!(size > 0) || titles <= 0) continue;
    const share = titles / size;
    if (titles > bestTitles || (titles === bestTitles && share > best)) {
      bestTitles = titles;
      best = share;
    }
  }
  return best;
}

export function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}
