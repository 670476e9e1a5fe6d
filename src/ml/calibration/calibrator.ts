/**
 * One interface over the calibration methods, and an honest way to choose among them: each
 * candidate is cross-fitted within the calibration rows (fit on 4/5, score on 1/5) so isotonic's
 * flexibility is not rewarded for memorising the rows it is judged on.
 */
import { IsotonicCalibration, type IsotonicState } from './isotonic';
import { PlattScaling, type PlattState } from './platt';
import { brierScore, logLoss } from '../metrics/calibration-metrics';
import { stratifiedFoldIds } from '../data/folds';

export type CalibratorKind = 'identity' | 'platt' | 'isotonic';

export type CalibratorState = { kind: 'identity' } | PlattState | IsotonicState;

export interface Calibrator {
  readonly kind: CalibratorKind;
  /** Calibrated probabilities. Shape: [n] → [n]. */
  transform(probs: ArrayLike<number>): Float64Array;
  toJSON(): CalibratorState;
}

const identity: Calibrator = {
  kind: 'identity',
  transform: (probs) => Float64Array.from(probs),
  toJSON: () => ({ kind: 'identity' }),
};

/** Fits one calibrator of the given kind. Shapes: probs [n], labels [n] (0/1). */
export function fitCalibrator(
  kind: CalibratorKind,
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
): Calibrator {
  switch (kind) {
    case 'identity':
      return identity;
    case 'platt':
      return PlattScaling.fit(probs, labels);
    case 'isotonic':
      return IsotonicCalibration.fit(probs, labels);
  }
}

export function calibratorFromJSON(state: CalibratorState): Calibrator {
  switch (state.kind) {
    case 'identity':
      return identity;
    case 'platt':
      return PlattScaling.fromJSON(state);
    case 'isotonic':
      return IsotonicCalibration.fromJSON(state);
  }
}

export interface CalibratorSelection {
  calibrator: Calibrator;
  /** Cross-fitted criterion per candidate (lower is better). */
  scores: Partial<Record<CalibratorKind, number>>;
}

/**
 * Picks the candidate with the lowest cross-fitted Brier score (or log loss) and refits it on all
 * rows. On ties the simpler candidate (earlier in the list) wins. Shapes: probs [n], labels [n].
 */
export function selectCalibrator(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: {
    criterion?: 'brier' | 'logLoss';
    candidates?: CalibratorKind[];
    folds?: number;
    seed?: number;
  } = {},
): CalibratorSelection {
  const { criterion = 'brier', candidates = ['identity', 'platt', 'isotonic'], seed = 0 } = options;
  const n = probs.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += labels[i] === 1 ? 1 : 0;
  const k = Math.min(options.folds ?? 5, pos, n - pos);
  if (k < 2) return { calibrator: identity, scores: {} };
  const fold = stratifiedFoldIds(labels, k, seed);
  const score = criterion === 'brier' ? brierScore : logLoss;
  const scores: Partial<Record<CalibratorKind, number>> = {};
  let best: CalibratorKind = candidates[0];
  for (const kind of candidates) {
    const oof = new Float64Array(n);
    for (let f = 0; f < k; f++) {
      const tr: number[] = [];
      const te: number[] = [];
      for (let i = 0; i < n; i++) (fold[i] === f ? te : tr).push(i);
      const c = fitCalibrator(
        kind,
        tr.map((i) => probs[i]),
        tr.map((i) => labels[i]),
      );
      const out = c.transform(te.map((i) => probs[i]));
      te.forEach((i, j) => (oof[i] = out[j]));
    }
    scores[kind] = score(oof, labels);
    if (scores[kind]! < scores[best]! - 1e-12) best = kind;
  }
  return { calibrator: fitCalibrator(best, probs, labels), scores };
}
