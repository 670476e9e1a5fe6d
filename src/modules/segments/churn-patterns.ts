/**
 * How churn looks inside one segment: the observed churn rate by plan (in plan order), tenure band
 * (shortest first) and engagement trend (declining → growing), and the features that separate its
 * churners from its stayers. Those are chosen by how far apart the two groups' mean attributions are
 * (the model's view), and shown as what a person can check: each group's median in plain units
 * ("churners: 0.8 h/week median, stayers 2.6 h/week"). Computed from the rows the segment was fitted
 * on, whose labels (cancelled within the horizon) are observed.
 */
import type { Explanation } from '../../ml';
import { featureLabel } from '../explanations/feature-reasons';
import { plainUnit, plainValue, withUnit } from '../explanations/feature-units';
import type { LabelledFeatureRow } from '../features/feature.service';
import { Plan } from '../users/user.entity';

export interface ChurnGroup {
  group: string;
  users: number;
  churned: number;
  churnRate: number;
}

export interface SeparatingFeature {
  feature: string;
  label: string;
  /** Unit of the medians, e.g. 'h/week'. */
  unit: string | null;
  churnerMedian: number | null;
  stayerMedian: number | null;
  /** "churners: 0.8 h/week median, stayers 2.6 h/week". */
  summary: string;
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

const PLAN_ORDER: readonly string[] = Object.values(Plan);
const TENURE_ORDER = TENURE_BANDS.map(([band]) => band);
const TREND_ORDER = ['declining', 'steady', 'growing'];

/** Groups in a natural order (unknown groups after, alphabetically). */
function groups(
  rows: readonly LabelledFeatureRow[],
  key: (r: LabelledFeatureRow) => string,
  order: readonly string[],
): ChurnGroup[] {
  const by = new Map<string, { users: number; churned: number }>();
  for (const r of rows) {
    const k = key(r);
    const g = by.get(k) ?? { users: 0, churned: 0 };
    g.users += 1;
    g.churned += r.label;
    by.set(k, g);
  }
  return inOrder(
    [...by].map(([group, g]) => ({ group, ...g, churnRate: g.churned / g.users })),
    order,
  );
}

function inOrder(list: ChurnGroup[], order: readonly string[]): ChurnGroup[] {
  return [...list].sort(
    (a, b) => rank(order, a.group) - rank(order, b.group) || (a.group < b.group ? -1 : 1),
  );
}

/** Stored patterns with their groups in natural order (runs stored before the order was kept). */
export function naturalOrder(p: ChurnPatterns): ChurnPatterns {
  return {
    ...p,
    byPlan: inOrder(p.byPlan, PLAN_ORDER),
    byTenure: inOrder(p.byTenure, TENURE_ORDER),
    byTrend: inOrder(p.byTrend, TREND_ORDER),
  };
}

function rank(order: readonly string[], group: string): number {
  const i = order.indexOf(group);
  return i < 0 ? order.length : i;
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
        .map((feature, j) => ({
          feature,
          gap: Math.abs(sums.churner[j] / counts.churner - sums.stayer[j] / counts.stayer),
        }))
        // Only features a person can read in a unit (not categories or the daily sequence).
        .filter((f) => plainUnit(f.feature) !== null && rows.some((r) => f.feature in r.values))
        .sort((a, b) => b.gap - a.gap)
        .slice(0, top)
        .map((f) => separating(f.feature, rows));
    }
  }
  return {
    byPlan: groups(rows, (r) => String(r.values.plan), PLAN_ORDER),
    byTenure: groups(rows, (r) => tenureBand(Number(r.values.tenure_days)), TENURE_ORDER),
    byTrend: groups(rows, (r) => trendBand(Number(r.values.watch_trend_14d)), TREND_ORDER),
    separatingFeatures,
    explainedRows: explained?.explanations.length ?? 0,
  };
}

/** Churners' and stayers' medians of one feature, in plain units. */
function separating(feature: string, rows: readonly LabelledFeatureRow[]): SeparatingFeature {
  const medianOf = (label: number) =>
    median(
      rows
        .filter((r) => r.label === label)
        .map((r) => plainValue(feature, Number(r.values[feature])))
        .filter((v): v is number => v !== null),
    );
  const churnerMedian = medianOf(1);
  const stayerMedian = medianOf(0);
  const text = (v: number | null) => (v === null ? 'no value' : withUnit(feature, v));
  return {
    feature,
    label: featureLabel(feature),
    unit: plainUnit(feature),
    churnerMedian,
    stayerMedian,
    summary: `churners: ${text(churnerMedian)} median, stayers ${text(stayerMedian)}`,
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}
