/**
 * MovieLens loaders: both public layouts (ml-100k, ml-latest/-small) into one normalised form, the
 * rating → completion mapping, and the conversion to src/ml/recommend's interactions. The data
 * itself is never part of this repository (its licence forbids redistribution).
 */
export { loadMovieLens, detectMovieLensLayout } from './load-movielens';
export { parseMl100k, parseUData, parseUItem, parseUGenre } from './ml-100k';
export { parseMlLatest, parseMoviesCsv, parseRatingsCsv } from './ml-latest';
export {
  ML_100K_GENRES,
  splitTitleYear,
  type MovieLensData,
  type MovieLensLayout,
  type MovieLensRating,
  type MovieLensTitle,
} from './movielens-data';
export { MovieLensError } from './movielens-error';
export {
  RATING_COMPLETION_ANCHORS,
  ratingToCompletion,
  ratingToWatchedSeconds,
} from './rating-completion';
export { movieLensToInteractions, type MovieLensInteractions } from './movielens-interactions';
export { evaluateMovieLens, type MovieLensEvaluation } from './evaluate-movielens';
