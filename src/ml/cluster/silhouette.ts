/**
 * Silhouette coefficients (Rousseeuw, 1987) with Euclidean distance, as scikit-learn computes them:
 *   a(i) = mean distance from i to the other members of its cluster,
 *   b(i) = the smallest mean distance from i to the members of another cluster,
 *   s(i) = (b − a) / max(a, b), and s(i) = 0 when i is alone in its cluster.
 * The score is the mean s(i); it needs 2 ≤ clusters ≤ n − 1 (NaN otherwise). Exact is O(n²·d);
 * for many users the sampled score computes it within a seeded random sample, like
 * silhouette_score(X, labels, sample_size=s, random_state=seed).
 */
import { createRng, permutation } from '../random';

/** Distance between two points, by index. */
type Distance = (i: number, j: number) => number;

function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j] - b[j];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** Compact labels 0..k−1 (in order of first appearance) and the cluster sizes. */
function compact(labels: ArrayLike<number>): { ids: Int32Array; sizes: number[] } {
  const map = new Map<number, number>();
  const ids = new Int32Array(labels.length);
  const sizes: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    let id = map.get(labels[i]);
    if (id === undefined) {
      id = map.size;
      map.set(labels[i], id);
      sizes.push(0);
    }
    ids[i] = id;
    sizes[id]++;
  }
  return { ids, sizes };
}

/**
 * s(i) for n points given their pairwise distances. Each pair is visited once; per point it keeps
 * the sum of distances to every cluster (n · k numbers). Shape: labels [n] → [n]; all NaN when the
 * number of clusters is outside [2, n − 1].
 */
export function silhouetteFromDistances(
  n: number,
  labels: ArrayLike<number>,
  distance: Distance,
): Float64Array {
  const { ids, sizes } = compact(labels);
  const k = sizes.length;
  const out = new Float64Array(n);
  if (k < 2 || k > n - 1) return out.fill(NaN);
  const sums = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = distance(i, j);
      sums[i * k + ids[j]] += d;
      sums[j * k + ids[i]] += d;
    }
  }
  for (let i = 0; i < n; i++) {
    const own = ids[i];
    if (sizes[own] === 1) continue; // s = 0 for a singleton, by convention
    const a = sums[i * k + own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own) b = Math.min(b, sums[i * k + c] / sizes[c]);
    const m = Math.max(a, b);
    out[i] = m > 0 ? (b - a) / m : 0;
  }
  return out;
}

/** Exact s(i) for every point. O(n² · d). Shapes: data [n, d], labels [n] → [n]. */
export function silhouetteSamples(
  data: ArrayLike<ArrayLike<number>>,
  labels: ArrayLike<number>,
): Float64Array {
  if (data.length !== labels.length)
    throw new Error(`${data.length} points but ${labels.length} labels`);
  return silhouetteFromDistances(data.length, labels, (i, j) => euclidean(data[i], data[j]));
}

function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length > 0 ? s / values.length : NaN;
}

/** Exact mean silhouette. O(n² · d): for up to a few thousand points. Shapes: data [n, d], labels [n]. */
export function silhouetteScore(
  data: ArrayLike<ArrayLike<number>>,
  labels: ArrayLike<number>,
): number {
  return mean(silhouetteSamples(data, labels));
}

/**
 * `size` row indices drawn without replacement (all rows when size ≥ n), in ascending order.
 * Deterministic for a seed. Shape: [min(size, n)].
 */
export function sampleIndices(n: number, size: number, seed: number): Int32Array {
  if (size >= n) return Int32Array.from({ length: n }, (_, i) => i);
  return permutation(n, createRng(seed)).subarray(0, size).sort();
}

/**
 * Mean silhouette within a seeded sample of `sampleSize` points (distances only among the sample).
 * O(s² · d). Shapes: data [n, d], labels [n].
 */
export function sampledSilhouetteScore(
  data: ArrayLike<ArrayLike<number>>,
  labels: ArrayLike<number>,
  options: { sampleSize?: number; seed?: number } = {},
): number {
  const { sampleSize = 3000, seed = 0 } = options;
  if (data.length !== labels.length)
    throw new Error(`${data.length} points but ${labels.length} labels`);
  const idx = sampleIndices(data.length, sampleSize, seed);
  return silhouetteScore(
    Array.from(idx, (i) => data[i]),
    Array.from(idx, (i) => labels[i]),
  );
}

/**
 * Pairwise Euclidean distances of s points, computed once and reused for the silhouette of many
 * clusterings of the same sample (k selection). float32: half the memory (36 MB at s = 3000) and
 * far more precision than a silhouette needs. Shape: points [s, d] → [s · s].
 */
export function pairwiseDistances(points: ArrayLike<ArrayLike<number>>): Float32Array {
  const s = points.length;
  const out = new Float32Array(s * s);
  for (let i = 0; i < s; i++) {
    for (let j = i + 1; j < s; j++) {
      const d = euclidean(points[i], points[j]);
      out[i * s + j] = d;
      out[j * s + i] = d;
    }
  }
  return out;
}
