/**
 * Each feature in the unit a person uses. The features are stored in the units they are computed in
 * (minutes per 30 days, days of tenure, log sitting rates, a bounded trend ratio); a retention agent
 * reads hours per week, months, sessions a week and percentages. `toPlain` converts a stored value,
 * `unit` names the result and `digits` says how precisely it is worth showing. Features missing here
 * (categorical ones) have no plain number.
 */
import { SEQUENCE_FEATURE_PREFIX } from '../../ml';
import { VIEW_DECAY_DAYS } from '../features/online-state';

export interface FeatureUnit {
  /** The unit of the plain value, e.g. 'h/week', 'days of 30', 'months'. */
  unit: string;
  /** Stored feature value → plain value. */
  toPlain(value: number): number;
  /** Decimals worth showing. */
  digits: number;
}

const DAYS_PER_MONTH = 30.44;
const identity = (v: number) => v;
const percent = (v: number) => 100 * v;
/** A bounded trend (a − b) / (a + b) as the percent change from b to a. */
const trendToChange = (t: number) => 100 * ((1 + t) / Math.max(1e-9, 1 - t) - 1);

export const FEATURE_UNITS: Readonly<Record<string, FeatureUnit>> = {
  days_since_last_view: { unit: 'days', toPlain: identity, digits: 0 },
  sessions_7d: { unit: 'sessions/week', toPlain: identity, digits: 0 },
  sessions_30d: { unit: 'sessions in 30 days', toPlain: identity, digits: 0 },
  // Σ exp(−age / τ) over sessions ≈ τ × the daily rate, so × 7 / τ is sessions a week.
  views_decayed_7d: {
    unit: 'sessions/week',
    toPlain: (v) => (7 * v) / VIEW_DECAY_DAYS[0],
    digits: 1,
  },
  views_decayed_90d: {
    unit: 'sessions/week',
    toPlain: (v) => (7 * v) / VIEW_DECAY_DAYS[1],
    digits: 1,
  },
  engagement_recent: { unit: 'sittings/week', toPlain: (v) => 7 * Math.exp(v), digits: 1 },
  engagement_usual: { unit: 'sittings/week', toPlain: (v) => 7 * Math.exp(v), digits: 1 },
  engagement_change: { unit: '% vs usual', toPlain: (v) => 100 * (Math.exp(v) - 1), digits: 0 },
  watch_minutes_7d: { unit: 'h/week', toPlain: (v) => v / 60, digits: 1 },
  watch_minutes_30d: { unit: 'h/week', toPlain: (v) => v / 60 / (30 / 7), digits: 1 },
  watch_trend_14d: { unit: '% change in watch time', toPlain: trendToChange, digits: 0 },
  watch_decline_14d: {
    unit: '% change in watch time',
    toPlain: (d) => trendToChange(-d),
    digits: 0,
  },
  mean_completion_14d: { unit: '% of each title', toPlain: percent, digits: 0 },
  mean_completion_30d: { unit: '% of each title', toPlain: percent, digits: 0 },
  abandoned_share_30d: { unit: '% of sessions', toPlain: percent, digits: 0 },
  // Entropy in bits as the number of equally watched genres it amounts to.
  genre_entropy: { unit: 'genres', toPlain: (bits) => 2 ** bits, digits: 1 },
  genre_exhaustion: { unit: '% of favourite genre', toPlain: percent, digits: 0 },
  binge_days_30d: { unit: 'binge days of 30', toPlain: identity, digits: 0 },
  active_days_30d: { unit: 'days active of 30', toPlain: identity, digits: 0 },
  devices_30d: { unit: 'device types', toPlain: identity, digits: 0 },
  tenure_days: { unit: 'months', toPlain: (d) => d / DAYS_PER_MONTH, digits: 1 },
  monthly_fee: { unit: 'a month', toPlain: identity, digits: 2 },
  payment_failures_90d: { unit: 'payment failures in 90 days', toPlain: identity, digits: 0 },
  price_increases_90d: { unit: 'price rises in 90 days', toPlain: identity, digits: 0 },
  days_since_payment_failure: { unit: 'days', toPlain: identity, digits: 0 },
  days_since_price_increase: { unit: 'days', toPlain: identity, digits: 0 },
  [`${SEQUENCE_FEATURE_PREFIX}sessions`]: { unit: 'sessions/day', toPlain: identity, digits: 1 },
  [`${SEQUENCE_FEATURE_PREFIX}watch_minutes`]: {
    unit: 'h/week',
    toPlain: (v) => (7 * v) / 60,
    digits: 1,
  },
  [`${SEQUENCE_FEATURE_PREFIX}mean_completion`]: {
    unit: '% of each title',
    toPlain: percent,
    digits: 0,
  },
};

/** The feature's value in plain units, or null for a feature without one (or a missing value). */
export function plainValue(feature: string, value: number | null): number | null {
  const u = FEATURE_UNITS[feature];
  if (!u || value === null || !Number.isFinite(value)) return null;
  return u.toPlain(value);
}

/** The unit of plainValue, or null. */
export function plainUnit(feature: string): string | null {
  return FEATURE_UNITS[feature]?.unit ?? null;
}

/**
 * Number formats by fraction digits, built once: `toLocaleString` with options builds a new
 * Intl.NumberFormat at every call, which was a sixth of the server's CPU on a subscriber's
 * explanation.
 */
const PLAIN_FORMATS = new Map<number, Intl.NumberFormat>();

/** A plain value rounded as the feature deserves, with thousands separators. */
export function formatPlain(feature: string, plain: number): string {
  const digits = FEATURE_UNITS[feature]?.digits ?? 1;
  let format = PLAIN_FORMATS.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: digits === 2 ? 2 : 0,
      maximumFractionDigits: digits,
    });
    PLAIN_FORMATS.set(digits, format);
  }
  return format.format(plain);
}

/** "6.3 h/week", "19 days active of 30", "42% of each title". */
export function withUnit(feature: string, plain: number): string {
  const unit = plainUnit(feature);
  if (unit === null) return formatPlain(feature, plain);
  return `${formatPlain(feature, plain)}${unit.startsWith('%') ? '' : ' '}${unit}`;
}
