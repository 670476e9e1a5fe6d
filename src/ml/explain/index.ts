/**
 * Why a subscriber's score is what it is: per-user attributions in the model's logit space (exact
 * for the logistic regression, integrated gradients for DeepChurn, KernelSHAP for anything else),
 * the completeness check every served explanation passes, and global importances.
 */
export { completenessError, type AttributionMethod, type Explanation } from './explanation';
export {
  numericInputGroups,
  designColumnGroups,
  sequenceFeatureName,
  SEQUENCE_FEATURE_PREFIX,
  type FeatureGroup,
} from './feature-groups';
export {
  fitTrainingBaseline,
  designBaseline,
  assertBaselineMatches,
  type TrainingBaseline,
} from './training-baseline';
export { explainLogistic, logisticBaselineLogit } from './linear-attribution';
export {
  integratedGradients,
  DEFAULT_IG_STEPS,
  type LogitFunction,
  type IntegratedGradientsOptions,
  type IntegratedGradientsResult,
} from './integrated-gradients';
export { deepChurnForward, type DeepChurnForward } from './deep-churn-forward';
export { explainDeepChurn, type DeepChurnExplainOptions } from './deep-churn-attribution';
export {
  explainDeepChurnDeepLift,
  plainDeepChurn,
  supportsDeepLift,
  type PlainDeepChurn,
} from './deep-churn-deeplift';
export { COMPLETENESS_TOLERANCE, checkCompleteness, type CompletenessCheck } from './completeness';
export {
  originalFeatures,
  permuteFeature,
  type OriginalFeature,
  type SequenceGrouping,
} from './feature-columns';
export { shapleyKernelCoalitions, type WeightedCoalitions } from './shapley-kernel-coalitions';
export { kernelShap, type KernelShapOptions, type ScoreFunction } from './kernel-shap';
export {
  permutationImportance,
  type PermutationImportanceOptions,
  type PermutationImportanceResult,
  type FeatureImportance,
} from './permutation-importance';
export { aggregateAttributions, type AggregatedAttribution } from './aggregate-attributions';
