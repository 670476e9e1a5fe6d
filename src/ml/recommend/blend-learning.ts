/**
 * Learns the hybrid's blend from data: for each history-size bucket, the weights of the sources
 * that maximise NDCG@k of the held-out titles (latest-holdout.ts), by a grid over the weight
 * simplex (step 0.1: 1,001 points for five sources) refined by coordinate moves of 0.025.
 * The grid contains every corner (one source alone), so on the validation users the blend is never
 * below its best single source, and a blend replaces that source only when it is better by more
 * than noise (paired standard errors); a bucket with too few users takes the weights learned on
 * all.
 *
 * Each case keeps only the union of every source's top `pool` items: a blend of min–max normalised
 * scores cannot lift an item into its top k that no source ranks in its top `pool`
 * unless the sources disagree wildly, and it keeps the search at O(cases × pool) per point.
 */
import type { SourceCode } from './reasons';
import { SOURCE_CODES } from './blend-weights';

/** One validation user: the sources' normalised scores of their candidates, and what they watched. */
export interface BlendCase {
  /** Distinct titles in the user's (train) history. */
  historySize: number;
  /** Candidate items. Shape: [m] */
  items: Int32Array;
  /** Per source (SOURCE_CODES order) the score of each candidate, NaN when unavailable. Shape: [S × m] */
  scores: Float32Array;
  /** Held-out items. */
  relevant: ReadonlySet<number>;
}

export interface BlendBucket {
  /** Upper bound (inclusive) of the history size this bucket covers. */
  maxHistory: number;
  weights: Record<SourceCode, number>;
  /** Validation users in the bucket, and their NDCG@k under these weights. */
  users: number;
  ndcg: number;
  /** The best single source on the same users. */
  bestSingle: { source: SourceCode; ndcg: number };
}

export interface LearnedBlend {
  k: number;
  buckets: BlendBucket[];
}

export interface BlendLearningOptions {
  k: number;
  /** Bucket upper bounds: 0 = new users, then short, medium and long histories. */
  bounds: number[];
  /** Fewer validation users than this: the bucket takes the pooled weights. */
  minUsers: number;
  /**
   * The blend replaces the best single source only when its paired gain in NDCG over the users
   * exceeds this many standard errors: a gain within noise of the validation users would not
   * carry over to new data (measured: blends chosen on 60–220 users lost 0.01 NDCG on a test split).
   */
  minGainSe: number;
}

export const BLEND_LEARNING_DEFAULTS: BlendLearningOptions = {
  k: 10,
  bounds: [0, 4, 19, Infinity],
  minUsers: 100,
  minGainSe: 2,
};

const S = SOURCE_CODES.length;
/** Scratch for caseNdcg's top k (k ≤ 64). */
const TOP = new Int32Array(64);

/**
 * Builds a case from the sources' normalised scores of a user's candidates. Shapes: perSource
 * [m] each, candidates [m].
 */
export function blendCase(
  perSource: Partial<Record<SourceCode, Float64Array>>,
  candidates: Int32Array,
  historySize: number,
  relevant: ReadonlySet<number>,
  pool: number,
  topOf: (scores: Float64Array, k: number) => Int32Array,
): BlendCase {
  const union = new Set<number>();
  for (const code of SOURCE_CODES) {
    const s = perSource[code];
    if (s) for (const j of topOf(s, pool)) union.add(j);
  }
  const positions = [...union].sort((a, b) => a - b);
  const items = Int32Array.from(positions, (j) => candidates[j]);
  const scores = new Float32Array(S * items.length).fill(NaN);
  SOURCE_CODES.forEach((code, c) => {
    const s = perSource[code];
    if (s) positions.forEach((j, m) => (scores[c * items.length + m] = s[j]));
  });
  return { historySize, items, scores, relevant };
}

/** NDCG@k of one case under weights w (SOURCE_CODES order); unavailable sources count 0. */
export function caseNdcg(c: BlendCase, w: ArrayLike<number>, k: number, buf: Float64Array): number {
  if (k > TOP.length) throw new Error(`k must be at most ${TOP.length}`);
  const m = c.items.length;
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let x = 0; x < S; x++) {
      const v = c.scores[x * m + j];
      if (v === v) s += w[x] * v;
    }
    buf[j] = s;
  }
  // Top k by insertion into a short sorted buffer (ties: the earlier, i.e. lower, item first).
  const kk = Math.min(k, m);
  const top = TOP;
  let size = 0;
  for (let j = 0; j < m; j++) {
    const v = buf[j];
    if (size === kk && !(v > buf[top[size - 1]])) continue;
    let at = size < kk ? size++ : kk - 1;
    while (at > 0 && v > buf[top[at - 1]]) {
      top[at] = top[at - 1];
      at--;
    }
    top[at] = j;
  }
  let dcg = 0;
  for (let r = 0; r < size; r++) if (c.relevant.has(c.items[top[r]])) dcg += 1 / Math.log2(r + 2);
  let ideal = 0;
  for (let r = 0; r < Math.min(k, c.relevant.size); r++) ideal += 1 / Math.log2(r + 2);
  return ideal > 0 ? dcg / ideal : 0;
}

