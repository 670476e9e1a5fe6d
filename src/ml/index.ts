/**
 * Public surface of the pure ML core: arrays in, numbers out, models as plain artifacts.
 * Nothing here reads the environment, the database or the file system.
 */
export { mulberry32, createRng, shuffleInPlace, permutation, type Rng } from './random';
export {
  useBackend,
  activeBackend,
  ensureBackend,
  measureBackends,
  BACKENDS,
  type BackendName,
  type BackendTiming,
  type BackendComparison,
} from './backend';

export {
  rowCount,
  validateFeatureMatrix,
  selectRows,
  selectLabels,
  type FeatureMatrix,
} from './data/dataset';
export {
  Preprocessor,
  type PreprocessorOptions,
  type PreprocessorState,
  type TransformedFeatures,
} from './data/preprocess';
export { parseCsv, decodeCsvBytes, TableError, type CsvTable } from './data/csv';
export {
  inferTableSchema,
  tableToData,
  parseTarget,
  type TableSchema,
  type TableData,
} from './data/table-schema';
export { stratifiedFoldIds, stratifiedKFold, stratifiedSplit, type Split } from './data/folds';
export { syntheticChurn, type SyntheticChurn } from './data/synthetic-churn';

export {
  LogisticRegression,
  designColumnNames,
  type LogisticRegressionOptions,
  type LogisticTrainingInfo,
} from './models/logistic-regression';
export {
  DeepChurn,
  fitDeepChurnVariants,
  embeddingDim,
  DEEP_CHURN_DEFAULTS,
  type DeepChurnOptions,
  type DeepEpochLogs,
  type DeepTrainingInfo,
} from './models/deep-churn';
export {
  ARTIFACT_FORMAT_VERSION,
  type ModelArtifacts,
  type ModelManifest,
  type ModelKind,
} from './models/artifacts';

export { PlattScaling, type PlattState } from './calibration/platt';
export { IsotonicCalibration, type IsotonicState } from './calibration/isotonic';
export {
  fitCalibrator,
  selectCalibrator,
  calibratorFromJSON,
  type Calibrator,
  type CalibratorKind,
  type CalibratorState,
  type CalibratorSelection,
} from './calibration/calibrator';

export { rocAuc, averagePrecision, liftAt } from './metrics/ranking';
export {
  confusionMatrix,
  thresholdMetrics,
  bestF1Threshold,
  type ConfusionMatrix,
  type ThresholdMetrics,
} from './metrics/classification';
export {
  brierScore,
  logLoss,
  reliabilityTable,
  expectedCalibrationError,
  type ReliabilityBin,
} from './metrics/calibration-metrics';
export { evaluateBinary, type BinaryMetrics } from './metrics/evaluate';
export { describeBands, riskBands, type RiskBand, type RiskBands } from './metrics/risk-bands';

export { priorBaseline, bestSingleFeatureBaseline, type Baseline } from './baselines';
export {
  evaluateTable,
  type EvaluateTableOptions,
  type TableEvaluation,
  type TableModelReport,
  type TableModelName,
  type TablePrediction,
  type RepeatedHoldout,
  type RepeatedMetric,
  type LearnedTableModel,
} from './table-evaluation';
export {
  FeatureExpansion,
  splineBasis,
  type FeatureExpansionOptions,
  type FeatureExpansionState,
} from './data/feature-expansion';

export * from './explain';
export * from './cluster';
export * from './recommend';
export * from './survival';
