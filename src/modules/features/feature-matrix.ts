import type { FeatureMatrix } from '../../ml';
import { CATEGORICAL_FEATURES, NUMERIC_FEATURES, SEQUENCE_CHANNELS } from './feature-definitions';
import type { FeatureRow } from './feature.service';

/** Rows of named feature values → the raw matrix src/ml consumes. Shapes: [n][p], [n][q], [n][28][3]. */
export function toFeatureMatrix(rows: readonly FeatureRow[]): FeatureMatrix {
  return {
    numeric: rows.map((r) => NUMERIC_FEATURES.map((name) => Number(r.values[name]))),
    numericNames: [...NUMERIC_FEATURES],
    categorical: rows.map((r) => CATEGORICAL_FEATURES.map((name) => String(r.values[name] ?? ''))),
    categoricalNames: [...CATEGORICAL_FEATURES],
    sequence: rows.map((r) => r.sequence),
    sequenceChannels: [...SEQUENCE_CHANNELS],
  };
}