function perCaseNdcg(cases: readonly BlendCase[], w: ArrayLike<number>, k: number): Float64Array {
  const buf = new Float64Array(cases.reduce((m, c) => Math.max(m, c.items.length), 0));
  return Float64Array.from(cases, (c) => caseNdcg(c, w, k, buf));
}

function meanNdcg(cases: readonly BlendCase[], w: ArrayLike<number>, k: number): number {
  if (cases.length === 0) return 0;
  return perCaseNdcg(cases, w, k).reduce((a, b) => a + b, 0) / cases.length;
}

/** Whether blend weights beat single-source weights by more than `se` paired standard errors. */
function clearlyBetter(
  cases: readonly BlendCase[],
  blend: ArrayLike<number>,
  single: ArrayLike<number>,
  k: number,
  se: number,
): boolean {
  const a = perCaseNdcg(cases, blend, k);
  const b = perCaseNdcg(cases, single, k);
  const n = cases.length;
  if (n < 2) return false;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (a[i] - b[i]) / n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (a[i] - b[i] - mean) ** 2 / (n - 1);
  return mean > se * Math.sqrt(variance / n);
}

/** Every point of the simplex over S sources with the given step. */
function simplexGrid(step: number): number[][] {
  const n = Math.round(1 / step);
  const out: number[][] = [];
  const rec = (prefix: number[], left: number) => {
    if (prefix.length === S - 1) {
      out.push([...prefix, left].map((v) => v / n));
      return;
    }
    for (let v = 0; v <= left; v++) rec([...prefix, v], left - v);
  };
  rec([], n);
  return out;
}

/**
 * The best weights for these cases: grid, then coordinate moves of `fine` while they help; kept
 * only when clearly better than the best single source (else that source alone).
 */
function searchWeights(
  cases: readonly BlendCase[],
  k: number,
  minGainSe: number,
): { w: number[]; ndcg: number } {
  const found = searchSimplex(cases, k);
  const single = bestSingle(cases, k);
  const corner = SOURCE_CODES.map((c) => (c === single.source ? 1 : 0));
  return clearlyBetter(cases, found.w, corner, k, minGainSe)
    ? found
    : { w: corner, ndcg: single.ndcg };
}

function searchSimplex(cases: readonly BlendCase[], k: number): { w: number[]; ndcg: number } {
  let best = { w: [1, 0, 0, 0], ndcg: -1 };
  for (const w of simplexGrid(0.1)) {
    const ndcg = meanNdcg(cases, w, k);
    if (ndcg > best.ndcg) best = { w, ndcg };
  }
  const fine = 0.025;
  for (let improved = true, rounds = 0; improved && rounds < 20; rounds++) {
    improved = false;
    for (let a = 0; a < S; a++) {
      for (let b = 0; b < S; b++) {
        if (a === b || best.w[b] < fine) continue;
        const w = [...best.w];
        w[a] += fine;
        w[b] -= fine;
        const ndcg = meanNdcg(cases, w, k);
        if (ndcg > best.ndcg + 1e-9) {
          best = { w, ndcg };
          improved = true;
        }
      }
    }
  }
  return best;
}

function asRecord(w: ArrayLike<number>): Record<SourceCode, number> {
  return Object.fromEntries(SOURCE_CODES.map((c, x) => [c, w[x]])) as Record<SourceCode, number>;
}

/** The best single source on these cases. */
function bestSingle(cases: readonly BlendCase[], k: number): { source: SourceCode; ndcg: number } {
  let best = { source: SOURCE_CODES[0], ndcg: -1 };
  SOURCE_CODES.forEach((source, x) => {
    const w = new Array(S).fill(0);
    w[x] = 1;
    const ndcg = meanNdcg(cases, w, k);
    if (ndcg > best.ndcg) best = { source, ndcg };
  });
  return best;
}

/** Weights per history bucket, learned on the cases. */
export function learnBlend(
  cases: readonly BlendCase[],
  options: Partial<BlendLearningOptions> = {},
): LearnedBlend {
  const o = { ...BLEND_LEARNING_DEFAULTS, ...options };
  const warm = cases.filter((c) => c.historySize > 0);
  const pooled = searchWeights(warm.length > 0 ? warm : cases, o.k, o.minGainSe);
  const buckets = o.bounds.map((maxHistory, b): BlendBucket => {
    const min = b === 0 ? -Infinity : o.bounds[b - 1];
    const mine = cases.filter((c) => c.historySize > min && c.historySize <= maxHistory);
    const found = mine.length >= o.minUsers ? searchWeights(mine, o.k, o.minGainSe) : pooled;
    return {
      maxHistory,
      weights: asRecord(found.w),
      users: mine.length,
      ndcg: mine.length > 0 ? meanNdcg(mine, found.w, o.k) : NaN,
      bestSingle: mine.length > 0 ? bestSingle(mine, o.k) : { source: 'collaborative', ndcg: NaN },
    };
  });
  return { k: o.k, buckets };
}

/** The bucket of a history size. */
export function bucketFor(blend: LearnedBlend, historySize: number): BlendBucket {
  return blend.buckets.find((b) => historySize <= b.maxHistory) ?? blend.buckets.at(-1)!;
}
