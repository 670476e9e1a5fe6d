/**
 * What segments are made of: the behaviour features k-means sees (viewing, engagement, tenure, price;
 * not country or age, which describe who rather than how), and the words their labels are built from
 * (product copy, read by segment-labels.ts in src/ml/cluster).
 */
import type { TraitDescriptor } from '../../ml';

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

export const SEGMENT_DESCRIPTORS: TraitDescriptor[] = [
  { feature: 'days_since_last_view', high: { adjective: 'Lapsing' }, low: { adjective: 'Active' } },
  {
    feature: 'watch_minutes_30d',
    high: { adjective: 'Binge-watching' },
    low: { adjective: 'Casual' },
  },
  { feature: 'sessions_30d', high: { adjective: 'Frequent' }, low: { adjective: 'Occasional' } },
  { feature: 'binge_days_30d', high: { adjective: 'Binge-watching' } },
  { feature: 'active_days_30d', high: { adjective: 'Daily' }, low: { adjective: 'Casual' } },
  { feature: 'watch_trend_14d', high: { adjective: 'Warming-up' }, low: { adjective: 'Fading' } },
  {
    feature: 'mean_completion_30d',
    high: { adjective: 'Devoted' },
    low: { adjective: 'Restless' },
  },
  { feature: 'abandoned_share_30d', high: { adjective: 'Restless' } },
  { feature: 'genre_entropy', high: { adjective: 'Eclectic' }, low: { adjective: 'Single-genre' } },
  { feature: 'genre_exhaustion', high: { adjective: 'Catalogue-exhausted' } },
  { feature: 'devices_30d', high: { adjective: 'Multi-screen' } },
  { feature: 'tenure_days', high: { noun: 'long-time members' }, low: { noun: 'newcomers' } },
  { feature: 'monthly_fee', high: { noun: 'premium fans' }, low: { noun: 'budget viewers' } },
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
