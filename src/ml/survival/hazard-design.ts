/**
 * Inputs of the discrete-time hazard model. A (subject, period) row is the subject's design at the
 * snapshot (standardised numerics and missing indicators, one-hot categories) followed by the time
 * features of the period: log of the period's middle day, and, when a clock feature is named (a
 * numeric feature that advances one a day, like tenure in days), two shapes of that clock at the
 * period's middle, so the hazard can fall as a subscription ages during the follow-up. Optionally a
 * last column, a subject's standardised risk score × log1p(day / 30), lets the effect of what was
 * known at the snapshot fade (or sharpen) with time: a subscriber who is low-risk today drifts toward
 * the average over six months, which a constant effect would not allow.
 */
import type { FeatureMatrix } from '../data/dataset';
import type { Preprocessor } from '../data/preprocess';

/** Scale of the time features, in days. */
const TIME_SCALE_DAYS = 30;

/** Names of the time features, in design order. */
export function timeFeatureNames(withClock: boolean, withFade = false): string[] {
  return [
    'time:log_day',
    ...(withClock ? ['time:log_clock', 'time:inverse_clock'] : []),
    ...(withFade ? ['time:risk_fade'] : []),
  ];
}

/** How the risk score's effect changes with the day: 0 at day 0, log1p(day / 30) after. */
function fade(day: number): number {
  return Math.log1p(day / TIME_SCALE_DAYS);
}

/**
 * Time features of one period for one subject into `out` at `offset`. `day` is the period's middle
 * (days since the snapshot), `clock` the clock feature's raw value at the snapshot (null: none).
 */
export function writeTimeFeatures(
  out: Float64Array | Float32Array,
  offset: number,
  day: number,
  clock: number | null,
): void {
  out[offset] = Math.log(day / TIME_SCALE_DAYS);
  if (clock === null) return;
  const at = Math.max(0, Number.isFinite(clock) ? clock : 0) + day;
  out[offset + 1] = Math.log1p(at / TIME_SCALE_DAYS);
  out[offset + 2] = TIME_SCALE_DAYS / (TIME_SCALE_DAYS + at);
}

/** The subjects' design at the snapshot. Shape: [n, width] row-major. */
export function subjectDesign(
  pre: Preprocessor,
  features: FeatureMatrix,
): { x: Float64Array; width: number; names: string[] } {
  const t = pre.transform({ ...features, sequence: undefined, sequenceChannels: undefined });
  const cards = pre.cardinalities;
  const width = t.numericWidth + cards.reduce((a, b) => a + b, 0);
  const x = new Float64Array(t.n * width);
  for (let i = 0; i < t.n; i++) {
    const row = i * width;
    for (let k = 0; k < t.numericWidth; k++) x[row + k] = t.numeric[i * t.numericWidth + k];
    let offset = t.numericWidth;
    cards.forEach((card, f) => {
      x[row + offset + t.categorical[f][i]] = 1;
      offset += card;
    });
  }
  return { x, width, names: subjectDesignNames(pre) };
}

/** Names of the subject design's columns: numerics, missing indicators, one-hot categories. */
export function subjectDesignNames(pre: Preprocessor): string[] {
  return [
    ...pre.numericColumns,
    ...pre.state.categorical.flatMap((c) => [
      `${c.name}=(other)`,
      ...c.vocabulary.map((v) => `${c.name}=${v}`),
    ]),
  ];
}

/** Raw clock values per subject (NaN when missing), or null when no clock feature is used. */
export function clockValues(
  features: FeatureMatrix,
  clockFeature: string | null,
): Float64Array | null {
  if (clockFeature === null) return null;
  const j = features.numericNames.indexOf(clockFeature);
  if (j < 0) throw new Error(`clock feature '${clockFeature}' is not among the numeric features`);
  return Float64Array.from(features.numeric, (row) => Number(row[j] ?? Number.NaN));
}

/**
 * Full design rows for (subject, period) pairs: subject design, time features, and the fading
 * risk column when `score` (a standardised risk score per subject) is given.
 * Shapes: subjects/periods [r] → [r, width + time] row-major.
 */
export function periodDesign(
  subject: { x: Float64Array; width: number },
  clock: Float64Array | null,
  midpoints: readonly number[],
  subjects: ArrayLike<number>,
  periods: ArrayLike<number>,
  score: Float64Array | null = null,
): { x: Float64Array; width: number } {
  const timeWidth = timeFeatureNames(clock !== null, score !== null).length;
  const width = subject.width + timeWidth;
  const r = subjects.length;
  const x = new Float64Array(r * width);
  for (let k = 0; k < r; k++) {
    const i = subjects[k];
    const day = midpoints[periods[k]];
    x.set(subject.x.subarray(i * subject.width, (i + 1) * subject.width), k * width);
    writeTimeFeatures(x, k * width + subject.width, day, clock ? clock[i] : null);
    if (score) x[(k + 1) * width - 1] = score[i] * fade(day);
  }
  return { x, width };
}

/** Linear risk scores of subjects, standardised: (x·w − mean) / sd. Shape: [n]. */
export function riskScores(
  subject: { x: Float64Array; width: number },
  weights: ArrayLike<number>,
  scale: { mean: number; sd: number },
): Float64Array {
  const n = subject.x.length / subject.width;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < subject.width; j++) z += subject.x[i * subject.width + j] * weights[j];
    out[i] = (z - scale.mean) / scale.sd;
  }
  return out;
}
