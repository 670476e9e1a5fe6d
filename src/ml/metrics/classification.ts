/**
 * Metrics of hard decisions at a probability threshold: who gets flagged as "will churn".
 * A row is flagged when its probability is at or above the threshold.
 */

export interface ConfusionMatrix {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface ThresholdMetrics {
  threshold: number;
  accuracy: number;
  /** tp / (tp + fp); 0 when nothing is flagged. */
  precision: number;
  /** tp / (tp + fn); 0 when there are no positives. */
  recall: number;
  /** Harmonic mean of precision and recall, 2tp / (2tp + fp + fn); 0 when undefined. */
  f1: number;
  confusion: ConfusionMatrix;
}

/** Counts at `threshold`. Shapes: probs [n] (probabilities), labels [n] (0/1). */
export function confusionMatrix(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): ConfusionMatrix {
  if (probs.length !== labels.length)
    throw new Error(`${probs.length} probs but ${labels.length} labels`);
  const m: ConfusionMatrix = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < probs.length; i++) {
    const flagged = probs[i] >= threshold;
    if (labels[i] === 1) {
      if (flagged) m.tp++;
      else m.fn++;
    } else if (flagged) m.fp++;
    else m.tn++;
  }
  return m;
}

function fromConfusion(threshold: number, c: ConfusionMatrix): ThresholdMetrics {
  const n = c.tp + c.fp + c.tn + c.fn;
  const flagged = c.tp + c.fp;
  const actual = c.tp + c.fn;
  const f1Denominator = 2 * c.tp + c.fp + c.fn;
  return {
    threshold,
    accuracy: n === 0 ? NaN : (c.tp + c.tn) / n,
    precision: flagged === 0 ? 0 : c.tp / flagged,
    recall: actual === 0 ? 0 : c.tp / actual,
    f1: f1Denominator === 0 ? 0 : (2 * c.tp) / f1Denominator,
    confusion: c,
  };
}

/** Accuracy, precision, recall, F1 and the confusion matrix at `threshold`. Shapes: [n], [n]. */
export function thresholdMetrics(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  threshold: number,
): ThresholdMetrics {
  return fromConfusion(threshold, confusionMatrix(probs, labels, threshold));
}

/**
 * The threshold that maximises F1, meant to be chosen on validation rows and applied to new ones.
 * Candidates are the distinct scores; the returned threshold sits halfway between the best score
 * and the next lower one, so new rows scoring in the gap are treated as the validation rows
 * nearest them would suggest, not by an accident of where the gap starts. On equal F1 the higher
 * threshold wins (fewer customers flagged for the same quality). Shapes: probs [n], labels [n].
 */
export function bestF1Threshold(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
): { threshold: number; f1: number } {
  const n = probs.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += labels[i] === 1 ? 1 : 0;
  if (n === 0 || pos === 0) return { threshold: 0.5, f1: 0 };
  const idx = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b] - probs[a]);
  let tp = 0;
  let fp = 0;
  let best = { threshold: 0.5, f1: -1 };
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && probs[idx[end + 1]] === probs[idx[start]]) end++;
    for (let k = start; k <= end; k++) {
      if (labels[idx[k]] === 1) tp++;
      else fp++;
    }
    const f1 = (2 * tp) / (2 * tp + fp + (pos - tp));
    if (f1 > best.f1) {
      const score = probs[idx[start]];
      const below = end + 1 < n ? probs[idx[end + 1]] : score;
      best = { threshold: (score + below) / 2, f1 };
    }
    start = end + 1;
  }
  return best;
}
