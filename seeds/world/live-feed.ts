/**
 * The synthetic world in real time: viewing events "now" for the subscribers and catalog already in
 * the database, drawn the way the day-by-day simulation draws them (a subscriber by engagement, a
 * genre by their latent taste, a title of that genre by popularity, completion from affinity and
 * engagement; see viewing.ts), so live risk moves for the same reasons it moved in the history. Some
 * subscribers are "drifting away" (the latent spells of simulate.ts): they abandon what they start,
 * which is what pushes their risk up while the demo runs. Shown a recommendations row, a subscriber
 * takes a title with the world's true uptake (`respond`). Pure: rows in, events out, seeded.
 */
import { buildAliasTable, Random, sampleAlias, sigmoid, type AliasTable } from './random';
import { DEFAULT_UPTAKE, type UptakeParams } from './recommendation-response';
import { GENRE_NAMES } from './vocabulary';

export interface LiveSubscriber {
  id: string;
  signupAt: number;
  /** Latent engagement (1 = typical). */
  engagement: number;
  /** Latent taste over GENRE_NAMES (non-negative, any scale); empty when unknown. */
  taste: number[];
}

export interface LiveTitle {
  id: string;
  genres: string[];
  /** Minutes of the movie, or of one episode. */
  runtimeMinutes: number;
  /** Stored views, as popularity. */
  views: number;
}

export interface LiveEvent {
  userId: string;
  titleId: string;
  startedAt: Date;
  watchedSeconds: number;
  completion: number;
  device: 'TV' | 'MOBILE' | 'WEB' | 'TABLET';
  drifting: boolean;
}

export interface LiveFeedOptions {
  seed: number;
  /** Share of subscribers drifting away at any time. */
  driftingShare: number;
  /** Chance per simulated minute that a subscriber starts or stops drifting. */
  driftTurnoverPerMinute: number;
}

export const LIVE_FEED_DEFAULTS: LiveFeedOptions = {
  seed: 42,
  driftingShare: 0.15,
  driftTurnoverPerMinute: 0.01,
};

// The completion model of the world's default behaviour (world.ts, DEFAULT_BEHAVIOUR.completion),
// with quality at its mean (titles' latent quality is not stored).
const COMPLETION = { intercept: -1.1, affinity: 2.8, engagement: 0.5 };
const DRIFT_ENGAGEMENT = 0.1;
const DEVICES = ['TV', 'MOBILE', 'WEB', 'TABLET'] as const;
/** Cumulative device shares: TV 45%, mobile 30%, web 15%, tablet 10%. */
const DEVICE_CDF = [0.45, 0.75, 0.9, 1];

export class LiveFeed {
  private readonly rng: Random;
  private readonly bySubscriber: AliasTable;
  private readonly byGenre: (AliasTable | null)[];
  private readonly anyTitle: AliasTable;
  private readonly drifting: Uint8Array;
  private readonly genreIndex = new Map(GENRE_NAMES.map((g, i) => [g, i]));
  private readonly subscriberIndex: Map<string, number>;
  private readonly titleIndex: Map<string, number>;
  /** Subscribers that may watch now (the account feed cancels and reactivates them). */
  private isActive: (id: string) => boolean = () => true;

  constructor(
    private readonly subscribers: readonly LiveSubscriber[],
    private readonly titles: readonly LiveTitle[],
    private readonly options: LiveFeedOptions = LIVE_FEED_DEFAULTS,
  ) {
    if (subscribers.length === 0)
      throw new Error('the live feed needs at least one active subscriber');
    if (titles.length === 0) throw new Error('the live feed needs at least one title');
    this.rng = new Random(0x11fe, options.seed);
    this.subscriberIndex = new Map(subscribers.map((x, i) => [x.id, i]));
    this.titleIndex = new Map(titles.map((x, i) => [x.id, i]));
    const index = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
    this.bySubscriber = buildAliasTable(
      index(subscribers.length),
      subscribers.map((s) => Math.max(0.05, s.engagement)),
    );
    const popularity = titles.map((t) => 1 + t.views);
    this.anyTitle = buildAliasTable(index(titles.length), popularity);
    this.byGenre = GENRE_NAMES.map((g) => {
      const members = titles.flatMap((t, i) => (t.genres.includes(g) ? [i] : []));
      return members.length === 0
        ? null
        : buildAliasTable(
            members,
            members.map((i) => popularity[i]),
          );
    });
    this.drifting = Uint8Array.from(subscribers, () =>
      this.rng.chance(options.driftingShare) ? 1 : 0,
    );
  }

  /** Only subscribers for whom `active` holds watch (cancelled ones do not). */
  watchOnly(active: (id: string) => boolean): void {
    this.isActive = active;
  }

  /** Whether this subscriber is drifting away now. */
  isDrifting(id: string): boolean {
    const i = this.subscriberIndex.get(id);
    return i !== undefined && this.drifting[i] === 1;
  }

  /** Subscribers drifting away now. */
  driftingCount(): number {
    return this.drifting.reduce((n, d) => n + d, 0);
  }

