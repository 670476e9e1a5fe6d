/**
 * Global permutation importance (Breiman, 2001; Fisher et al., 2019): how much ROC-AUC drops when one
 * original feature is shuffled across rows, breaking its link to the label while keeping its
 * distribution. Model-agnostic and measured on the scores the service ranks by; note that
 * correlated features share credit (shuffling one leaves its twin informative).
 */
import { rowCount, type FeatureMatrix } from '../data/dataset';
import { rocAuc } from '../metrics/ranking';
import { createRng, permutation } from '../random';
import { originalFeatures, permuteFeature, type SequenceGrouping } from './feature-columns';
import type { ScoreFunction } from './kernel-shap';

export interface PermutationImportanceOptions {
  seed?: number;
  /** Shuffles per feature. Default 5. */
  repeats?: number;
  sequenceGrouping?: SequenceGrouping;
}

export interface FeatureImportance {
  feature: string;
  /** Mean of AUC(original) − AUC(shuffled) over the repeats. */
  meanDrop: number;
  /** Sample standard deviation of the drops (n − 1); 0 with one repeat. */
  stdDrop: number;
  /** Shape: [repeats]. */
  drops: number[];
}

export interface PermutationImportanceResult {
  /** AUC of the unshuffled scores. */
  baselineAuc: number;
  /** One entry per original feature, most important first (ties in feature order). */
  importances: FeatureImportance[];
}

/**
 * Permutation importance of every original feature (numeric column, categorical column, sequence
 * channel) for a score whose ranking matters (probabilities or logits). Deterministic for a seed.
 * Shapes: features [n, ·], labels [n] (0/1); `score` maps [m, ·] rows to [m] scores.
 */
export function permutationImportance(
  score: ScoreFunction,
  features: FeatureMatrix,
  labels: ArrayLike<number>,
  options: PermutationImportanceOptions = {},
): PermutationImportanceResult {
  const { seed = 0, repeats = 5, sequenceGrouping = 'channel' } = options;
  if (repeats < 1) throw new Error('repeats must be at least 1');
  const n = rowCount(features);
  const baselineAuc = rocAuc(score(features), labels);
  const rng = createRng(seed);
  const importances = originalFeatures(features, sequenceGrouping).map((feature, order) => {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const shuffled = permuteFeature(features, feature, permutation(n, rng));
      drops.push(baselineAuc - rocAuc(score(shuffled), labels));
    }
    const meanDrop = drops.reduce((a, b) => a + b, 0) / repeats;
    const variance =
      repeats > 1 ? drops.reduce((a, d) => a + (d - meanDrop) ** 2, 0) / (repeats - 1) : 0;
    return {
      order,
      importance: { feature: feature.name, meanDrop, stdDrop: Math.sqrt(variance), drops },
    };
  });
  importances.sort((a, b) => b.importance.meanDrop - a.importance.meanDrop || a.order - b.order);
  return { baselineAuc, importances: importances.map((x) => x.importance) };
}
