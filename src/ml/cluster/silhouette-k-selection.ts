/**
 * Chooses the number of segments by the mean silhouette over a range of k. Built to stay fast at
 * 100k subscribers: each k is fitted on a seeded subsample (k-means centroids settle long before
 * every row is used), and the silhouettes of all k are computed on one smaller sample whose
 * pairwise distances are computed once. The caller refines the chosen k on all rows, starting from
 * the subsample's centroids.
 */
import { kMeans, nearestCentroid, type KMeansFit } from './k-means';
import { pairwiseDistances, sampleIndices, silhouetteFromDistances } from './silhouette';

export interface KSelectionOptions {
  /** Smallest k tried. Default 2. */
  kMin?: number;
  /** Largest k tried (capped at n − 1). Default 8. */
  kMax?: number;
  seed?: number;
  /** Rows the k-means of each k is fitted on. Default 20,000. */
  fitSampleSize?: number;
  /** Points the silhouette is computed within. Default 3,000. */
  silhouetteSampleSize?: number;
  maxIterations?: number;
  /** k-means++ runs per k. Default 1. */
  restarts?: number;
}

export interface KScore {
  k: number;
  /** Mean silhouette on the silhouette sample; NaN if undefined (e.g. all sample points in one cluster). */
  silhouette: number;
  /** k-means inertia on the fit sample (sum of squared z-distances), for an elbow plot. */
  inertia: number;
}

export interface KSelection {
  /** The k with the highest silhouette (the smaller k on ties). */
  k: number;
  /** Every k tried, ascending. */
  scores: KScore[];
  /** The chosen k's fit on the fit sample, whose centroids seed the final fit. */
  fit: KMeansFit;
}

/** Tries k = kMin..kMax on standardised rows. Deterministic for a seed. Shape: data [n, d]. */
export function selectKBySilhouette(data: number[][], options: KSelectionOptions = {}): KSelection {
  const {
    kMin = 2,
    kMax = 8,
    seed = 0,
    fitSampleSize = 20000,
    silhouetteSampleSize = 3000,
    maxIterations = 100,
    restarts = 1,
  } = options;
  const n = data.length;
  const hi = Math.min(kMax, n - 1);
  if (kMin < 2 || hi < kMin) throw new Error(`no k in [${kMin}, ${kMax}] fits ${n} rows`);
  const fitIdx = sampleIndices(n, fitSampleSize, seed + 1);
  // Copies, not references: rows scattered over a 100k-row heap make every Lloyd pass ~4x slower
  // (cache misses), and the copy costs a few milliseconds.
  const fitRows = Array.from(fitIdx, (i) => Array.from(data[i]));
  const silIdx = sampleIndices(n, silhouetteSampleSize, seed + 2);
  const silRows = Array.from(silIdx, (i) => Array.from(data[i]));
  const s = silRows.length;
  const dist = pairwiseDistances(silRows);
  const scores: KScore[] = [];
  const fits: KMeansFit[] = [];
  for (let k = kMin; k <= hi; k++) {
    const fit = kMeans(fitRows, k, { seed: seed + k, maxIterations, restarts });
    // Silhouette points may lie outside the fit sample: label them by their nearest centroid.
    const labels = nearestCentroid(silRows, fit.centroids);
    const sil = silhouetteFromDistances(s, labels, (i, j) => dist[i * s + j]);
    let sum = 0;
    for (const v of sil) sum += v;
    scores.push({ k, silhouette: sum / s, inertia: fit.inertia });
    fits.push(fit);
  }
  let best = 0;
  scores.forEach((sc, i) => {
    if (sc.silhouette > scores[best].silhouette || Number.isNaN(scores[best].silhouette)) best = i;
  });
  return { k: scores[best].k, scores, fit: fits[best] };
}