  /** Let `minutes` of real time pass: some subscribers start or stop drifting, keeping the share. */
  advance(minutes: number): void {
    const { driftingShare: share, driftTurnoverPerMinute: turnover } = this.options;
    const flips = Math.round(this.subscribers.length * turnover * minutes);
    for (let k = 0; k < flips; k++) {
      const i = this.rng.int(this.subscribers.length);
      this.drifting[i] = this.rng.chance(share) ? 1 : 0;
    }
  }

  /** One sitting that ended a moment before `now` (ms). */
  next(now: number): LiveEvent {
    let i = sampleAlias(this.bySubscriber, this.rng);
    for (let draw = 0; draw < 50 && !this.isActive(this.subscribers[i].id); draw++) {
      i = sampleAlias(this.bySubscriber, this.rng);
    }
    return this.sitting(i, this.titles[this.pickTitle(this.subscribers[i])], now);
  }

  /** A subscriber opening the app now (drawn by engagement, like the viewers): who to show a row. */
  nextViewer(): string {
    let i = sampleAlias(this.bySubscriber, this.rng);
    for (let draw = 0; draw < 50 && !this.isActive(this.subscribers[i].id); draw++) {
      i = sampleAlias(this.bySubscriber, this.rng);
    }
    return this.subscribers[i].id;
  }

  /**
   * The subscriber's response to a recommendations row shown at `now` (ms), titles best first:
   * each is taken with the world's true uptake (recommendation-response.ts: sigmoid of the latent
   * taste match, decaying with rank), at most one; the sitting of the title taken starts at `now`
   * (0 s watched so far), or null when none is taken (or the subscriber or titles are unknown).
   */
  respond(
    userId: string,
    titleIds: readonly string[],
    now: number,
    uptake: UptakeParams = DEFAULT_UPTAKE,
  ): LiveEvent | null {
    const i = this.subscriberIndex.get(userId);
    if (i === undefined) return null;
    const s = this.subscribers[i];
    let rank = 0;
    for (const id of titleIds) {
      const t = this.titleIndex.get(id);
      if (t === undefined) continue;
      rank++;
      const title = this.titles[t];
      const p =
        sigmoid(uptake.intercept + uptake.slope * this.affinity(s, title)) *
        uptake.rankDecay ** (rank - 1);
      if (this.rng.chance(p)) {
        // Reported as it starts, with the completion it will reach: the demo does not wait an hour
        // for the sitting to end, and the view must start after the row was shown.
        const e = this.sitting(i, title, now);
        return { ...e, startedAt: new Date(Math.max(s.signupAt + 1000, now)), watchedSeconds: 0 };
      }
    }
    return null;
  }

  /** A sitting of subscriber i on title t that ended a moment before `now` (ms). */
  private sitting(i: number, t: LiveTitle, now: number): LiveEvent {
    const rng = this.rng;
    const s = this.subscribers[i];
    const drifting = this.drifting[i] === 1;
    const engagement = drifting ? DRIFT_ENGAGEMENT : Math.max(0.05, s.engagement);
    const pFinish = sigmoid(
      COMPLETION.intercept +
        COMPLETION.affinity * this.affinity(s, t) +
        COMPLETION.engagement * Math.log(engagement),
    );
    const completion = rng.chance(pFinish)
      ? rng.uniform(0.9, 1)
      : drifting
        ? rng.uniform(0.02, 0.2)
        : rng.uniform(0.05, 0.8);
    const watchedSeconds = Math.max(30, Math.round(completion * t.runtimeMinutes * 60));
    // It ended 1–60 s ago, and never before the signup.
    const end = now - 1000 - rng.int(59_000);
    const startedAt = Math.max(s.signupAt + 1000, end - watchedSeconds * 1000);
    return {
      userId: s.id,
      titleId: t.id,
      startedAt: new Date(startedAt),
      watchedSeconds: Math.min(watchedSeconds, Math.floor((end - startedAt) / 1000)),
      completion: Math.round(completion * 1000) / 1000,
      device: DEVICES[rng.pickCumulative(DEVICE_CDF)],
      drifting,
    };
  }

  private pickTitle(s: LiveSubscriber): number {
    const rng = this.rng;
    if (s.taste.length === GENRE_NAMES.length && !rng.chance(0.1)) {
      const total = s.taste.reduce((a, b) => a + Math.max(0, b), 0);
      let x = rng.next() * total;
      for (let g = 0; g < s.taste.length; g++) {
        x -= Math.max(0, s.taste[g]);
        if (x <= 0) {
          const table = this.byGenre[g];
          if (table) return sampleAlias(table, rng);
          break;
        }
      }
    }
    return sampleAlias(this.anyTitle, rng);
  }

  /** Taste mass on the title's genres relative to the favourite genre, as in viewing.ts. */
  private affinity(s: LiveSubscriber, t: LiveTitle): number {
    if (s.taste.length !== GENRE_NAMES.length) return 0.5;
    const max = Math.max(...s.taste);
    if (!(max > 0)) return 0.5;
    let num = 0;
    let den = 0;
    t.genres.forEach((g, k) => {
      const gi = this.genreIndex.get(g);
      if (gi === undefined) return;
      const m = k === 0 ? 1 : 0.5;
      num += m * s.taste[gi];
      den += m;
    });
    return den === 0 ? 0.5 : num / den / max;
  }
}
