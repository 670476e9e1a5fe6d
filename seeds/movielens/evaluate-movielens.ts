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
import { evaluateServed, type ServedEvaluation } from '../../src/ml/recommend/evaluate-served';
import type { RecommenderFit } from '../../src/ml/recommend/recommender-fit';
import type { MovieLensData } from './movielens-data';
import { movieLensToInteractions } from './movielens-interactions';

export interface MovieLensEvaluation {
  randomSplit: (ModelEvaluation | ServedEvaluation)[];
  leaveLatestOut: (ModelEvaluation | ServedEvaluation)[];
  /** With `served`: what train-recs chose on each protocol's train part. */
  fits?: { randomSplit: RecommenderFit; leaveLatestOut: RecommenderFit };
}

/**
 * Protocol (a) 75/25 per user and (b) leave-latest-out with 100 negatives, both seeded. With
 * `served`, the served recommender (what `train-recs` fits, each source alone and the learned
 * blend) follows the named models on each protocol.
 */
export async function evaluateMovieLens(
  data: MovieLensData,
  models: readonly EvaluationModelCode[] = ['top-pop', 'item-knn', 'collaborative', 'hybrid'],
  options: Partial<ModelEvaluationOptions> & { served?: boolean; bprEpochs?: number } = {},
): Promise<MovieLensEvaluation> {
  const ml = movieLensToInteractions(data);
  const side = {
    features: itemFeaturesFromLists(ml.itemGenres, ml.genres.length),
    titles: ml.titles,
  };
  const seed = options.seed ?? 0;
  const split = randomSplitProtocol(ml.interactions, { seed: seed + 1 });
  const loo = leaveLatestOutProtocol(ml.interactions, { seed: seed + 2, negatives: 100 });
  const randomSplit: (ModelEvaluation | ServedEvaluation)[] = await evaluateModels(
    models,
    split,
    side,
    options,
  );
  const leaveLatestOut: (ModelEvaluation | ServedEvaluation)[] = await evaluateModels(
    models,
    loo,
    side,
    options,
  );
  if (!options.served) return { randomSplit, leaveLatestOut };
  const fit = { bprEpochs: options.bprEpochs ?? 30 };
  const a = await evaluateServed(split, side, { ...options, fit });
  const b = await evaluateServed(loo, side, { ...options, fit });
  return {
    randomSplit: [...randomSplit, ...a.rows],
    leaveLatestOut: [...leaveLatestOut, ...b.rows],
    fits: { randomSplit: a.fit, leaveLatestOut: b.fit },
  };
}
