/**
 * Maps model input columns back to the original features a person recognises. Preprocessing turns
 * one numeric feature into a z-score plus (when training had gaps) a `__missing` indicator, and one
 * categorical field into a block of one-hot columns or an embedding; attributions are summed over
 * those columns so an explanation talks about `days_since_active`, not `days_since_active__missing`.
 */
import type { Preprocessor } from '../data/preprocess';

/** Prefix of the per-channel sequence features, e.g. `sequence:sessions`. */
export const SEQUENCE_FEATURE_PREFIX = 'sequence:';

export function sequenceFeatureName(channel: string): string {
  return `${SEQUENCE_FEATURE_PREFIX}${channel}`;
}

/** An original feature and the input columns that carry it. */
export interface FeatureGroup {
  feature: string;
  kind: 'numeric' | 'categorical' | 'sequence';
  /** Column indices: into the dense numeric input (numeric), the design matrix (linear), or channel. */
  columns: number[];
}

/**
 * One group per numeric feature over the dense numeric input of Preprocessor.transform: the
 * z-score column and, when present, its missing indicator (indicators follow the numeric block in
 * column order). Shape: [p] groups over [numericWidth] columns.
 */
export function numericInputGroups(pre: Preprocessor): FeatureGroup[] {
  const numeric = pre.state.numeric;
  let indicator = numeric.length;
  return numeric.map((col, k) => ({
    feature: col.name,
    kind: 'numeric' as const,
    columns: col.missingIndicator ? [k, indicator++] : [k],
  }));
}

/**
 * Groups over the logistic-regression design matrix (see designColumnNames): numeric groups as in
 * numericInputGroups, then each categorical field's one-hot block (its "other" slot first).
 */
export function designColumnGroups(pre: Preprocessor): FeatureGroup[] {
  const groups = numericInputGroups(pre);
  let offset = pre.numericColumns.length;
  pre.cardinalities.forEach((card, f) => {
    groups.push({
      feature: pre.state.categorical[f].name,
      kind: 'categorical',
      columns: Array.from({ length: card }, (_, c) => offset + c),
    });
    offset += card;
  });
  return groups;
}
