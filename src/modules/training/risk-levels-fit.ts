/**
 * A model version's risk levels: cut at quantiles of its calibrated probabilities on the calibration
 * half of the validation snapshot, so each level holds a stated share of subscribers whatever the
 * model's calibration (and CRITICAL is always reachable), and described on the evaluation half (the
 * precision and lift a level means).
 */
import { describeBands, riskBands } from '../../ml';
import type { RiskLevelsMetadata } from '../model-registry/model-metadata';
import { RISK_ORDER } from '../model-registry/risk-levels';
import type { Candidate, LabelledMatrix } from './fit-candidates';

/**
 * Target shares of subscribers at MEDIUM, HIGH and CRITICAL: HIGH and above is the riskiest 5%, the
 * cut where alert replays of the default world reach a lift of 3 with most churners alerted at least a
 * week ahead (docs/live.md, "Alert quality").
 */
export const RISK_LEVEL_SHARES: [number, number, number] = [0.15, 0.035, 0.015];

export function riskLevelsOf(
  c: Pick<Candidate, 'model' | 'calibrator'>,
  cal: LabelledMatrix,
  evalSet: LabelledMatrix,
): RiskLevelsMetadata {
  const calP = c.calibrator.transform(c.model.predictProba(cal.features));
  const [m, h, crit] = RISK_LEVEL_SHARES;
  const { thresholds } = riskBands(calP, cal.labels, [crit, h, m]);
  const evalP = c.calibrator.transform(c.model.predictProba(evalSet.features));
  const described = describeBands(evalP, evalSet.labels, thresholds);
  return {
    thresholds: [thresholds[0], thresholds[1], thresholds[2]],
    targetShares: RISK_LEVEL_SHARES,
    levels: described.bands.map((b, k) => ({
      level: RISK_ORDER[k],
      lowerBound: b.lowerBound,
      share: b.share,
      precision: b.precision,
      lift: b.lift,
      recall: b.recall,
    })),
    baseRate: described.baseRate,
  };
}
