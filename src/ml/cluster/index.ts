/**
 * Behaviour segments: standardisation, seeded k-means, silhouettes, k selection, rule-based labels,
 * and id matching between runs, composed by segmentUsers.
 */
export { fitStandardizer, standardize, unstandardize, type StandardizerState } from './standardize';
export { kMeans, nearestCentroid, type KMeansOptions, type KMeansFit } from './k-means';
export {
  silhouetteSamples,
  silhouetteScore,
  sampledSilhouetteScore,
  silhouetteFromDistances,
  pairwiseDistances,
  sampleIndices,
} from './silhouette';
export {
  selectKBySilhouette,
  bestScore,
  type KSelectionOptions,
  type KSelection,
  type KScore,
} from './silhouette-k-selection';
export {
  labelSegments,
  rankTraits,
  type TraitDescriptor,
  type LabelWords,
  type SegmentTrait,
  type SegmentLabel,
  type SegmentLabelOptions,
} from './segment-labels';
export { optimalAssignment } from './hungarian';
export {
  matchSegments,
  type PreviousSegment,
  type SegmentMatch,
  type SegmentMatchOptions,
  type SegmentMatching,
} from './segment-matching';
export {
  segmentUsers,
  segmentSpace,
  chooseK,
  fitSegments,
  nameSegments,
  matchToPrevious,
  assembleSegmentation,
  type SegmentSpace,
  type KChoice,
  type SegmentNames,
  type SegmentUsersOptions,
  type Segment,
  type Segmentation,
  type SegmentationTimings,
} from './segment-users';
