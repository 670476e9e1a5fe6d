/**
 * k-means (Lloyd's algorithm, k-means++ seeding) through ml-kmeans, made reproducible and canonical:
 * the seed drives the k-means++ draws, and clusters are renumbered by size (largest first, ties by
 * centroid), so the numbering does not depend on which point the seeding happened to pick first.
 */
import { kmeans } from 'ml-kmeans';
import { createRng } from '../random';

export interface KMeansOptions {
  seed?: number;
  /** Lloyd iterations per run. Default 100. */
  maxIterations?: number;
  /**
   * Converged when no centroid moves more than this (squared Euclidean). Default 1e-4: on z-scores
   * (unit variance) that is scikit-learn's default tol, and a shift of 0.01 standard deviations
   * changes no segment a person would notice, while unstructured data can take hundreds of
   * iterations to settle below 1e-6.
   */
  tolerance?: number;
  /** Starting centroids instead of k-means++ (e.g. from a fit on a sample). Shape: [k, d]. */
  initialCentroids?: number[][];
  /** Independent k-means++ runs; the one with the lowest inertia wins. Default 1. */
  restarts?: number;
}

export interface KMeansFit {
  k: number;
  /** Cluster of each row, 0 = largest. Shape: [n]. */
  assignments: Int32Array;
  /** Mean of each cluster's rows. Shape: [k, d]. */
  centroids: number[][];
  /** Rows per cluster, descending. Shape: [k]. */
  sizes: number[];
  /** Sum of squared distances from rows to their centroid. */
  inertia: number;
  iterations: number;
  converged: boolean;
}

function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j] - b[j];
    s += d * d;
  }
  return s;
}

function compareVectors(a: number[], b: number[]): number {
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return a[j] - b[j];
  return 0;
}

/** k-means of n rows into k clusters. Deterministic for a seed. Shape: data [n, d]. */
export function kMeans(data: number[][], k: number, options: KMeansOptions = {}): KMeansFit {
  const {
    seed = 0,
    maxIterations = 100,
    tolerance = 1e-4,
    initialCentroids,
    restarts = 1,
  } = options;
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  if (data.length < k) throw new Error(`cannot make ${k} clusters of ${data.length} rows`);
  const rng = createRng(seed);
  let best: KMeansFit | null = null;
  const runs = initialCentroids !== undefined ? 1 : Math.max(1, restarts);
  for (let run = 0; run < runs; run++) {
    const result = kmeans(data, k, {
      // Copies: ml-kmeans starts from the array it is given and the caller's centroids must survive.
      initialization: initialCentroids?.map((c) => [...c]) ?? 'kmeans++',
      seed: rng.seed(),
      maxIterations,
      tolerance,
    });
    const fit = canonical(
      data,
      k,
      result.clusters,
      result.centroids,
      result.iterations,
      result.converged,
    );
    if (best === null || fit.inertia < best.inertia) best = fit;
  }
  return best!;
}

function canonical(
  data: number[][],
  k: number,
  clusters: number[],
  centroids: number[][],
  iterations: number,
  converged: boolean,
): KMeansFit {
  const sizes = new Array<number>(k).fill(0);
  for (const c of clusters) sizes[c]++;
  const order = Array.from({ length: k }, (_, c) => c).sort(
    (a, b) => sizes[b] - sizes[a] || compareVectors(centroids[a], centroids[b]) || a - b,
  );
  const rank = new Int32Array(k);
  order.forEach((c, r) => (rank[c] = r));
  const assignments = Int32Array.from(clusters, (c) => rank[c]);
  const sorted = order.map((c) => [...centroids[c]]);
  let inertia = 0;
  for (let i = 0; i < data.length; i++) inertia += squaredDistance(data[i], sorted[assignments[i]]);
  return {
    k,
    assignments,
    centroids: sorted,
    sizes: order.map((c) => sizes[c]),
    inertia,
    iterations,
    converged,
  };
}

/** Index of the nearest centroid for each row. Shapes: data [n, d], centroids [k, d] → [n]. */
export function nearestCentroid(
  data: ArrayLike<ArrayLike<number>>,
  centroids: number[][],
): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    let best = Infinity;
    for (let c = 0; c < centroids.length; c++) {
      const d = squaredDistance(data[i], centroids[c]);
      if (d < best) {
        best = d;
        out[i] = c;
      }
    }
  }
  return out;
}
