/**
 * One sentence per contribution that a retention agent can read ("Watch time fell 70% over the last
 * two weeks"), written from the feature's value for the subscriber and the population's typical value.
 * The direction of the sentence follows the feature, the direction of the risk follows the sign of the
 * contribution (the caller adds "raises" or "lowers").
 */
import { SEQUENCE_FEATURE_PREFIX } from '../../ml';
import { FEATURES } from '../features/feature-definitions';

type Value = number | string | null;

const LABELS = new Map(FEATURES.map((f) => [f.name, f.label]));
const SEQUENCE_LABELS: Record<string, string> = {
  sessions: 'Daily sessions, last 4 weeks',
  watch_minutes: 'Daily watch time, last 4 weeks',
  mean_completion: 'Daily completion, last 4 weeks',
};

/** The human label of a feature (sequence channels included). */
export function featureLabel(feature: string): string {
  if (feature.startsWith(SEQUENCE_FEATURE_PREFIX)) {
    const channel = feature.slice(SEQUENCE_FEATURE_PREFIX.length);
    return SEQUENCE_LABELS[channel] ?? `Daily ${channel.replace(/_/g, ' ')}, last 4 weeks`;
  }
  return LABELS.get(feature) ?? feature;
}

/** Built once: a number's toLocaleString builds a formatter at every call. */
const EN_US = new Intl.NumberFormat('en-US');
const n0 = (x: number) => EN_US.format(Math.round(x));
const n1 = (x: number) => EN_US.format(Math.round(x * 10) / 10);
const pct = (x: number) => `${Math.round(x * 100)}%`;
const days = (x: number) => (Math.round(x) === 1 ? '1 day' : `${n0(x)} days`);
const minutes = (x: number) => (x >= 120 ? `${n1(x / 60)} h` : `${n0(x)} min`);
const times = (x: number, one: string, many: string) =>
  Math.round(x) === 1 ? `1 ${one}` : `${n0(x)} ${many}`;

/** Change of watch time implied by a trend in (−1, 1): (last − before) / (last + before). */
function changeFromTrend(trend: number): number {
  return (2 * trend) / (1 - trend + Number.EPSILON);
}

type Writer = (value: number, typical: number | null) => string;

/** A decayed session count Σ exp(−age / τ) ≈ τ × the daily rate, as sessions a week. */
const perWeek = (decayed: number, tauDays: number) => (7 * decayed) / tauDays;

const typicalNote = (typical: number | null, format: (x: number) => string) =>
  typical === null || !Number.isFinite(typical) ? '' : ` (typical subscriber: ${format(typical)})`;

