/** Survival analysis: time to cancel, survival curves, their metrics and lifetime value. */
export {
  DAY_MS,
  followUp,
  validateOutcomes,
  type FollowUp,
  type SurvivalOutcomes,
} from './follow-up';
export {
  periodBounds,
  periodMidpoints,
  periodOfDay,
  personPeriods,
  type PersonPeriods,
} from './person-period';
export {
  kaplanMeier,
  kaplanMeierCurve,
  kaplanMeierMedian,
  survivalAt,
  type KaplanMeierFit,
  type KaplanMeierInput,
  type KaplanMeierStep,
} from './kaplan-meier';
export {
  MAX_EXTRAPOLATED_DAYS,
  dailyHazards,
  expectedRemainingDays,
  medianDays,
  restrictedMeanDays,
  survivalOnDay,
  tailHazard,
} from './survival-curve';
export { DAYS_PER_MONTH, lifetimeValue, type LifetimeValueOptions } from './lifetime-value';
export {
  brierScores,
  calibrationByRiskBand,
  censoringSurvival,
  concordanceIndex,
  integratedBrierScore,
  meanAbsoluteCurveError,
  type RiskBandCalibration,
} from './survival-metrics';
export {
  evaluateSurvival,
  groupKaplanMeierCurves,
  type SurvivalEvaluation,
} from './survival-evaluation';
export {
  DISCRETE_HAZARD_DEFAULTS,
  DiscreteHazardModel,
  type DiscreteHazardOptions,
  type HazardTrainingInfo,
  type HazardVariant,
  type SurvivalData,
  type SurvivalPrediction,
} from './discrete-hazard';
export type { HazardEpoch } from './hazard-network';
export { syntheticSurvival, type SyntheticSurvival } from './synthetic-survival';
