/**
 * The completeness check the service runs on every explanation it serves: contributions must add
 * up to logit(x) − logit(baseline). The tolerances are absolute, in logits.
 *
 *   linear, kernel-shap, 1e-6  Exact by construction (a sum of exact terms; a least-squares solve with
 *   deeplift-rescale           the sum eliminated as a constraint; multipliers Δout/Δin that
 *                              telescope), computed in float64; anything above ~1e-9 is a bug, 1e-6
 *                              leaves room for large logits.
 *   integrated-gradients 0.01  A Riemann sum over float32 tfjs kernels: rounding alone is ~1e-5, the
 *                              ReLU kinks add an O(1/steps) discretisation error. 0.01 logits is at
 *                              most 0.25 percentage points of probability (at p = 0.5), below what an
 *                              explanation is read for; explainDeepChurn retries with more steps.
 */
import type { AttributionMethod, Explanation } from './explanation';

export const COMPLETENESS_TOLERANCE: Readonly<Record<AttributionMethod, number>> = {
  linear: 1e-6,
  'kernel-shap': 1e-6,
  'deeplift-rescale': 1e-6,
  'integrated-gradients': 0.01,
};

export interface CompletenessCheck {
  ok: boolean;
  /** |Σ contributions − (logit − baselineLogit)|, in logits. */
  error: number;
  tolerance: number;
}

/**
 * Recomputes an explanation's completeness error (not trusting the stored one) and compares it with
 * the method's tolerance, or `tolerance` when given.
 */
export function checkCompleteness(
  explanation: Explanation,
  tolerance: number = COMPLETENESS_TOLERANCE[explanation.method],
): CompletenessCheck {
  let sum = 0;
  for (const c of explanation.contributions) sum += c;
  const error = Math.abs(sum - (explanation.logit - explanation.baselineLogit));
  // NaN (a broken model or input) must fail, so compare in the direction that NaN makes false.
  return { ok: error <= tolerance, error, tolerance };
}
