/**
 * Public surface of the recommendation core: interactions and item features in, scores, ranked
 * lists with reasons, metrics and artifacts out. Pure: no database, GraphQL or file system.
 */
export {
  interactionsFromRows,
  selectInteractions,
  dedupeInteractions,
  indexByUser,
  itemUserCounts,
  completionConfidence,
  type Interactions,
  type InteractionRow,
  type UserIndex,
} from './interactions';
export {
  itemFeaturesFromLists,
  noItemFeatures,
  itemGenres,
  type ItemFeatures,
} from './item-features';

export {
  BprFactorization,
  BPR_DEFAULTS,
  type BprOptions,
  type BprEpochLogs,
  type BprTrainingInfo,
} from './bpr-factorization';
export { ImplicitAls, ALS_DEFAULTS, type AlsOptions, type AlsIterationLogs } from './implicit-als';
export {
  ImplicitFoldIn,
  FOLD_IN_DEFAULTS,
  type FoldInOptions,
  type FoldInEntry,
  type FoldedUser,
  type ExactAlsFoldIn,
} from './fold-in';
export {
  RECOMMEND_FORMAT_VERSION,
  assertRecommendArtifacts,
  type RecommendArtifacts,
  type RecommendManifest,
  type RecommendModelKind,
} from './recommend-artifacts';
export { scoreAllItems, topK, rankAll } from './top-k';

export {
  TfIdf,
  tokenize,
  sparseDot,
  STOP_WORDS,
  type SparseVector,
  type WeightedTerm,
} from './tf-idf';
export {
  ContentModel,
  CONTENT_DEFAULTS,
  recencyDecay,
  titleTerms,
  type ContentOptions,
  type TitleText,
  type ProfileEntry,
} from './content-model';
export { genreTaste, topGenreFor } from './genre-taste';
export {
  GENRE_MIXTURE_DEFAULTS,
  GenreMixtureModel,
  type GenreMixtureOptions,
} from './genre-mixture';
export { PopularityIndex, POPULARITY_DEFAULTS, type PopularityOptions } from './popularity';

export {
  watchStatuses,
  eligibleItems,
  unstartedItems,
  inProgressTitles,
  type InProgressTitle,
  ELIGIBILITY_DEFAULTS,
  MOVIE,
  SERIES,
  type HistoryEvent,
  type EligibilityRules,
  type WatchState,
  type WatchStatus,
} from './eligibility';
export {
  describeReason,
  type RecommendationReason,
  type ReasonKind,
  type SourceCode,
} from './reasons';
export { blendWeights, BLEND_DEFAULTS, SOURCE_CODES, type BlendOptions } from './blend-weights';
export {
  RECOMMENDATION_SOURCES,
  normaliseScores,
  normaliseInPlace,
  type RecommendationSource,
  type HybridParts,
  type UserContext,
  type PreparedUser,
  type DerivedHistory,
  type SourceInput,
} from './sources';
export {
  HybridRecommender,
  HYBRID_DEFAULTS,
  type HybridOptions,
  type Recommendation,
  type RecommendationList,
  type BlendedScores,
} from './hybrid-recommender';
export {
  predictedCompletion,
  nearestUsers,
  segmentMembers,
  rerankForRetention,
  recommendForRetention,
  RISK_BLEND,
  PREDICTED_COMPLETION_DEFAULTS,
  type RiskLevel,
  type RerankOptions,
  type PredictedCompletionOptions,
} from './churn-rerank';

export {
  COLLABORATIVE_MODELS,
  GRID_ALPHA,
  alsCode,
  alsSettings,
  collaborativeCandidate,
  collaborativeFromArtifacts,
  type AlsSettings,
  type CollaborativeModel,
  type CollaborativeCode,
  type CollaborativeCandidate,
  type GridCode,
} from './collaborative-models';
export { searchAls, ALS_SEARCH_DEFAULTS, type AlsSearchOptions } from './als-search';
export {
  latestHoldout,
  LATEST_HOLDOUT_DEFAULTS,
  type LatestHoldout,
  type LatestHoldoutOptions,
} from './latest-holdout';
export {
  learnBlend,
  blendCase,
  caseNdcg,
  bucketFor,
  BLEND_LEARNING_DEFAULTS,
  type BlendCase,
  type BlendBucket,
  type LearnedBlend,
  type BlendLearningOptions,
} from './blend-learning';
export {
  fitRecommender,
  candidateCodes,
  refinementFits,
  hybridParts,
  historiesOf,
  RECOMMENDER_FIT_DEFAULTS,
  type RecommenderFit,
  type RecommenderFitOptions,
  type RecommenderSide,
  type CandidateReport,
} from './recommender-fit';
export {
  evaluateServed,
  servedRecommender,
  type ServedEvaluation,
  type ServedRow,
} from './evaluate-served';
export {
  CandidatePool,
  CANDIDATE_POOL_DEFAULTS,
  type CandidatePoolOptions,
} from './candidate-pool';
export { TopPop } from './top-pop';
export { ItemKnn, ITEM_KNN_DEFAULTS, type ItemKnnOptions } from './item-knn';
export {
  precisionAtK,
  recallAtK,
  ndcgAtK,
  averagePrecisionAtK,
  meanAveragePrecision,
  hitRateAtK,
  catalogCoverage,
  intraListDiversity,
  novelty,
  meanDefined,
  type RelevantSet,
} from './evaluate-metrics';
export {
  randomSplitProtocol,
  leaveLatestOutProtocol,
  type RandomSplit,
  type RandomSplitOptions,
  type LeaveLatestOut,
  type LeaveLatestOutCase,
  type LeaveLatestOutOptions,
  type EvaluationProtocol,
} from './evaluate-protocols';
export {
  evaluateModel,
  evaluateModels,
  measureProtocol,
  EVALUATION_MODELS,
  MODEL_EVALUATION_DEFAULTS,
  type EvaluationModel,
  type EvaluationModelCode,
  type EvaluationSide,
  type ModelEvaluation,
  type ModelEvaluationOptions,
  type RandomSplitReport,
  type LeaveLatestOutReport,
  type UserScorer,
} from './evaluate-models';
export {
  syntheticTastes,
  SYNTHETIC_TASTES_DEFAULTS,
  type SyntheticTastes,
  type SyntheticTastesOptions,
} from './synthetic-tastes';
