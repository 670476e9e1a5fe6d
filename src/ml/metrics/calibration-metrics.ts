/**
 * How far predicted probabilities are from observed churn rates. These matter because the
 * retention simulator multiplies probabilities by money: a ranking-perfect but miscalibrated model
 * still gives wrong ROI figures.
 */

const LOG_EPS = 1e-15;

/** Mean squared error of probabilities, in [0, 1]; lower is better. Shapes: [n], [n]. */
export function brierScore(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (probs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < probs.length; i++) s += (probs[i] - labels[i]) ** 2;
  return s / probs.length;
}

/**
 * Mean negative log-likelihood in nats; probabilities are clipped to [1e-15, 1 − 1e-15] so a single
 * confident miss is heavily but finitely penalised. Shapes: [n], [n].
 */
export function logLoss(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (probs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = Math.min(Math.max(probs[i], LOG_EPS), 1 - LOG_EPS);
    s -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return s / probs.length;
}

export interface ReliabilityBin {
  /** Bin covers [lower, upper); the last bin also includes 1. */
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability in the bin; null when empty. */
  meanPredicted: number | null;
  /** Observed churn rate in the bin; null when empty. */
  observedRate: number | null;
}

/** Equal-width reliability table over [0, 1]. Shapes: probs [n], labels [n]. */
export function reliabilityTable(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  bins = 10,
): ReliabilityBin[] {
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < probs.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(probs[i] * bins)));
    count[b]++;
    sumP[b] += probs[i];
    sumY[b] += labels[i];
  }
  return count.map((c, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: c,
    meanPredicted: c === 0 ? null : sumP[b] / c,
    observedRate: c === 0 ? null : sumY[b] / c,
  }));
}

/** Expected calibration error: Σ_bins (count/n) · |mean predicted − observed rate|. */
export function expectedCalibrationError(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  bins = 10,
): number {
  if (probs.length === 0) return NaN;
  let ece = 0;
  for (const bin of reliabilityTable(probs, labels, bins)) {
    if (bin.count === 0) continue;
    ece += (bin.count / probs.length) * Math.abs(bin.meanPredicted! - bin.observedRate!);
  }
  return ece;
}
