/** Which list User.recommendations serves: the blend, or one source alone. */
export enum RecommendationSource {
  HYBRID = 'HYBRID',
  COLLABORATIVE = 'COLLABORATIVE',
  CONTENT = 'CONTENT',
  GENRE_MIXTURE = 'GENRE_MIXTURE',
  POPULAR_IN_SEGMENT = 'POPULAR_IN_SEGMENT',
  TRENDING = 'TRENDING',
}
