/**
 * Chooses the number of segments by the mean silhouette over a range of k, among the k whose
 * smallest cluster holds at least `minShare` of the rows. The floor is there because on behaviour
 * data the silhouette is flat (every k within a few hundredths) and happily rewards splitting off a
 * sliver of outliers: a segment of 1% of the base is no segment anyone can run a campaign on. When
 * no k clears the floor, the k whose smallest cluster is largest wins. Built to stay fast at
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
  /** Smallest cluster share (0..1, on the fit sample) a k needs to be chosen. Default 0 (no floor). */
  minShare?: number;
}

export interface KScore {
  k: number;
  /** Mean silhouette on the silhouette sample; NaN if undefined (e.g. all sample points in one cluster). */
  silhouette: number;
  /** k-means inertia on the fit sample (sum of squared z-distances), for an elbow plot. */
  inertia: number;
  /** Share of the fit sample in the smallest cluster (0..1). */
  smallestShare: number;
  /** Whether smallestShare clears the minShare floor, i.e. whether this k could be chosen. */
  eligible: boolean;
}

export interface KSelection {
  /** The eligible k with the highest silhouette (the smaller k on ties; see the file comment). */
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
    minShare = 0,
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
    const smallestShare = fit.sizes[fit.sizes.length - 1] / fitRows.length;
    scores.push({
      k,
      silhouette: sum / s,
      inertia: fit.inertia,
      smallestShare,
      eligible: smallestShare >= minShare,
    });
    fits.push(fit);
  }
  const best = bestScore(scores);
  return { k: scores[best].k, scores, fit: fits[best] };
}

/**
 * Index of the chosen k: the highest silhouette among eligible k (the smaller k on ties); without an
 * eligible k, the largest smallest share.
 */
export function bestScore(scores: readonly KScore[]): number {
  let best = -1;
  scores.forEach((sc, i) => {
    if (!sc.eligible) return;
    if (
      best < 0 ||
      sc.silhouette > scores[best].silhouette ||
      Number.isNaN(scores[best].silhouette)
    )
      best = i;
  });
  if (best >= 0) return best;
  scores.forEach((sc, i) => {
    if (best < 0 || sc.smallestShare > scores[best].smallestShare) best = i;
  });
  return best;
}