const WRITERS: Record<string, Writer> = {
  days_since_last_view: (v, t) => `Last watched ${days(v)} ago${typicalNote(t, days)}`,
  sessions_7d: (v, t) => `${times(v, 'session', 'sessions')} in the last week${typicalNote(t, n0)}`,
  sessions_30d: (v, t) =>
    `${times(v, 'session', 'sessions')} in the last 30 days${typicalNote(t, n0)}`,
  views_decayed_7d: (v, t) =>
    `Watches about ${n1(perWeek(v, 7))} sessions a week lately${typicalNote(t, (x) => `${n1(perWeek(x, 7))} a week`)}`,
  views_decayed_90d: (v, t) =>
    `Usually watches about ${n1(perWeek(v, 90))} sessions a week${typicalNote(t, (x) => `${n1(perWeek(x, 90))} a week`)}`,
  engagement_recent: (v, t) =>
    `Watches about ${n1(7 * Math.exp(v))} times a week lately${typicalNote(t, (x) => `${n1(7 * Math.exp(x))} a week`)}`,
  engagement_usual: (v, t) =>
    `Usually watches about ${n1(7 * Math.exp(v))} times a week${typicalNote(t, (x) => `${n1(7 * Math.exp(x))} a week`)}`,
  engagement_change: (v) => {
    const ratio = Math.exp(v);
    if (Math.abs(ratio - 1) < 0.1) return 'Watching about as much as they usually do';
    return ratio < 1
      ? `Watching ${pct(1 - ratio)} less than they usually do`
      : `Watching ${pct(Math.min(9.99, ratio - 1))} more than they usually do`;
  },
  watch_minutes_7d: (v, t) => `Watched ${minutes(v)} in the last week${typicalNote(t, minutes)}`,
  watch_minutes_30d: (v, t) =>
    `Watched ${minutes(v)} in the last 30 days${typicalNote(t, minutes)}`,
  watch_trend_14d: (v) => {
    if (Math.abs(v) < 0.05) return 'Watch time steady over the last two weeks';
    // trend = (last − before)/(last + before): last/before = (1 + t)/(1 − t).
    const change = (1 + v) / (1 - v + Number.EPSILON) - 1;
    return v < 0
      ? `Watch time fell ${pct(Math.min(1, -change))} over the last two weeks`
      : `Watch time rose ${pct(Math.min(9.99, change))} over the last two weeks`;
  },
  watch_decline_14d: (v) => {
    if (Math.abs(v) < 0.05) return 'Watch time steady over the last two weeks';
    const fall = 1 - (1 - v) / (1 + v + Number.EPSILON);
    return v > 0
      ? `Watch time fell ${pct(Math.min(1, fall))} over the last two weeks`
      : `Watch time rose ${pct(Math.min(9.99, changeFromTrend(-v)))} over the last two weeks`;
  },
  mean_completion_14d: (v, t) =>
    `Finishes ${pct(v)} of what they start (last 14 days)${typicalNote(t, pct)}`,
  mean_completion_30d: (v, t) => `Finishes ${pct(v)} of what they start${typicalNote(t, pct)}`,
  abandoned_share_30d: (v, t) =>
    `Abandoned ${pct(v)} of sessions in the last 30 days${typicalNote(t, pct)}`,
  genre_entropy: (v, t) =>
    `${v < 1 ? 'Watches almost only one genre' : 'Watches across genres'} (${n1(v)} bits of genre diversity)${typicalNote(t, n1)}`,
  genre_exhaustion: (v) => `Has started ${pct(v)} of their favourite genre's catalogue`,
  binge_days_30d: (v, t) =>
    `${times(v, 'binge day', 'binge days')} in the last 30 days${typicalNote(t, n0)}`,
  active_days_30d: (v, t) =>
    `Active on ${times(v, 'day', 'days')} of the last 30${typicalNote(t, n0)}`,
  devices_30d: (v) => `Watches on ${times(v, 'device type', 'device types')}`,
  tenure_days: (v) =>
    v < 60 ? `New subscriber: joined ${days(v)} ago` : `Subscribed for ${n1(v / 30.44)} months`,
  monthly_fee: (v, t) => `Pays ${v.toFixed(2)} a month${typicalNote(t, (x) => x.toFixed(2))}`,
  payment_failures_90d: (v) =>
    v === 0
      ? 'No payment failures in 90 days'
      : `${times(v, 'payment failure', 'payment failures')} in 90 days`,
  price_increases_90d: (v) =>
    v === 0
      ? 'No price increase in 90 days'
      : `Price went up ${times(v, 'time', 'times')} in the last 90 days`,
  days_since_payment_failure: (v) =>
    v >= 120 ? 'No recent payment failure' : `A payment failed ${days(v)} ago`,
  days_since_price_increase: (v) =>
    v >= 120 ? 'No recent price increase' : `Price went up ${days(v)} ago`,
  'sequence:sessions': (v, t) =>
    `${n1(v)} sessions a day over the last 4 weeks${typicalNote(t, n1)}`,
  'sequence:watch_minutes': (v, t) =>
    `${minutes(v)} a day over the last 4 weeks${typicalNote(t, minutes)}`,
  'sequence:mean_completion': (v, t) =>
    `Daily completion ${pct(v)} over the last 4 weeks${typicalNote(t, pct)}`,
};

const CATEGORY_WRITERS: Record<string, (v: string) => string> = {
  plan: (v) => `On the ${v} plan`,
  country: (v) => `Account in ${v}`,
  age_band: (v) => `Age band ${v}`,
};

/** The sentence for one contribution, e.g. "Watch time fell 70% over the last two weeks". */
export function reasonFor(feature: string, value: Value, typical: Value): string {
  if (typeof value === 'string') {
    return (CATEGORY_WRITERS[feature] ?? ((v: string) => `${featureLabel(feature)}: ${v}`))(value);
  }
  if (value === null || !Number.isFinite(value))
    return `${featureLabel(feature)}: no recent viewing`;
  const writer = WRITERS[feature];
  const t = typeof typical === 'number' ? typical : null;
  return writer ? writer(value, t) : `${featureLabel(feature)}: ${n1(value)}${typicalNote(t, n1)}`;
}
