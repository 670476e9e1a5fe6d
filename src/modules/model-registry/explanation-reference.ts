import { fitTrainingBaseline, type FeatureMatrix, type Preprocessor } from '../../ml';
import type { ExplanationReference } from './model-metadata';

/**
 * What explanations of a model are relative to (see ModelMetadata.explanation): the preprocessed
 * training means, and the typical raw value of every feature for "the population's typical value".
 */
export function explanationReference(
  preprocessor: Preprocessor,
  training: FeatureMatrix,
): ExplanationReference {
  const typical: Record<string, number | string> = {};
  training.numericNames.forEach((name, j) => {
    const values = training.numeric
      .map((row) => row[j])
      .filter((v): v is number => v !== null && Number.isFinite(v))
      .sort((a, b) => a - b);
    typical[name] = values.length === 0 ? 0 : values[Math.floor(values.length / 2)];
  });
  training.categoricalNames.forEach((name, j) => {
    const counts = new Map<string, number>();
    for (const row of training.categorical) counts.set(row[j], (counts.get(row[j]) ?? 0) + 1);
    typical[name] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '';
  });
  return { baseline: fitTrainingBaseline(preprocessor, training), typical };
}
