/**
 * Popularity signals for the cold-start sources, computed once from the interaction log as of a
 * reference time: what everybody watches, what the user's segment watches, and what is trending.
 *
 * - popularity: Σ completion over (user, item) pairs, optionally decayed with a long half-life so
 *   last year's hit fades; completion-weighted because a title people abandon is not "popular".
 * - per segment: the same sum restricted to users of the segment (segments come from the caller,
 *   e.g. the k-means behaviour segments); a segment with little data is shrunk toward the global
 *   shares so that a tiny segment's one-off views do not define it.
 * - trending: Σ completion · 2^(−age / trendingHalfLife) with a short half-life (default 3 days).
 * Interactions after `asOf` are ignored, so an evaluation can build the index at a cut-off time.
 */
import { dedupeInteractions, type Interactions } from './interactions';
import { recencyDecay } from './content-model';

export interface PopularityOptions {
  /** Reference time, epoch seconds. Default: the latest timestamp in the data. */
  asOf?: number;
  /** Segment per user (−1 or missing: none). Shape: [userCount] */
  segments?: ArrayLike<number>;
  segmentCount?: number;
  /** Half-life of popularity in days; Infinity = no decay. */
  popularityHalfLifeDays: number;
  trendingHalfLifeDays: number;
  /** Pseudo-count (in units of completion mass) pulling a segment's shares toward global ones. */
  segmentShrinkage: number;
}

export const POPULARITY_DEFAULTS: PopularityOptions = {
  popularityHalfLifeDays: 180,
  trendingHalfLifeDays: 3,
  segmentShrinkage: 50,
};

export class PopularityIndex {
  private constructor(
    /** Shape: [itemCount] */
    readonly global: Float64Array,
    /** Per segment: its completion mass plus `segmentShrinkage` units of the global shares. */
    readonly bySegment: Float64Array[],
    readonly trending: Float64Array,
    /** Distinct users per item / users: the share used by novelty. Shape: [itemCount] */
    readonly userShare: Float64Array,
    readonly asOf: number,
  ) {}

  static build(x: Interactions, options: Partial<PopularityOptions> = {}): PopularityIndex {
    const o = { ...POPULARITY_DEFAULTS, ...options };
    const data = dedupeInteractions(x);
    let asOf = o.asOf ?? -Infinity;
    if (o.asOf === undefined) for (const t of data.timestamps) asOf = Math.max(asOf, t);
    const I = x.itemCount;
    const S = o.segmentCount ?? 0;
    const global = new Float64Array(I);
    const trending = new Float64Array(I);
    const users = new Float64Array(I);
    const raw = Array.from({ length: S }, () => new Float64Array(I));
    const activeUsers = new Set<number>();
    for (let r = 0; r < data.users.length; r++) {
      const t = data.timestamps[r];
      if (t > asOf) continue;
      const item = data.items[r];
      const w = data.weights[r];
      const pop = w * recencyDecay(asOf - t, o.popularityHalfLifeDays);
      global[item] += pop;
      trending[item] += w * recencyDecay(asOf - t, o.trendingHalfLifeDays);
      users[item]++;
      activeUsers.add(data.users[r]);
      const s = o.segments?.[data.users[r]] ?? -1;
      if (s >= 0 && s < S) raw[s][item] += pop;
    }
    const total = global.reduce((a, b) => a + b, 0);
    // Segment mass + k units of the global shares: the segment's own ranking wins once it has
    // data, and an empty segment falls back to the global ranking.
    const k = o.segmentShrinkage;
    const bySegment = raw.map((seg) =>
      Float64Array.from(seg, (c, i) => c + (total > 0 ? (k * global[i]) / total : 0)),
    );
    const n = Math.max(1, activeUsers.size);
    return new PopularityIndex(
      global,
      bySegment,
      trending,
      users.map((c) => c / n),
      asOf,
    );
  }

  /** Popularity within a segment; the global one for an unknown segment. Shape: [itemCount] */
  segmentScores(segment: number | undefined): Float64Array {
    if (segment === undefined || segment < 0 || segment >= this.bySegment.length)
      return this.global;
    return this.bySegment[segment];
  }
}
