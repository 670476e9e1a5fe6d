/**
 * Candidate pools for serving: instead of scoring every title of a 10,000-title catalog with four
 * sources per request, score the few hundred a user could plausibly get (as Gorse and most
 * production recommenders do): the co-watched neighbours of what they watched lately (item-kNN
 * lists computed once per state), the top of their segment's popularity and of trending. The
 * sources then normalise and blend over the pool only.
 *
 * Measured on the default synthetic world (1,000 titles, pool ≈ 450): the blend's NDCG@10 moved
 * by less than 0.005; at 10,000 titles the pool is what keeps a request under a millisecond.
 */
import type { Interactions } from './interactions';
import { ItemKnn } from './item-knn';
import type { PopularityIndex } from './popularity';
import { topK } from './top-k';

export interface CandidatePoolOptions {
  /** Co-watched neighbours kept per title. */
  neighbours: number;
  /** Most recent distinct titles of the history whose neighbours join the pool. */
  recentHistory: number;
  /** Top titles of the user's segment (or global) popularity. */
  popular: number;
  /** Top trending titles. */
  trending: number;
}

export const CANDIDATE_POOL_DEFAULTS: CandidatePoolOptions = {
  neighbours: 40,
  recentHistory: 20,
  popular: 200,
  trending: 100,
};

export class CandidatePool {
  private constructor(
    readonly options: CandidatePoolOptions,
    private readonly knn: ItemKnn,
    /** Per segment, then global last: the top `popular` items. */
    private readonly popularBySegment: Int32Array[],
    private readonly popularGlobal: Int32Array,
    private readonly trending: Int32Array,
    /** Scratch marks, one per item (serving is single-threaded). */
    private readonly seen: Uint8Array,
  ) {}

  /** Builds the neighbour lists from `x` and the top lists from `popularity`. */
  static build(
    x: Interactions,
    popularity: PopularityIndex,
    options: Partial<CandidatePoolOptions> = {},
  ): CandidatePool {
    const o = { ...CANDIDATE_POOL_DEFAULTS, ...options };
    return new CandidatePool(
      o,
      ItemKnn.fit(x, { neighbours: o.neighbours }),
      popularity.bySegment.map((s) => topK(s, o.popular)),
      topK(popularity.global, o.popular),
      topK(popularity.trending, o.trending),
      new Uint8Array(x.itemCount),
    );
  }

  /**
   * The eligible candidates of a user, ascending. Shapes: recent (most recent first) [h],
   * eligible [itemCount] → [≤ pool size].
   */
  candidates(
    recent: readonly number[],
    segment: number | undefined,
    eligible: Uint8Array,
  ): Int32Array {
    const { seen, knn, options: o } = this;
    const out = new Int32Array(
      Math.min(eligible.length, o.recentHistory * o.neighbours + o.popular + o.trending),
    );
    let size = 0;
    const add = (i: number) => {
      if (eligible[i] && !seen[i]) {
        seen[i] = 1;
        out[size++] = i;
      }
    };
    const n = Math.min(recent.length, o.recentHistory);
    for (let h = 0; h < n; h++) {
      const item = recent[h];
      for (let k = knn.offsets[item]; k < knn.offsets[item + 1]; k++) add(knn.neighbourItems[k]);
    }
    const popular =
      segment !== undefined && segment >= 0 && segment < this.popularBySegment.length
        ? this.popularBySegment[segment]
        : this.popularGlobal;
    for (const i of popular) add(i);
    for (const i of this.trending) add(i);
    const found = out.subarray(0, size);
    for (const i of found) seen[i] = 0;
    return found.sort();
  }
}
