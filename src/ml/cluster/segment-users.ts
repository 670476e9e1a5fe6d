/**
 * Behaviour segments of the subscriber base, end to end: standardise → choose k by silhouette (among
 * k whose smallest segment is big enough to act on) → k-means on all rows → medians in plain units →
 * labels and traits → (optionally) ids carried over from the previous run.
 * Sized for 100k subscribers × ~15 features in seconds: k is chosen on samples (see
 * silhouette-k-selection.ts) and the final fit on all rows starts from the sample's centroids.
 */
import { kMeans, type KMeansFit } from './k-means';
import { selectKBySilhouette, type KScore } from './silhouette-k-selection';
import { labelSegments, type SegmentLabelOptions, type SegmentTrait } from './segment-labels';
import { matchSegments } from './segment-matching';
import { sampleIndices, sampledSilhouetteScore } from './silhouette';
import { fitStandardizer, standardize, unstandardize, type StandardizerState } from './standardize';

export interface SegmentUsersOptions {
  /** Names of the matrix columns. Shape: [d]. */
  features: string[];
  seed?: number;
  /** A fixed number of segments; skips k selection. */
  k?: number;
  /**
   * k tried by silhouette. Default [4, 8]: fewer than four behaviour segments is an activity split
   * (light vs heavy viewers) that no retention team can act on differently.
   */
  kRange?: [number, number];
  /** Smallest segment share (0..1) a k needs to be chosen (see silhouette-k-selection.ts). Default 0.05. */
  minShare?: number;
  /**
   * The rows in plain units (what a person reads: minutes, days, a fee), for the segments' medians
   * and the labels' `holds` checks. Default: the matrix itself. Shape: [n, d].
   */
  plain?: ArrayLike<ArrayLike<number>>;
  /** Rows each candidate k is fitted on. Default 20,000. */
  fitSampleSize?: number;
  /** Points the silhouettes are computed within. Default 3,000. */
  silhouetteSampleSize?: number;
  maxIterations?: number;
  /** k-means++ runs per candidate k (the best inertia wins). Default 1, as scikit-learn's n_init='auto'. */
  restarts?: number;
  /** Descriptor table and labelling rules (see segment-labels.ts). */
  labels?: SegmentLabelOptions;
  /** The previous run's segments, with raw-unit centroids, to keep ids stable. */
  previous?: { id: number; centroidRaw: ArrayLike<number> }[];
  /** Beyond this distance (z units, current scale) a segment is new. Default 1. */
  maxMatchDistance?: number;
  /** First fresh id. Default max(previous ids) + 1, or 0. */
  nextId?: number;
}

export interface Segment {
  /** Stable id (carried over from `previous` when matched). */
  id: number;
  /** Position in `segments`, 0 = largest; `assignments` holds these. */
  index: number;
  label: string;
  size: number;
  /** size / n. */
  share: number;
  /** Standardised centroid. Shape: [d]. */
  centroid: number[];
  /** Centroid in raw units. Shape: [d]. */
  centroidRaw: number[];
  traits: SegmentTrait[];
  /** Median of each feature over the members, in plain units (NaN when no member has one). Shape: [d]. */
  medians: number[];
  /** The previous segment this continues, or null. */
  previousId: number | null;
  /** Distance to that previous centroid (z units), or null. */
  matchDistance: number | null;
}

export interface SegmentationTimings {
  standardizeMs: number;
  selectKMs: number;
  fitMs: number;
  labelMs: number;
  totalMs: number;
}

export interface Segmentation {
  k: number;
  /** Segment index of each row (see Segment.index). Shape: [n]. */
  assignments: Int32Array;
  segments: Segment[];
  /** Silhouette, inertia and smallest share of every k tried; empty when k was fixed. */
  silhouetteByK: KScore[];
  /** The smallest segment share a k needed to be chosen. */
  minShare: number;
  /** Median of each feature over all rows, in plain units. Shape: [d]. */
  medians: number[];
  /** Sampled silhouette of the final clustering. */
  silhouette: number;
  /** Stored with the run: places new rows and the next run's matching in this run's space. */
  standardizer: StandardizerState;
  /** Previous ids that no segment continues. */
  retiredIds: number[];
  iterations: number;
  timings: SegmentationTimings;
}

