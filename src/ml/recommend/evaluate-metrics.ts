/**
 * Offline top-k metrics for one ranked list against a set of relevant items (binary relevance),
 * plus list-level metrics over many lists. Definitions follow the usual recommender literature:
 *
 * - precision@k = hits in top k / k (k, not the list length: a short list is not rewarded)
 * - recall@k = hits in top k / |relevant|
 * - NDCG@k = DCG@k / IDCG@k with DCG = Σ_{rank r, 1-based} rel_r / log2(r + 1)
 * - AP@k = Σ_{r ≤ k} P@r · rel_r / min(|relevant|, k); k = Infinity gives full AP; MAP = mean AP
 * - HR@k = 1 if any relevant item is in the top k
 * Users with no relevant items have undefined metrics (NaN), and callers leave them out.
 */

export type RelevantSet = ReadonlySet<number>;

function hitsAt(ranked: ArrayLike<number>, relevant: RelevantSet, k: number): number {
  let hits = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r])) hits++;
  return hits;
}

/** Shapes: ranked [n] item indices best first; relevant a set. */
export function precisionAtK(ranked: ArrayLike<number>, relevant: RelevantSet, k: number): number {
  if (relevant.size === 0) return NaN;
  return hitsAt(ranked, relevant, k) / k;
}

export function recallAtK(ranked: ArrayLike<number>, relevant: RelevantSet, k: number): number {
  if (relevant.size === 0) return NaN;
  return hitsAt(ranked, relevant, k) / relevant.size;
}

export function ndcgAtK(ranked: ArrayLike<number>, relevant: RelevantSet, k: number): number {
  if (relevant.size === 0) return NaN;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r])) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  const ideal = Math.min(k, relevant.size);
  for (let r = 0; r < ideal; r++) idcg += 1 / Math.log2(r + 2);
  return dcg / idcg;
}

/** AP@k (k = Infinity: AP over the whole ranking). */
export function averagePrecisionAtK(
  ranked: ArrayLike<number>,
  relevant: RelevantSet,
  k = Infinity,
): number {
  if (relevant.size === 0) return NaN;
  let hits = 0;
  let sum = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) {
    if (relevant.has(ranked[r])) {
      hits++;
      sum += hits / (r + 1);
    }
  }
  return sum / Math.min(relevant.size, k);
}

export function hitRateAtK(ranked: ArrayLike<number>, relevant: RelevantSet, k: number): number {
  if (relevant.size === 0) return NaN;
  return hitsAt(ranked, relevant, k) > 0 ? 1 : 0;
}

/** Mean of AP@k over users (NaN entries, users without relevant items, are skipped). */
export function meanAveragePrecision(
  lists: readonly ArrayLike<number>[],
  relevant: readonly RelevantSet[],
  k = Infinity,
): number {
  return meanDefined(lists.map((l, u) => averagePrecisionAtK(l, relevant[u], k)));
}

/** Share of the catalog that appears in at least one list's top k. */
export function catalogCoverage(
  lists: readonly ArrayLike<number>[],
  itemCount: number,
  k = Infinity,
): number {
  const seen = new Set<number>();
  for (const l of lists) for (let r = 0; r < Math.min(k, l.length); r++) seen.add(l[r]);
  return itemCount > 0 ? seen.size / itemCount : NaN;
}

/**
 * Intra-list diversity: mean over pairs in the top k of 1 − cosine(item vectors). `cosine(a, b)`
 * is supplied by the caller (content vectors, factors). NaN for lists shorter than 2.
 */
export function intraListDiversity(
  list: ArrayLike<number>,
  cosine: (a: number, b: number) => number,
  k = Infinity,
): number {
  const n = Math.min(k, list.length);
  if (n < 2) return NaN;
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      sum += 1 - cosine(list[a], list[b]);
      pairs++;
    }
  }
  return sum / pairs;
}

/**
 * Novelty: mean −log2(popularity share) of the top k, where share[i] = users of item i / users.
 * Items never seen in training get the share of one user (the least popular possible).
 * Shapes: list [n], share [itemCount].
 */
export function novelty(
  list: ArrayLike<number>,
  share: ArrayLike<number>,
  k = Infinity,
  floor = 1e-6,
): number {
  const n = Math.min(k, list.length);
  if (n === 0) return NaN;
  let sum = 0;
  for (let r = 0; r < n; r++) sum += -Math.log2(Math.max(floor, share[list[r]]));
  return sum / n;
}

/** Mean of the finite entries; NaN when there are none. */
export function meanDefined(values: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      sum += values[i];
      n++;
    }
  }
  return n > 0 ? sum / n : NaN;
}
