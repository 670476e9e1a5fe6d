/** Uplift modelling: who does an action change, by how much, and how well a ranking targets them. */
export { OutcomeModel, predictWith, type OutcomeModelOptions } from './outcome-model';
export { TLearner, armRows, type ArmPredictions } from './t-learner';
export { XLearner } from './x-learner';
export { RidgeRegression, designRows } from './ridge';
export { qini, trueGain, type QiniPoint, type QiniSummary } from './qini';
export { averageEffect, type AverageEffect } from './average-effect';
export { imbalancedColumns, type ImbalancedColumn } from './covariate-balance';
export {
  evaluateUpliftTable,
  predictUpliftTable,
  prepareUpliftTable,
  type ArmReport,
  type UpliftLearnerName,
  type UpliftTableOptions,
  type UpliftTableReport,
} from './table-uplift';
export {
  bestLinearPredictor,
  calibratedUplift,
  type LinearCalibration,
} from './best-linear-predictor';
