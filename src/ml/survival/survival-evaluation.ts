/**
 * One report for a set of survival curves on observed follow-up: concordance, integrated Brier
 * score, Brier at the horizon and calibration per risk band; and the naive baseline every model is
 * read beside, a Kaplan–Meier curve per group (e.g. per plan) fitted on the training subjects.
 */
import type { SurvivalOutcomes } from './follow-up';
import { kaplanMeier, kaplanMeierCurve } from './kaplan-meier';
import { restrictedMeanDays } from './survival-curve';
import {
  brierScores,
  calibrationByRiskBand,
  concordanceIndex,
  type RiskBandCalibration,
} from './survival-metrics';

export interface SurvivalEvaluation {
  name: string;
  subjects: number;
  events: number;
  /** Days of follow-up the metrics cover (1 … tau). */
  tau: number;
  /** Harrell's C of the restricted mean days within tau (fewer days = higher risk). */
  concordance: number;
  integratedBrier: number;
  brierAtTau: number;
  /** Mean |predicted − Kaplan–Meier| over risk bands and checkpoint days. */
  calibrationError: number;
  calibration: RiskBandCalibration[];
  /** Mean predicted S(tau) and the Kaplan–Meier S(tau) of everyone. */
  meanPredictedSurvival: number;
  observedSurvival: number;
}

/** Evaluates curves against outcomes over days 1 … tau. Shapes: curves [n][≥ tau], outcomes [n]. */
export function evaluateSurvival(
  name: string,
  curves: readonly ArrayLike<number>[],
  outcomes: SurvivalOutcomes,
  options: { tau: number; bands?: number },
): SurvivalEvaluation {
  const { tau, bands = 5 } = options;
  const risk = curves.map((c) => -restrictedMeanDays(c, tau));
  const brier = brierScores(curves, outcomes, tau);
  const calibration = calibrationByRiskBand(curves, outcomes, { tau, bands });
  const km = kaplanMeierCurve(kaplanMeier(outcomes), tau);
  return {
    name,
    subjects: curves.length,
    events: Array.from(outcomes.event).reduce((a, b) => a + b, 0),
    tau,
    concordance: concordanceIndex(risk, outcomes),
    integratedBrier: brier.reduce((a, b) => a + b, 0) / tau,
    brierAtTau: brier[tau - 1],
    calibrationError: calibration.meanAbsoluteError,
    calibration: calibration.bands,
    meanPredictedSurvival: curves.reduce((s, c) => s + c[tau - 1], 0) / Math.max(1, curves.length),
    observedSurvival: km[tau - 1],
  };
}

/**
 * Kaplan–Meier curves S(1 … days) per group of the training subjects, each continued beyond its
 * follow-up with its last weeks' hazard, and the pooled curve for groups never seen in training.
 * Returns a function from a group to its curve.
 */
export function groupKaplanMeierCurves(
  groups: readonly string[],
  outcomes: SurvivalOutcomes,
  days: number,
): (group: string) => Float64Array {
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const members = byGroup.get(g) ?? [];
    members.push(i);
    byGroup.set(g, members);
  });
  const curveOf = (idx: number[]) =>
    kaplanMeierCurve(
      kaplanMeier({
        time: idx.map((i) => outcomes.time[i]),
        event: idx.map((i) => outcomes.event[i]),
      }),
      days,
    );
  const pooled = curveOf(groups.map((_, i) => i));
  const curves = new Map([...byGroup].map(([g, idx]) => [g, curveOf(idx)]));
  return (group) => curves.get(group) ?? pooled;
}
