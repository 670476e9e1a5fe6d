/**
 * The reference point of every attribution: the average training subscriber, in the model's own
 * input space. Stored as plain JSON beside the model, so explaining a user never needs the
 * training rows again.
 *
 * Means are taken after preprocessing, which is what both models actually see: for a standardised
 * numeric column the mean is about 0, for a missing indicator it is the training missing rate, and
 * for a categorical field it is the category frequencies (the mean of its one-hot columns; for the
 * deep model, the weights of the frequency-weighted mean embedding).
 */
import type { FeatureMatrix } from '../data/dataset';
import type { Preprocessor } from '../data/preprocess';

export interface TrainingBaseline {
  version: 1;
  /** Training rows the means were taken over. */
  rows: number;
  /** Names of the dense numeric inputs (Preprocessor.numericColumns), aligned with `numeric`. */
  numericColumns: string[];
  /** Mean of each transformed numeric input (z-scores and missing indicators). Shape: [numericWidth]. */
  numeric: number[];
  /** Per categorical field, the training frequency of each slot (index 0 = other). Sums to 1. */
  categorical: { name: string; frequencies: number[] }[];
  /** Mean transformed sequence, day-major. Shape: [T · c]; null without a sequence input. */
  sequence: { channels: string[]; length: number; mean: number[] } | null;
}

/**
 * Means of the preprocessed training rows. `pre` must be the model's own fitted preprocessor and
 * `training` its training rows (or a representative sample of them). Shape: training [n, ·].
 */
export function fitTrainingBaseline(pre: Preprocessor, training: FeatureMatrix): TrainingBaseline {
  const t = pre.transform(training);
  if (t.n === 0) throw new Error('the training baseline needs at least one row');
  const w = t.numericWidth;
  const numeric = new Float64Array(w);
  for (let i = 0; i < t.n; i++) for (let k = 0; k < w; k++) numeric[k] += t.numeric[i * w + k];
  const categorical = pre.cardinalities.map((card, f) => {
    const counts = new Float64Array(card);
    for (const idx of t.categorical[f]) counts[idx]++;
    return { name: pre.state.categorical[f].name, frequencies: Array.from(counts, (c) => c / t.n) };
  });
  let sequence: TrainingBaseline['sequence'] = null;
  const shape = pre.sequenceShape;
  if (t.sequence !== null && shape !== null) {
    const s = shape[0] * shape[1];
    const mean = new Float64Array(s);
    for (let i = 0; i < t.n; i++) for (let k = 0; k < s; k++) mean[k] += t.sequence[i * s + k];
    sequence = {
      channels: [...pre.state.sequence!.channels],
      length: shape[0],
      mean: Array.from(mean, (v) => v / t.n),
    };
  }
  return {
    version: 1,
    rows: t.n,
    numericColumns: pre.numericColumns,
    numeric: Array.from(numeric, (v) => v / t.n),
    categorical,
    sequence,
  };
}

/**
 * The baseline as a design vector of the logistic regression: numeric means, then each field's
 * frequencies (the means of its one-hot columns). Shape: [d].
 */
export function designBaseline(baseline: TrainingBaseline): Float64Array {
  return Float64Array.from([
    ...baseline.numeric,
    ...baseline.categorical.flatMap((c) => c.frequencies),
  ]);
}

/** Throws unless the baseline was computed for a preprocessor with this exact input layout. */
export function assertBaselineMatches(baseline: TrainingBaseline, pre: Preprocessor): void {
  if (baseline.version !== 1) throw new Error(`unsupported baseline version ${baseline.version}`);
  const cols = pre.numericColumns;
  const sameNumeric =
    cols.length === baseline.numericColumns.length &&
    cols.every((c, k) => c === baseline.numericColumns[k]);
  const cards = pre.cardinalities;
  const sameFields =
    cards.length === baseline.categorical.length &&
    cards.every(
      (card, f) =>
        baseline.categorical[f].name === pre.state.categorical[f].name &&
        baseline.categorical[f].frequencies.length === card,
    );
  const shape = pre.sequenceShape;
  const sameSequence =
    shape === null
      ? baseline.sequence === null
      : baseline.sequence !== null && baseline.sequence.mean.length === shape[0] * shape[1];
  if (!sameNumeric || !sameFields || !sameSequence) {
    throw new Error(
      'the baseline was computed for a different preprocessor (input layout differs)',
    );
  }
}
