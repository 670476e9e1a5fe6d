/**
 * The top contributions of a score, as stored beside it (feature_attributions) so that explaining a
 * live score costs nothing at query time. Everything below the top is summed into
 * churn_scores.attribution_rest, which keeps a stored explanation checkable: Σ top + rest equals
 * logit − baseline_logit.
 */
import { SEQUENCE_FEATURE_PREFIX, type Explanation } from '../../ml';
import { SEQUENCE_CHANNELS } from '../features/feature-definitions';
import type { FeatureRow } from '../features/feature.service';

/** Contributions kept per score. */
export const STORED_TOP = 5;

export interface StoredAttribution {
  rank: number;
  feature: string;
  /** The subscriber's value: numeric features and sequence channels (mean per day of the window). */
  value: number | null;
  /** The subscriber's value of a categorical feature. */
  valueText: string | null;
  contribution: number;
}

/** The value a feature had for this subscriber, in the units a retention agent reads. */
export function featureValue(row: FeatureRow, feature: string): number | string | null {
  if (feature.startsWith(SEQUENCE_FEATURE_PREFIX)) {
    const channel = SEQUENCE_CHANNELS.indexOf(
      feature.slice(SEQUENCE_FEATURE_PREFIX.length) as (typeof SEQUENCE_CHANNELS)[number],
    );
    if (channel < 0 || row.sequence.length === 0) return null;
    return row.sequence.reduce((s, day) => s + day[channel], 0) / row.sequence.length;
  }
  return row.values[feature] ?? null;
}

/** The `top` largest contributions by magnitude (ties by feature order), and the sum of the rest. */
export function topContributions(
  explanation: Explanation,
  row: FeatureRow,
  top = STORED_TOP,
): { top: StoredAttribution[]; rest: number } {
  const order = explanation.contributions
    .map((c, j) => ({ c, j }))
    .sort((a, b) => Math.abs(b.c) - Math.abs(a.c) || a.j - b.j);
  const kept = order.slice(0, top);
  const rest = order.slice(top).reduce((s, x) => s + x.c, 0);
  return {
    top: kept.map(({ c, j }, rank) => {
      const feature = explanation.features[j];
      const v = featureValue(row, feature);
      return {
        rank: rank + 1,
        feature,
        value: typeof v === 'number' ? v : null,
        valueText: typeof v === 'string' ? v : null,
        contribution: c,
      };
    }),
    rest,
  };
}
