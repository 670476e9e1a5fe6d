/**
 * Global summaries of many per-user explanations: mean |contribution| says how much a feature moves
 * scores at all, mean signed contribution which way it moves them on average (relative to the
 * baseline subscriber).
 */
import type { Explanation } from './explanation';

export interface AggregatedAttribution {
  feature: string;
  /** Mean of |contribution| over the explanations that include the feature (logits). */
  meanAbs: number;
  /** Mean signed contribution (logits). */
  meanSigned: number;
  /** Explanations that include the feature. */
  count: number;
}

/**
 * Aggregates a batch of explanations per feature, largest mean |contribution| first (ties in order of
 * first appearance). Explanations may cover different feature sets (e.g. from different methods).
 */
export function aggregateAttributions(
  explanations: readonly Explanation[],
): AggregatedAttribution[] {
  const acc = new Map<string, { abs: number; signed: number; count: number; order: number }>();
  for (const e of explanations) {
    e.features.forEach((feature, j) => {
      const c = e.contributions[j];
      const a = acc.get(feature) ?? { abs: 0, signed: 0, count: 0, order: acc.size };
      a.abs += Math.abs(c);
      a.signed += c;
      a.count++;
      acc.set(feature, a);
    });
  }
  return [...acc.entries()]
    .sort(([, a], [, b]) => b.abs / b.count - a.abs / a.count || a.order - b.order)
    .map(([feature, a]) => ({
      feature,
      meanAbs: a.abs / a.count,
      meanSigned: a.signed / a.count,
      count: a.count,
    }));
}
