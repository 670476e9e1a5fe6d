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

/** The rows standardised, with the statistics that put later rows in the same space. */
export interface SegmentSpace {
  standardizer: StandardizerState;
  /** Shape: [n, d]. */
  z: number[][];
}

/** How k was chosen, and the fit (on a sample) that seeds the fit on all rows. */
export interface KChoice {
  /** Every k tried (empty when k was fixed). */
  scores: KScore[];
  start: KMeansFit;
}

/** The segments' labels and medians in plain units. */
export interface SegmentNames {
  labels: { label: string; traits: SegmentTrait[] }[];
  /** Shape: [k, d]. */
  medians: number[][];
  /** Over all rows. Shape: [d]. */
  everyone: number[];
}

type Settings = Required<
  Pick<
    SegmentUsersOptions,
    | 'seed'
    | 'kRange'
    | 'minShare'
    | 'fitSampleSize'
    | 'silhouetteSampleSize'
    | 'maxIterations'
    | 'restarts'
  >
>;

function settingsOf(options: Partial<SegmentUsersOptions>): Settings {
  return {
    seed: options.seed ?? 0,
    kRange: options.kRange ?? [4, 8],
    minShare: options.minShare ?? 0.05,
    fitSampleSize: options.fitSampleSize ?? 20000,
    silhouetteSampleSize: options.silhouetteSampleSize ?? 3000,
    maxIterations: options.maxIterations ?? 100,
    restarts: options.restarts ?? 1,
  };
}

/** Step 1: z-scores. Shape: matrix [n, d]. */
export function segmentSpace(
  matrix: ArrayLike<ArrayLike<number>>,
  features: string[],
): SegmentSpace {
  const standardizer = fitStandardizer(matrix, features);
  return { standardizer, z: standardize(matrix, standardizer) };
}

/**
 * Step 2: choose k by silhouette among k whose smallest segment is big enough (or take a fixed k),
 * on samples.
 */
export function chooseK(
  space: SegmentSpace,
  options: Partial<SegmentUsersOptions> & { k?: number },
): KChoice {
  const o = settingsOf(options);
  const { z } = space;
  if (options.k !== undefined) {
    const sample = Array.from(sampleIndices(z.length, o.fitSampleSize, o.seed + 1), (i) => z[i]);
    const start = kMeans(sample, options.k, {
      seed: o.seed,
      maxIterations: o.maxIterations,
      restarts: o.restarts,
    });
    return { scores: [], start };
  }
  const selection = selectKBySilhouette(z, {
    kMin: o.kRange[0],
    kMax: o.kRange[1],
    seed: o.seed,
    fitSampleSize: o.fitSampleSize,
    silhouetteSampleSize: o.silhouetteSampleSize,
    maxIterations: o.maxIterations,
    restarts: o.restarts,
    minShare: o.minShare,
  });
  return { scores: selection.scores, start: selection.fit };
}

/** Step 3: k-means on all rows from the chosen k's centroids, and its sampled silhouette. */
export function fitSegments(
  space: SegmentSpace,
  choice: KChoice,
  options: Partial<SegmentUsersOptions> = {},
): { fit: KMeansFit; silhouette: number } {
  const o = settingsOf(options);
  const { z } = space;
  const { start } = choice;
  const fit =
    start.assignments.length === z.length
      ? start
      : kMeans(z, start.k, { initialCentroids: start.centroids, maxIterations: o.maxIterations });
  const silhouette = sampledSilhouetteScore(z, fit.assignments, {
    sampleSize: o.silhouetteSampleSize,
    seed: o.seed + 3,
  });
  return { fit, silhouette };
}

/**
 * Step 4: labels from the traits each segment stands out on, with words checked against the
 * members' medians in plain units. Shape: plain [n, d].
 */
export function nameSegments(
  fit: KMeansFit,
  features: string[],
  plain: ArrayLike<ArrayLike<number>>,
  labels: SegmentLabelOptions = {},
): SegmentNames {
  const members = fit.centroids.map(() => [] as number[]);
  fit.assignments.forEach((c, i) => members[c].push(i));
  const medians = members.map((rows) => columnMedians(plain, rows, features.length));
  const all = Array.from({ length: fit.assignments.length }, (_, i) => i);
  return {
    labels: labelSegments(fit.centroids, features, { ...labels, values: medians }),
    medians,
    everyone: columnMedians(plain, all, features.length),
  };
}

/** Step 5: carry ids over from the previous run's segments (raw-unit centroids). */
export function matchToPrevious(
  space: SegmentSpace,
  fit: KMeansFit,
  options: Pick<SegmentUsersOptions, 'previous' | 'maxMatchDistance' | 'nextId'>,
): ReturnType<typeof matchSegments> {
  const previous = (options.previous ?? []).map((p) => ({
    id: p.id,
    // The previous run's centroids, re-expressed on this run's scale so distances compare like with like.
    centroid: standardize([p.centroidRaw], space.standardizer)[0],
  }));
  return matchSegments(previous, fit.centroids, {
    maxDistance: options.maxMatchDistance,
    nextId: options.nextId,
  });
}

/** The steps' results as one Segmentation. */
export function assembleSegmentation(
  space: SegmentSpace,
  choice: KChoice,
  fitted: { fit: KMeansFit; silhouette: number },
  names: SegmentNames,
  matching: ReturnType<typeof matchSegments>,
  minShare: number,
  timings: SegmentationTimings,
): Segmentation {
  const { fit } = fitted;
  const raw = unstandardize(fit.centroids, space.standardizer);
  const { matches } = matching;
  const segments = fit.centroids.map((centroid, index): Segment => ({
    id: matches[index].id,
    index,
    label: names.labels[index].label,
    size: fit.sizes[index],
    share: fit.sizes[index] / space.z.length,
    centroid,
    centroidRaw: raw[index],
    traits: names.labels[index].traits,
    medians: names.medians[index],
    previousId: matches[index].previousId,
    matchDistance: matches[index].distance,
  }));
  return {
    k: fit.k,
    assignments: fit.assignments,
    segments,
    silhouetteByK: choice.scores,
    minShare,
    medians: names.everyone,
    silhouette: fitted.silhouette,
    standardizer: space.standardizer,
    retiredIds: matching.retired,
    iterations: fit.iterations,
    timings,
  };
}

/** Segments n subscribers described by d behaviour features. Deterministic for a seed. Shape: matrix [n, d]. */
export function segmentUsers(
  matrix: ArrayLike<ArrayLike<number>>,
  options: SegmentUsersOptions,
): Segmentation {
  const t0 = performance.now();
  const space = segmentSpace(matrix, options.features);
  const t1 = performance.now();
  const choice = chooseK(space, options);
  const t2 = performance.now();
  const fitted = fitSegments(space, choice, options);
  const t3 = performance.now();
  const names = nameSegments(fitted.fit, options.features, options.plain ?? matrix, options.labels);
  const matching = matchToPrevious(space, fitted.fit, options);
  const t4 = performance.now();
  return assembleSegmentation(
    space,
    choice,
    fitted,
    names,
    matching,
    settingsOf(options).minShare,
    {
      standardizeMs: t1 - t0,
      selectKMs: t2 - t1,
      fitMs: t3 - t2,
      labelMs: t4 - t3,
      totalMs: t4 - t0,
    },
  );
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
