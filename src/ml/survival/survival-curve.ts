/**
 * What a daily survival curve says. A curve is S(1 … H): S(t) = P(still subscribed after day t).
 * Beyond day H a curve is continued with a constant daily hazard (its tail hazard), which is what
 * the median and the expected remaining days need when they lie past the curve's end; callers say
 * which hazard (a model's last period, or the mean over a curve's last weeks).
 */

/** Days a median is looked for beyond the curve before it is reported as unknown (10 years). */
export const MAX_EXTRAPOLATED_DAYS = 3650;

/**
 * Mean daily hazard over the last `days` days of a curve: 1 − (S(H) / S(H − days))^(1/days).
 * Shape: curve [H]. Range [0, 1].
 */
export function tailHazard(curve: ArrayLike<number>, days = 28): number {
  const h = curve.length;
  if (h === 0) return 0;
  const span = Math.min(days, h);
  const from = h - span === 0 ? 1 : curve[h - span - 1];
  const to = curve[h - 1];
  if (!(from > 0) || !(to > 0)) return 1;
  return Math.min(1, Math.max(0, 1 - (to / from) ** (1 / span)));
}

/** S(t) for any day t ≥ 0: 1 at 0, the curve within it, the constant-hazard tail beyond it. */
export function survivalOnDay(curve: ArrayLike<number>, t: number, hazard: number): number {
  if (t <= 0) return 1;
  const h = curve.length;
  if (t <= h) return curve[t - 1];
  return (h === 0 ? 1 : curve[h - 1]) * (1 - hazard) ** (t - h);
}

/**
 * Median days to the event: the first day with S(t) ≤ 0.5, on the curve or in its tail; null when
 * that is beyond MAX_EXTRAPOLATED_DAYS (or never, with a zero tail hazard).
 */
export function medianDays(curve: ArrayLike<number>, hazard: number): number | null {
  for (let t = 1; t <= curve.length; t++) if (curve[t - 1] <= 0.5) return t;
  const sEnd = curve.length === 0 ? 1 : curve[curve.length - 1];
  if (!(hazard > 0)) return null;
  if (hazard >= 1) return curve.length + 1;
  const beyond = Math.ceil(Math.log(0.5 / sEnd) / Math.log(1 - hazard));
  const day = curve.length + Math.max(1, beyond);
  return day <= MAX_EXTRAPOLATED_DAYS ? day : null;
}

/**
 * Expected whole days still subscribed, E[T − 1] = Σ_{t ≥ 1} S(t): the curve's sum plus the
 * geometric sum of its tail, S(H)·(1 − h)/h. Infinite when the tail hazard is 0.
 */
export function expectedRemainingDays(curve: ArrayLike<number>, hazard: number): number {
  let sum = 0;
  for (let t = 0; t < curve.length; t++) sum += curve[t];
  const sEnd = curve.length === 0 ? 1 : curve[curve.length - 1];
  if (sEnd === 0) return sum;
  if (!(hazard > 0)) return Infinity;
  return sum + (sEnd * (1 - hazard)) / hazard;
}

/** Restricted mean Σ_{t=1..τ} S(t): expected whole days subscribed within the first τ days. */
export function restrictedMeanDays(curve: ArrayLike<number>, tau: number): number {
  let sum = 0;
  for (let t = 0; t < Math.min(tau, curve.length); t++) sum += curve[t];
  return sum;
}

/** Daily hazards of a curve: h(t) = 1 − S(t) / S(t − 1). Shape: [H]. */
export function dailyHazards(curve: ArrayLike<number>): Float64Array {
  const out = new Float64Array(curve.length);
  let previous = 1;
  for (let t = 0; t < curve.length; t++) {
    out[t] = previous > 0 ? 1 - curve[t] / previous : 0;
    previous = curve[t];
  }
  return out;
}
