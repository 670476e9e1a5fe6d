/**
 * How churn looks inside one segment: the observed churn rate by plan, tenure band and engagement
 * trend, and the features that separate its churners from its stayers (mean attribution of each
 * group, largest difference first). Computed from the rows the segment was fitted on, whose labels
 * (cancelled within the horizon) are observed.
 */
import type { Explanation } from '../../ml';
import type { LabelledFeatureRow } from '../features/feature.service';
import { featureLabel } from '../explanations/feature-reasons';

export interface ChurnGroup {
  group: string;
  users: number;
  churned: number;
  churnRate: number;
}

export interface SeparatingFeature {
  feature: string;
  label: string;
  churnerMean: number;
  stayerMean: number;
  difference: number;
}

export interface ChurnPatterns {
  byPlan: ChurnGroup[];
  byTenure: ChurnGroup[];
  byTrend: ChurnGroup[];
  separatingFeatures: SeparatingFeature[];
  /** Rows the separating features were computed over (a seeded sample when the segment is large). */
  explainedRows: number;
}

const TENURE_BANDS: [string, number][] = [
  ['0–3 months', 91],
  ['3–12 months', 365],
  ['1 year +', Infinity],
];

export function tenureBand(days: number): string {
  return TENURE_BANDS.find(([, max]) => days < max)![0];
}

/** watch_trend_14d: (last 14 d − previous 14 d) / (sum + 1 h). */
export function trendBand(trend: number): string {
  if (trend <= -0.2) return 'declining';
  if (trend >= 0.2) return 'growing';
  return 'steady';
}

function groups(
  rows: readonly LabelledFeatureRow[],
  key: (r: LabelledFeatureRow) => string,
): ChurnGroup[] {
  const by = new Map<string, { users: number; churned: number }>();
  for (const r of rows) {
    const k = key(r);
    const g = by.get(k) ?? { users: 0, churned: 0 };
    g.users += 1;
    g.churned += r.label;
    by.set(k, g);
  }
  return [...by]
    .map(([group, g]) => ({ group, ...g, churnRate: g.churned / g.users }))
    .sort((a, b) => b.users - a.users || (a.group < b.group ? -1 : 1));
}

/**
 * Shapes: rows [m] of the segment; explanations (optional) aligned with `explainedRows`, indices into
 * rows of the explained sample.
 */
export function churnPatterns(
  rows: readonly LabelledFeatureRow[],
  explained: { rows: number[]; explanations: Explanation[] } | null,
  top = 5,
): ChurnPatterns {
  let separatingFeatures: SeparatingFeature[] = [];
  if (explained && explained.explanations.length > 0) {
    const features = explained.explanations[0].features;
    const sums = {
      churner: new Float64Array(features.length),
      stayer: new Float64Array(features.length),
    };
    const counts = { churner: 0, stayer: 0 };
    explained.explanations.forEach((e, i) => {
      const side = rows[explained.rows[i]].label === 1 ? 'churner' : 'stayer';
      counts[side] += 1;
      e.contributions.forEach((c, j) => (sums[side][j] += c));
    });
    if (counts.churner > 0 && counts.stayer > 0) {
      separatingFeatures = features
        .map((feature, j) => {
          const churnerMean = sums.churner[j] / counts.churner;
          const stayerMean = sums.stayer[j] / counts.stayer;
          return {
            feature,
            label: featureLabel(feature),
            churnerMean,
            stayerMean,
            difference: churnerMean - stayerMean,
          };
        })
        .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference))
        .slice(0, top);
    }
  }
  return {
    byPlan: groups(rows, (r) => String(r.values.plan)),
    byTenure: groups(rows, (r) => tenureBand(Number(r.values.tenure_days))),
    byTrend: groups(rows, (r) => trendBand(Number(r.values.watch_trend_14d))),
    separatingFeatures,
    explainedRows: explained?.explanations.length ?? 0,
  };
}
