/**
 * The common shape of a per-user explanation, whichever method produced it. Everything is in the
 * model's logit space (log-odds of churn, before calibration): contributions add up to
 * logit(x) − logit(baseline), which is what makes them an explanation of the score and not just a
 * ranking of features. Calibration is monotone but not additive, so it is left to the caller.
 */

export type AttributionMethod =
  'linear' | 'deeplift-rescale' | 'integrated-gradients' | 'kernel-shap';

/** One subscriber's attributions. Plain JSON (arrays, numbers), ready to store or serve. */
export interface Explanation {
  method: AttributionMethod;
  /** Original feature names (numeric, categorical, then `sequence:<channel>`), aligned with contributions. */
  features: string[];
  /** Logit-space contribution of each feature, relative to the baseline. Shape: [features.length]. */
  contributions: number[];
  /** Model logit at the baseline (training means, or the background rows for KernelSHAP). */
  baselineLogit: number;
  /** Model logit for this subscriber. */
  logit: number;
  /** |Σ contributions − (logit − baselineLogit)|, in logits. */
  completenessError: number;
  /**
   * Integration steps (integrated gradients) or coalitions evaluated (KernelSHAP); absent for the
   * single-pass methods (linear, DeepLIFT).
   */
  steps?: number;
}

/** |Σ contributions − (logit − baselineLogit)|. Shape: contributions [p]. */
export function completenessError(
  contributions: ArrayLike<number>,
  logit: number,
  baselineLogit: number,
): number {
  let sum = 0;
  for (let j = 0; j < contributions.length; j++) sum += contributions[j];
  return Math.abs(sum - (logit - baselineLogit));
}