/** Segments n subscribers described by d behaviour features. Deterministic for a seed. Shape: matrix [n, d]. */
export function segmentUsers(
  matrix: ArrayLike<ArrayLike<number>>,
  options: SegmentUsersOptions,
): Segmentation {
  const t0 = performance.now();
  const {
    features,
    seed = 0,
    kRange = [4, 8],
    minShare = 0.05,
    fitSampleSize = 20000,
    silhouetteSampleSize = 3000,
    maxIterations = 100,
    restarts = 1,
  } = options;
  const standardizer = fitStandardizer(matrix, features);
  const z = standardize(matrix, standardizer);
  const t1 = performance.now();

  let silhouetteByK: KScore[] = [];
  let start: KMeansFit;
  if (options.k !== undefined) {
    const sample = Array.from(sampleIndices(z.length, fitSampleSize, seed + 1), (i) => z[i]);
    start = kMeans(sample, options.k, { seed, maxIterations, restarts });
  } else {
    const selection = selectKBySilhouette(z, {
      kMin: kRange[0],
      kMax: kRange[1],
      seed,
      fitSampleSize,
      silhouetteSampleSize,
      maxIterations,
      restarts,
      minShare,
    });
    silhouetteByK = selection.scores;
    start = selection.fit;
  }
  const t2 = performance.now();
  const fit =
    start.assignments.length === z.length
      ? start
      : kMeans(z, start.k, { initialCentroids: start.centroids, maxIterations });
  const silhouette = sampledSilhouetteScore(z, fit.assignments, {
    sampleSize: silhouetteSampleSize,
    seed: seed + 3,
  });
  const t3 = performance.now();

  const plain = options.plain ?? matrix;
  const members = fit.centroids.map(() => [] as number[]);
  fit.assignments.forEach((c, i) => members[c].push(i));
  const medians = members.map((rows) => columnMedians(plain, rows, features.length));
  const named = labelSegments(fit.centroids, features, { ...options.labels, values: medians });
  const raw = unstandardize(fit.centroids, standardizer);
  const previous = (options.previous ?? []).map((p) => ({
    id: p.id,
    // The previous run's centroids, re-expressed on this run's scale so distances compare like with like.
    centroid: standardize([p.centroidRaw], standardizer)[0],
  }));
  const { matches, retired } = matchSegments(previous, fit.centroids, {
    maxDistance: options.maxMatchDistance,
    nextId: options.nextId,
  });
  const segments = fit.centroids.map((centroid, index): Segment => ({
    id: matches[index].id,
    index,
    label: named[index].label,
    size: fit.sizes[index],
    share: fit.sizes[index] / z.length,
    centroid,
    centroidRaw: raw[index],
    traits: named[index].traits,
    medians: medians[index],
    previousId: matches[index].previousId,
    matchDistance: matches[index].distance,
  }));
  const t4 = performance.now();
  return {
    k: fit.k,
    assignments: fit.assignments,
    segments,
    silhouetteByK,
    minShare,
    medians: columnMedians(
      plain,
      Array.from({ length: z.length }, (_, i) => i),
      features.length,
    ),
    silhouette,
    standardizer,
    retiredIds: retired,
    iterations: fit.iterations,
    timings: {
      standardizeMs: t1 - t0,
      selectKMs: t2 - t1,
      fitMs: t3 - t2,
      labelMs: t4 - t3,
      totalMs: t4 - t0,
    },
  };
}

/** Median of each column over the given rows, skipping missing values. Shape: [d]. */
function columnMedians(
  rows: ArrayLike<ArrayLike<number>>,
  indices: readonly number[],
  d: number,
): number[] {
  return Array.from({ length: d }, (_, j) => {
    const v = indices.map((i) => rows[i][j]).filter((x) => Number.isFinite(x));
    if (v.length === 0) return NaN;
    v.sort((a, b) => a - b);
    const m = v.length >> 1;
    return v.length % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  });
}
