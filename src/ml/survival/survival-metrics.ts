/**
 * How good survival curves are on observed, possibly censored, follow-up:
 * - Harrell's concordance index: among comparable pairs (the earlier time is an event), the share
 *   where the subject that failed first had the higher risk (ties in risk count one half);
 * - the Brier score at day t with inverse probability of censoring weights (Graf et al., 1999),
 *   and its mean over days 1 … τ, the integrated Brier score; G, the censoring survival, is the
 *   Kaplan–Meier estimate of the censoring times, so censored subjects are neither dropped (bias
 *   toward events) nor counted as survivors;
 * - calibration against Kaplan–Meier curves per risk band: subjects grouped by predicted S(τ),
 *   each band's mean predicted curve beside the band's observed Kaplan–Meier curve.
 */
import { validateOutcomes, type SurvivalOutcomes } from './follow-up';
import { kaplanMeier, survivalAt } from './kaplan-meier';

/**
 * Harrell's C. `risk` is higher for subjects expected to fail sooner. Comparable pairs: time_i <
 * time_j with an event at time_i, or equal times where only i had the event. Shape: [n]. Range [0, 1];
 * NaN with no comparable pair.
 */
export function concordanceIndex(risk: ArrayLike<number>, outcomes: SurvivalOutcomes): number {
  const n = validateOutcomes(outcomes);
  if (risk.length !== n) throw new Error(`risk has ${risk.length} entries, expected ${n}`);
  const { time, event } = outcomes;
  let comparable = 0;
  let concordant = 0;
  for (let i = 0; i < n; i++) {
    if (event[i] !== 1) continue;
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      if (time[i] < time[j] || (time[i] === time[j] && event[j] === 0)) {
        comparable++;
        if (risk[i] > risk[j]) concordant++;
        else if (risk[i] === risk[j]) concordant += 0.5;
      }
    }
  }
  return comparable > 0 ? concordant / comparable : Number.NaN;
}

/**
 * Censoring survival G(t) = P(C > t) for t = 0 … days, by Kaplan–Meier on the censoring times
 * (events at a tied time leave before the censorings). Shape: [days + 1].
 */
export function censoringSurvival(outcomes: SurvivalOutcomes, days: number): Float64Array {
  const n = validateOutcomes(outcomes);
  // Per whole day: how many were still followed (time ≥ t), had the event, or were censored at t.
  const atRisk = new Float64Array(days + 2);
  const events = new Float64Array(days + 2);
  const censored = new Float64Array(days + 2);
  for (let i = 0; i < n; i++) {
    const t = Math.min(Math.ceil(outcomes.time[i]), days + 1);
    for (let s = 0; s <= t; s++) atRisk[s]++;
    if (outcomes.event[i] === 1) events[t]++;
    else censored[t]++;
  }
  const out = new Float64Array(days + 1);
  let g = 1;
  for (let t = 0; t <= days; t++) {
    const exposed = atRisk[t] - events[t];
    if (exposed > 0) g *= 1 - censored[t] / exposed;
    out[t] = g;
  }
  return out;
}

/**
 * IPCW Brier score at each day t = 1 … tau (Graf et al.), on whole days:
 *   (1/n) Σ_i [S_i(t)² · 1(event by day t) / G(T_i − 1) + (1 − S_i(t))² · 1(known subscribed after day t) / G(t − 1)]
 * where "known subscribed after day t" is T_i > t, or T_i = t censored (observed through day t), and
 * G(t − 1) = P(C ≥ t). Subjects censored before t have unknown status and weight 0; the weights
 * make up for them. Shapes: curves [n][≥ tau], result [tau].
 */
