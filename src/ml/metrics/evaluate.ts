import { averagePrecision, liftAt, rocAuc } from './ranking';
import { thresholdMetrics, type ThresholdMetrics } from './classification';
import {
  brierScore,
  expectedCalibrationError,
  logLoss,
  reliabilityTable,
  type ReliabilityBin,
} from './calibration-metrics';

/** Every headline metric of a binary churn classifier, JSON-safe except NaN where undefined. */
export interface BinaryMetrics extends ThresholdMetrics {
  n: number;
  positives: number;
  /** Share of positives (churners). */
  prevalence: number;
  rocAuc: number;
  /** Average precision. */
  prAuc: number;
  logLoss: number;
  brier: number;
  /** Expected calibration error over 10 equal-width bins. */
  ece: number;
  /** Churn rate in the top 10% by score over the overall rate. */
  topDecileLift: number;
  reliability: ReliabilityBin[];
}

/**
 * All metrics at once. Shapes: probs [n] (calibrated probabilities), labels [n] (0/1);
 * `threshold` (a probability) decides the flagged rows for accuracy, precision, recall, F1.
 */
export function evaluateBinary(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold = 0.5,
): BinaryMetrics {
  if (probs.length !== labels.length)
    throw new Error(`${probs.length} probs but ${labels.length} labels`);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  const t = thresholdMetrics(probs, labels, threshold);
  return {
    n: probs.length,
    positives,
    prevalence: probs.length === 0 ? NaN : positives / probs.length,
    rocAuc: rocAuc(probs, labels),
    prAuc: averagePrecision(probs, labels),
    logLoss: logLoss(probs, labels),
    brier: brierScore(probs, labels),
    ece: expectedCalibrationError(probs, labels),
    topDecileLift: liftAt(probs, labels, 0.1),
    ...t,
    reliability: reliabilityTable(probs, labels),
  };
}
