/**
 * What segments are made of: the behaviour features k-means sees (viewing, engagement, tenure, price;
 * not country or age, which describe who rather than how), and the words their labels are built from
 * (product copy, read by segment-labels.ts in src/ml/cluster).
 */
import type { TraitDescriptor } from '../../ml';
import { plainValue } from '../explanations/feature-units';

export const SEGMENT_FEATURES = [
  'days_since_last_view',
  'sessions_30d',
  'watch_minutes_30d',
  'watch_trend_14d',
  'mean_completion_30d',
  'abandoned_share_30d',
  'genre_entropy',
  'genre_exhaustion',
  'binge_days_30d',
  'active_days_30d',
  'devices_30d',
  'tenure_days',
  'monthly_fee',
] as const;

/**
 * Label words, each with the plain-unit value (the segment's median, see feature-units.ts) that makes
 * it true. A word needs both: the segment stands out on the feature (|z| ≥ 0.5, relative to everyone)
 * and the value earns the word in absolute terms, so "Daily" means at least 25 days active of 30
 * whatever the rest of the base does.
 */
export const SEGMENT_DESCRIPTORS: TraitDescriptor[] = [
  { feature: 'days_since_last_view', high: { adjective: 'Lapsing', holds: (days) => days >= 5 } },
  {
    feature: 'watch_minutes_30d',
    high: { adjective: 'Heavy', holds: (hoursPerWeek) => hoursPerWeek >= 5 },
    low: { adjective: 'Light', holds: (hoursPerWeek) => hoursPerWeek <= 1 },
  },
  {
    feature: 'sessions_30d',
    high: { adjective: 'Frequent', holds: (sessions) => sessions >= 30 },
  },
  {
    feature: 'binge_days_30d',
    high: { adjective: 'Binge-watching', holds: (bingeDays) => bingeDays >= 4 },
  },
  {
    feature: 'active_days_30d',
    high: { adjective: 'Daily', holds: (days) => days >= 25 },
    low: { adjective: 'Occasional', holds: (days) => days <= 6 },
  },
  {
    feature: 'watch_trend_14d',
    high: { adjective: 'Warming-up', holds: (changePct) => changePct >= 25 },
    low: { adjective: 'Fading', holds: (changePct) => changePct <= -25 },
  },
  {
    feature: 'mean_completion_30d',
    high: { adjective: 'Devoted', holds: (pct) => pct >= 80 },
    low: { adjective: 'Half-watching', holds: (pct) => pct <= 50 },
  },
  { feature: 'abandoned_share_30d', high: { adjective: 'Restless', holds: (pct) => pct >= 35 } },
  {
    feature: 'genre_entropy',
    high: { adjective: 'Eclectic', holds: (genres) => genres >= 6 },
    low: { adjective: 'Single-genre', holds: (genres) => genres <= 2 },
  },
  {
    feature: 'genre_exhaustion',
    high: { adjective: 'Catalogue-exhausted', holds: (pct) => pct >= 30 },
  },
  { feature: 'devices_30d', high: { adjective: 'Multi-screen', holds: (n) => n >= 2.5 } },
  {
    feature: 'tenure_days',
    high: { noun: 'long-time members', holds: (months) => months >= 12 },
    low: { noun: 'newcomers', holds: (months) => months <= 2 },
  },
  {
    feature: 'monthly_fee',
    high: { noun: 'premium payers', holds: (fee) => fee >= 17 },
    low: { noun: 'budget viewers', holds: (fee) => fee <= 10 },
  },
];

export const DEFAULT_NOUN = 'viewers';

/**
 * Heavy-tailed counts enter k-means as log1p: otherwise a handful of binge watchers or very old
 * accounts set the scale of the whole feature, and the silhouette picks "them and everyone else".
 */
const LOG_SCALED = new Set([
  'days_since_last_view',
  'sessions_30d',
  'watch_minutes_30d',
  'binge_days_30d',
  'tenure_days',
]);

/** A subscriber's feature values as k-means sees them. Shape: [SEGMENT_FEATURES.length]. */
export function segmentInput(values: Readonly<Record<string, number | string>>): number[] {
  return SEGMENT_FEATURES.map((f) => {
    const v = Number(values[f]);
    return LOG_SCALED.has(f) && Number.isFinite(v) ? Math.log1p(Math.max(0, v)) : v;
  });
}

/** Back from the k-means scale to the feature's own units. */
export function fromSegmentScale(feature: string, v: number): number {
  return LOG_SCALED.has(feature) ? Math.expm1(v) : v;
}

/** A subscriber's segment features in plain units (feature-units.ts). Shape: [SEGMENT_FEATURES.length]. */
export function segmentPlain(values: Readonly<Record<string, number | string>>): number[] {
  return SEGMENT_FEATURES.map((f) => plainValue(f, Number(values[f])) ?? NaN);
}

/** A word a label uses, the feature it speaks for and whether the segment's value earns it. */
export interface LabelClaim {
  word: string;
  feature: string;
  direction: 'high' | 'low';
  holds: boolean;
}

/**
 * The descriptor words found in a label, each checked against the segment's plain-unit medians
 * (keyed by feature). A label whose claims all hold says nothing its numbers contradict.
 */
export function labelClaims(
  label: string,
  medians: Readonly<Record<string, number>>,
): LabelClaim[] {
  const text = ` ${label.toLowerCase()} `;
  const out: LabelClaim[] = [];
  for (const d of SEGMENT_DESCRIPTORS) {
    for (const direction of ['high', 'low'] as const) {
      const words = d[direction];
      const word = words?.adjective ?? words?.noun;
      if (!words || !word || !text.includes(` ${word.toLowerCase()} `)) continue;
      const value = medians[d.feature];
      out.push({
        word,
        feature: d.feature,
        direction,
        holds: value !== undefined && (words.holds?.(value) ?? true),
      });
    }
  }
  return out;
}
