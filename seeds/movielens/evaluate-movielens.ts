/**
 * Runs named recommenders through both offline protocols on MovieLens data (for a benchmark or
 * the CLI; the data comes from a local copy, never from this repository). Genres are the item
 * features, title words the content text; relevance is implicit (every held-out rating counts).
 */
import {
  evaluateModels,
  type EvaluationModelCode,
  type ModelEvaluation,
  type ModelEvaluationOptions,
} from '../../src/ml/recommend/evaluate-models';
import {
  leaveLatestOutProtocol,
  randomSplitProtocol,
} from '../../src/ml/recommend/evaluate-protocols';
import { itemFeaturesFromLists } from '../../src/ml/recommend/item-features';
import type { MovieLensData } from './movielens-data';
import { movieLensToInteractions } from './movielens-interactions';

export interface MovieLensEvaluation {
  randomSplit: ModelEvaluation[];
  leaveLatestOut: ModelEvaluation[];
}

/** Protocol (a) 75/25 per user and (b) leave-latest-out with 100 negatives, both seeded. */
export async function evaluateMovieLens(
  data: MovieLensData,
  models: readonly EvaluationModelCode[] = ['top-pop', 'item-knn', 'collaborative', 'hybrid'],
  options: Partial<ModelEvaluationOptions> = {},
): Promise<MovieLensEvaluation> {
  const ml = movieLensToInteractions(data);
  const side = {
    features: itemFeaturesFromLists(ml.itemGenres, ml.genres.length),
    titles: ml.titles,
  };
  const seed = options.seed ?? 0;
  const split = randomSplitProtocol(ml.interactions, { seed: seed + 1 });
  const loo = leaveLatestOutProtocol(ml.interactions, { seed: seed + 2, negatives: 100 });
  return {
    randomSplit: await evaluateModels(models, split, side, options),
    leaveLatestOut: await evaluateModels(models, loo, side, options),
  };
}