export function brierScores(
  curves: readonly ArrayLike<number>[],
  outcomes: SurvivalOutcomes,
  tau: number,
): Float64Array {
  const n = validateOutcomes(outcomes);
  if (curves.length !== n) throw new Error(`${curves.length} curves for ${n} subjects`);
  const g = censoringSurvival(outcomes, tau);
  const out = new Float64Array(tau);
  for (let t = 1; t <= tau; t++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const s = curves[i][t - 1];
      const ti = Math.ceil(outcomes.time[i]);
      const event = outcomes.event[i] === 1;
      if (event && ti <= t) {
        const w = g[ti - 1];
        if (w > 0) sum += (s * s) / w;
      } else if (ti > t || (ti === t && !event)) {
        if (g[t - 1] > 0) sum += ((1 - s) * (1 - s)) / g[t - 1];
      }
    }
    out[t - 1] = sum / n;
  }
  return out;
}

/** Integrated Brier score: the mean of brierScores over days 1 … tau. */
export function integratedBrierScore(
  curves: readonly ArrayLike<number>[],
  outcomes: SurvivalOutcomes,
  tau: number,
): number {
  const scores = brierScores(curves, outcomes, tau);
  return scores.reduce((a, b) => a + b, 0) / tau;
}

export interface RiskBandCalibration {
  band: number;
  subjects: number;
  events: number;
  /** Checkpoint days, then the mean predicted S and the band's Kaplan–Meier S at each. */
  days: number[];
  predicted: number[];
  observed: number[];
}

/**
 * Subjects split into `bands` equal-size groups by predicted S(tau) (band 0 = riskiest), each with
 * its mean predicted S and its Kaplan–Meier S at the checkpoint days. Shapes: curves [n][≥ max day].
 */
export function calibrationByRiskBand(
  curves: readonly ArrayLike<number>[],
  outcomes: SurvivalOutcomes,
  options: { tau: number; bands?: number; days?: number[] },
): { bands: RiskBandCalibration[]; meanAbsoluteError: number } {
  const n = validateOutcomes(outcomes);
  const { tau, bands = 5 } = options;
  const days = options.days ?? [Math.ceil(tau / 4), Math.ceil(tau / 2), tau];
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => curves[a][tau - 1] - curves[b][tau - 1],
  );
  const out: RiskBandCalibration[] = [];
  let errorSum = 0;
  let errorCount = 0;
  for (let b = 0; b < bands; b++) {
    const members = order.slice(Math.floor((b * n) / bands), Math.floor(((b + 1) * n) / bands));
    if (members.length === 0) continue;
    const fit = kaplanMeier({
      time: members.map((i) => outcomes.time[i]),
      event: members.map((i) => outcomes.event[i]),
    });
    const predicted = days.map(
      (d) => members.reduce((s, i) => s + curves[i][d - 1], 0) / members.length,
    );
    const observed = days.map((d) => survivalAt(fit, d));
    predicted.forEach((p, k) => {
      errorSum += Math.abs(p - observed[k]);
      errorCount++;
    });
    out.push({
      band: b,
      subjects: members.length,
      events: members.reduce((s, i) => s + outcomes.event[i], 0),
      days,
      predicted,
      observed,
    });
  }
  return { bands: out, meanAbsoluteError: errorCount > 0 ? errorSum / errorCount : Number.NaN };
}

/**
 * Mean |S_pred(t) − S_true(t)| over subjects and days 1 … days: how far curves are from the true
 * ones (the synthetic world's). Shapes: predicted, truth [n][≥ days].
 */
export function meanAbsoluteCurveError(
  predicted: readonly ArrayLike<number>[],
  truth: readonly ArrayLike<number>[],
  days: number,
): number {
  if (predicted.length !== truth.length) {
    throw new Error(`${predicted.length} predicted curves for ${truth.length} true ones`);
  }
  let sum = 0;
  for (let i = 0; i < predicted.length; i++) {
    for (let t = 0; t < days; t++) sum += Math.abs(predicted[i][t] - truth[i][t]);
  }
  return predicted.length > 0 ? sum / (predicted.length * days) : Number.NaN;
}
