/** Which list User.recommendations serves: the blend, or one source alone. */
export enum RecommendationSource {
  HYBRID = 'HYBRID',
  COLLABORATIVE = 'COLLABORATIVE',
  CONTENT = 'CONTENT',
  POPULAR_IN_SEGMENT = 'POPULAR_IN_SEGMENT',
  TRENDING = 'TRENDING',
}
