/**
 * The raw feature layout every model in src/ml consumes: one row per subscriber, numbers and
 * category strings as they come from the database or a CSV, before any fitting.
 */

/** Raw features, one row per subscriber. */
export interface FeatureMatrix {
  /** Shape: [n][p]. Raw values; NaN (or null) means missing. */
  numeric: ArrayLike<number | null>[];
  numericNames: string[];
  /** Shape: [n][q]. Raw category strings; '' means missing. */
  categorical: string[][];
  categoricalNames: string[];
  /** Shape: [n][T][c]. Recent daily activity, oldest day first (e.g. T = 28 days, c = 3 channels). */
  sequence?: ArrayLike<ArrayLike<number>>[];
  sequenceChannels?: string[];
}

/** Number of rows, taken from whichever block is present. */
export function rowCount(features: FeatureMatrix): number {
  if (features.numeric.length > 0) return features.numeric.length;
  if (features.categorical.length > 0) return features.categorical.length;
  return features.sequence?.length ?? 0;
}

/**
 * Checks that every block has the same number of rows and every row the declared width, and that
 * labels (when given) are 0/1 with one per row. Throws a descriptive Error otherwise.
 */
export function validateFeatureMatrix(features: FeatureMatrix, labels?: ArrayLike<number>): number {
  const n = rowCount(features);
  const p = features.numericNames.length;
  const q = features.categoricalNames.length;
  if (p > 0 && features.numeric.length !== n) {
    throw new Error(`numeric has ${features.numeric.length} rows, expected ${n}`);
  }
  if (q > 0 && features.categorical.length !== n) {
    throw new Error(`categorical has ${features.categorical.length} rows, expected ${n}`);
  }
  for (let i = 0; i < features.numeric.length; i++) {
    if (features.numeric[i].length !== p) {
      throw new Error(`numeric row ${i} has ${features.numeric[i].length} values, expected ${p}`);
    }
  }
  for (let i = 0; i < features.categorical.length; i++) {
    if (features.categorical[i].length !== q) {
      throw new Error(
        `categorical row ${i} has ${features.categorical[i].length} values, expected ${q}`,
      );
    }
  }
  if (features.sequence !== undefined) {
    if (features.sequence.length !== n) {
      throw new Error(`sequence has ${features.sequence.length} rows, expected ${n}`);
    }
    const c = features.sequenceChannels?.length;
    if (c === undefined) throw new Error('sequence is given without sequenceChannels');
    for (let i = 0; i < n; i++) {
      const days = features.sequence[i];
      for (let t = 0; t < days.length; t++) {
        if (days[t].length !== c) {
          throw new Error(
            `sequence row ${i} day ${t} has ${days[t].length} channels, expected ${c}`,
          );
        }
      }
    }
  }
  if (labels !== undefined) {
    if (labels.length !== n) throw new Error(`${labels.length} labels for ${n} rows`);
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] !== 0 && labels[i] !== 1)
        throw new Error(`label ${i} is ${labels[i]}, not 0/1`);
    }
  }
  return n;
}

/** The rows at `indices`, in that order (shares row objects, copies nothing else). */
export function selectRows(features: FeatureMatrix, indices: ArrayLike<number>): FeatureMatrix {
  const pick = <T>(rows: ArrayLike<T>): T[] => Array.from(indices, (i) => rows[i]);
  return {
    numeric: features.numericNames.length > 0 ? pick(features.numeric) : [],
    numericNames: features.numericNames,
    categorical: features.categoricalNames.length > 0 ? pick(features.categorical) : [],
    categoricalNames: features.categoricalNames,
    ...(features.sequence !== undefined
      ? { sequence: pick(features.sequence), sequenceChannels: features.sequenceChannels }
      : {}),
  };
}

/** Labels at `indices`. Shape: [indices.length]. */
export function selectLabels(labels: ArrayLike<number>, indices: ArrayLike<number>): number[] {
  return Array.from(indices, (i) => labels[i]);
}
