/**
 * The one list of churn features. Each has a name, a human label and description, its batch
 * computation (a SQL expression over the aggregates built in batch-features.ts, evaluated at a snapshot
 * T from events strictly before T) and its online computation (from the subscriber's incremental state
 * at the same instant). A test checks both give the same value for the same users at the same moment.
 */
import {
  DAY_MS,
  VIEW_DECAY_DAYS,
  dayOf,
  entropyBits,
  genreExhaustion,
  genreWeightsOf,
  popcount,
  windowDay,
  type DailyWindow,
  type OnlineState,
} from './online-state';

/** Everything an online feature may read, at instant `t` (ms). */
export interface OnlineInputs {
  t: number;
  signupAt: number;
  country: string;
  ageBand: string;
  /** Plan and fee as of t, from the latest account event (see ACCOUNT_AS_OF_SQL). */
  plan: string;
  monthlyFee: number;
  paymentFailures90d: number;
  priceIncreases90d: number;
  /** Days since the latest PAYMENT_FAILED / PRICE_INCREASE before t, capped (see ACCOUNT_AS_OF_SQL). */
  daysSincePaymentFailure: number;
  daysSincePriceIncrease: number;
  /** Genre → membership-weighted titles in the catalogue (GENRE_CATALOGUE_SQL). */
  genreCatalogue: Readonly<Record<string, number>>;
  state: OnlineState;
}

export interface Derived extends OnlineInputs {
  w: DailyWindow; // the 30 days ending with windowDay(t)
  /** Recency-weighted view counts at t, one per VIEW_DECAY_DAYS entry. */
  decayedViews: number[];
}

export interface FeatureDefinition {
  name: string;
  label: string;
  description: string;
  kind: 'numeric' | 'categorical';
  /**
   * SQL over the aliases of batch-features.ts: p (t, and d = windowDay(t)), u (user), agg, lv (last
   * view), ge (genre entropy), ex (genre exhaustion), dv (decayed views), acct (ACCOUNT_AS_OF_SQL).
   */
  batchSql: string;
  online(x: Derived): number | string;
}

const sum = (a: number[], from: number, to: number) => a.slice(from, to).reduce((s, v) => s + v, 0);

/** Prior of the engagement estimate: this many sittings a day, worth this many days of evidence. */
export const ENGAGEMENT_PRIOR_RATE = 0.5;
export const ENGAGEMENT_PRIOR_DAYS = 2;

/**
 * log((a0 + D_τ) / (b0 + E_τ)): the posterior mean sitting rate of a Gamma–Poisson filter with
 * forgetting time τ, where D_τ = Σ exp(−age/τ) over sittings and E_τ = τ (1 − exp(−tenure/τ)) the
 * exposure, both discounted alike; a0 = ENGAGEMENT_PRIOR_RATE × b0, b0 = ENGAGEMENT_PRIOR_DAYS.
 */
export function engagementEstimate(decayedViews: number, tenureDays: number, tau: number): number {
  const exposure = tau * (1 - Math.exp(-Math.max(0, tenureDays) / tau));
  return Math.log(
    (ENGAGEMENT_PRIOR_RATE * ENGAGEMENT_PRIOR_DAYS + decayedViews) /
      (ENGAGEMENT_PRIOR_DAYS + exposure),
  );
}

function engagementOf(x: Derived, j: number): number {
  return engagementEstimate(x.decayedViews[j], (x.t - x.signupAt) / DAY_MS, VIEW_DECAY_DAYS[j]);
}

function engagementSql(tau: number, decayed: string): string {
  const tenure = 'greatest(0, extract(epoch FROM p.t - u.signup_at)::float8 / 86400.0)';
  return `ln((${ENGAGEMENT_PRIOR_RATE * ENGAGEMENT_PRIOR_DAYS} + coalesce(${decayed}, 0))
    / (${ENGAGEMENT_PRIOR_DAYS} + ${tau} * (1 - exp(-${tenure} / ${tau}))))`;
}
const TREND_SMOOTHING_SECONDS = 3600;
export const MAX_RECENCY_DAYS = 365;
/** Billing recencies are capped here, and take this value when there was no such event. */
export const MAX_BILLING_RECENCY_DAYS = 120;
/** Watch-time decline: two 14-day halves, smoothed by 30 min so a few minutes either way is no trend. */
const DECLINE_SMOOTHING_SECONDS = 1800;
const DECLINE_DAYS = 28;

export const FEATURES: readonly FeatureDefinition[] = [
  {
    name: 'days_since_last_view',
    label: 'Days since last view',
    description:
      'Days since the subscriber last started watching anything (since signup if never; capped at 365).',
    kind: 'numeric',
    batchSql: `LEAST(${MAX_RECENCY_DAYS}, extract(epoch FROM p.t - coalesce(lv.last_view_at, u.signup_at)) / 86400.0)`,
    online: (x) => Math.min(MAX_RECENCY_DAYS, (x.t - (x.state.lastViewAt ?? x.signupAt)) / DAY_MS),
  },
  {
    name: 'sessions_7d',
    label: 'Sessions, last 7 days',
    description: 'Viewing sessions started in the last 7 days.',
    kind: 'numeric',
    batchSql: 'coalesce(agg.sessions_7d, 0)',
    online: (x) => sum(x.w.sessions, 0, 7),
  },
  {
    name: 'sessions_30d',
    label: 'Sessions, last 30 days',
    description: 'Viewing sessions started in the last 30 days.',
    kind: 'numeric',
    batchSql: 'coalesce(agg.sessions_30d, 0)',
    online: (x) => sum(x.w.sessions, 0, 30),
  },
  {
    name: 'views_decayed_7d',
    label: 'Recent viewing (7-day decay)',
    description:
      'Sessions weighted by how recent they are, exp(−age / 7 days): how much the subscriber watches now, smoothed.',
    kind: 'numeric',
    batchSql: 'coalesce(dv.views_decayed_7d, 0)',
    online: (x) => x.decayedViews[0],
  },
  {
    name: 'views_decayed_90d',
    label: 'Usual viewing (90-day decay)',
    description:
      'Sessions weighted by exp(−age / 90 days): how much the subscriber usually watches, remembered beyond the 30-day windows.',
    kind: 'numeric',
    batchSql: 'coalesce(dv.views_decayed_90d, 0)',
    online: (x) => x.decayedViews[1],
  },
  {
    name: 'engagement_recent',
    label: 'Recent engagement (sittings/day, log)',
    description:
      'Log of the estimated sitting rate now: a Gamma–Poisson posterior over sittings with 7-day forgetting, exposure since signup and a weak prior (0.5 a day over 2 days), so a short history shrinks toward the prior instead of reading as low.',
    kind: 'numeric',
    batchSql: engagementSql(VIEW_DECAY_DAYS[0], 'dv.views_decayed_7d'),
    online: (x) => engagementOf(x, 0),
  },
  {
    name: 'engagement_usual',
    label: 'Usual engagement (sittings/day, log)',
    description:
      'Log of the estimated sitting rate over the longer run: the same Gamma–Poisson posterior with 90-day forgetting.',
    kind: 'numeric',
    batchSql: engagementSql(VIEW_DECAY_DAYS[1], 'dv.views_decayed_90d'),
    online: (x) => engagementOf(x, 1),
  },
  {
    name: 'engagement_change',
    label: 'Engagement against their usual (log ratio)',
    description:
      'Recent engagement over usual engagement, in log terms: below 0 when the subscriber watches less than they usually do.',
    kind: 'numeric',
    batchSql: `${engagementSql(VIEW_DECAY_DAYS[0], 'dv.views_decayed_7d')} - ${engagementSql(VIEW_DECAY_DAYS[1], 'dv.views_decayed_90d')}`,
    online: (x) => engagementOf(x, 0) - engagementOf(x, 1),
  },
  {
    name: 'watch_minutes_7d',
    label: 'Watch time, last 7 days (min)',
    description: 'Minutes watched in the last 7 days.',
    kind: 'numeric',
    batchSql: 'coalesce(agg.seconds_7d, 0) / 60.0',
    online: (x) => sum(x.w.seconds, 0, 7) / 60,
  },
  {
    name: 'watch_minutes_30d',
    label: 'Watch time, last 30 days (min)',
    description: 'Minutes watched in the last 30 days.',
    kind: 'numeric',
    batchSql: 'coalesce(agg.seconds_30d, 0) / 60.0',
    online: (x) => sum(x.w.seconds, 0, 30) / 60,
  },
  {
    name: 'watch_trend_14d',
    label: 'Watch-time trend',
    description:
      'Watch time of the last 14 days against the 14 before: (last − before) / (last + before + 1 h), from −1 (stopped) to +1 (started).',
    kind: 'numeric',
    batchSql: `(coalesce(agg.seconds_14d, 0) - coalesce(agg.seconds_prev_14d, 0))
      / (coalesce(agg.seconds_14d, 0) + coalesce(agg.seconds_prev_14d, 0) + ${TREND_SMOOTHING_SECONDS}.0)`,
    online: (x) => {
      const last = sum(x.w.seconds, 0, 14);
      const before = sum(x.w.seconds, 14, 28);
      return (last - before) / (last + before + TREND_SMOOTHING_SECONDS);
    },
  },
  {
    name: 'watch_decline_14d',
    label: 'Watch-time decline',
    description:
      'Watch time of the 14 days before the last 14 against the last 14: (before − last) / (before + last + 30 min), from −1 (started) to +1 (stopped); 0 until the subscription spans the whole 28 days.',
    kind: 'numeric',
    // Weighted like the trend the churn risk follows, and 0 while the earlier half predates the
    // signup (it would read as a rise that is only the start of the subscription).
    batchSql: `CASE WHEN floor(extract(epoch FROM u.signup_at) * 1000 / 86400000)::int <= p.d - ${DECLINE_DAYS - 1}
      THEN (coalesce(agg.seconds_prev_14d, 0) - coalesce(agg.seconds_14d, 0))
        / (coalesce(agg.seconds_prev_14d, 0) + coalesce(agg.seconds_14d, 0) + ${DECLINE_SMOOTHING_SECONDS}.0)
      ELSE 0 END`,
    online: (x) => {
      if (dayOf(x.signupAt) > windowDay(x.t) - (DECLINE_DAYS - 1)) return 0;
      const last = sum(x.w.seconds, 0, 14);
      const before = sum(x.w.seconds, 14, 28);
      return (before - last) / (before + last + DECLINE_SMOOTHING_SECONDS);
    },
  },
  {
    name: 'mean_completion_14d',
    label: 'Mean completion, last 14 days',
    description:
      'Average share of each title watched per session over the last 14 days (missing without sessions).',
    kind: 'numeric',
    batchSql: 'agg.completion_sum_14d / NULLIF(agg.sessions_14d, 0)',
    online: (x) => {
      const n = sum(x.w.sessions, 0, 14);
      return n === 0 ? Number.NaN : sum(x.w.completionSum, 0, 14) / n;
    },
  },
  {
    name: 'mean_completion_30d',
    label: 'Mean completion',
    description:
      'Average share of each title watched per session over the last 30 days (missing without sessions).',
    kind: 'numeric',
    batchSql: 'agg.completion_sum_30d / NULLIF(agg.sessions_30d, 0)',
    online: (x) => {
      const n = sum(x.w.sessions, 0, 30);
      return n === 0 ? Number.NaN : sum(x.w.completionSum, 0, 30) / n;
    },
  },
  {
    name: 'abandoned_share_30d',
    label: 'Abandoned sessions',
    description:
      'Share of the last 30 days’ sessions stopped before 25% of the title (missing without sessions).',
    kind: 'numeric',
    batchSql: 'agg.abandoned_30d::float8 / NULLIF(agg.sessions_30d, 0)',
    online: (x) => {
      const n = sum(x.w.sessions, 0, 30);
      return n === 0 ? Number.NaN : sum(x.w.abandoned, 0, 30) / n;
    },
  },
  {
    name: 'genre_entropy',
    label: 'Genre diversity',
    description:
      'Entropy (bits) of watch time across genres, weighted toward recent viewing (30-day decay).',
    kind: 'numeric',
    batchSql: 'ge.entropy',
    online: (x) => entropyBits(genreWeightsOf(x.state)),
  },
  {
    name: 'genre_exhaustion',
    label: 'Favourite genre exhausted',
    description:
      'Share of the catalogue of the favourite genre (the one with the most titles started) that the subscriber has already started, 0 to 1.',
    kind: 'numeric',
    batchSql: 'coalesce(ex.exhaustion, 0)',
    online: (x) => genreExhaustion(x.state.genreTitles, x.genreCatalogue),
  },
  {
    name: 'binge_days_30d',
    label: 'Binge days',
    description: 'Days in the last 30 with three or more sessions.',
    kind: 'numeric',
    batchSql: 'coalesce(agg.binge_days_30d, 0)',
    online: (x) => x.w.sessions.slice(0, 30).filter((n) => n >= 3).length,
  },
  {
    name: 'active_days_30d',
    label: 'Active days',
    description: 'Days in the last 30 with at least one session.',
    kind: 'numeric',
    batchSql: 'coalesce(agg.active_days_30d, 0)',
    online: (x) => x.w.sessions.slice(0, 30).filter((n) => n > 0).length,
  },
  {
    name: 'devices_30d',
    label: 'Devices used',
    description: 'Distinct device types (TV, mobile, web, tablet) used in the last 30 days.',
    kind: 'numeric',
    batchSql: `length(replace(coalesce(agg.devices_30d, 0)::bit(4)::text, '0', ''))`,
    online: (x) => popcount(x.w.devices.slice(0, 30).reduce((m, d) => m | d, 0)),
  },
  {
    name: 'tenure_days',
    label: 'Tenure (days)',
    description: 'Days since signup.',
    kind: 'numeric',
    batchSql: 'extract(epoch FROM p.t - u.signup_at) / 86400.0',
    online: (x) => (x.t - x.signupAt) / DAY_MS,
  },
  {
    name: 'monthly_fee',
    label: 'Monthly fee',
    description: 'Monthly fee at the moment of scoring.',
    kind: 'numeric',
    batchSql: 'acct.monthly_fee',
    online: (x) => x.monthlyFee,
  },
  {
    name: 'payment_failures_90d',
    label: 'Payment failures (90 days)',
    description: 'Failed payments in the last 90 days.',
    kind: 'numeric',
    batchSql: 'acct.payment_failures_90d',
    online: (x) => x.paymentFailures90d,
  },
  {
    name: 'price_increases_90d',
    label: 'Price increases (90 days)',
    description: 'Price increases applied in the last 90 days.',
    kind: 'numeric',
    batchSql: 'acct.price_increases_90d',
    online: (x) => x.priceIncreases90d,
  },
  {
    name: 'days_since_payment_failure',
    label: 'Days since payment failure',
    description: `Days since the last failed payment (${MAX_BILLING_RECENCY_DAYS} when none, or longer ago).`,
    kind: 'numeric',
    batchSql: 'acct.days_since_payment_failure',
    online: (x) => x.daysSincePaymentFailure,
  },
  {
    name: 'days_since_price_increase',
    label: 'Days since price increase',
    description: `Days since the subscriber’s fee last went up (${MAX_BILLING_RECENCY_DAYS} when never, or longer ago).`,
    kind: 'numeric',
    batchSql: 'acct.days_since_price_increase',
    online: (x) => x.daysSincePriceIncrease,
  },
  {
    name: 'plan',
    label: 'Plan',
    description: 'Subscription plan at the moment of scoring.',
    kind: 'categorical',
    batchSql: 'acct.plan',
    online: (x) => x.plan,
  },
  {
    name: 'country',
    label: 'Country',
    description: 'Country of the account.',
    kind: 'categorical',
    batchSql: 'u.country',
    online: (x) => x.country,
  },
  {
    name: 'age_band',
    label: 'Age band',
    description: 'Age band of the account holder.',
    kind: 'categorical',
    batchSql: 'u.age_band',
    online: (x) => x.ageBand,
  },
];

export const NUMERIC_FEATURES = FEATURES.filter((f) => f.kind === 'numeric').map((f) => f.name);
export const CATEGORICAL_FEATURES = FEATURES.filter((f) => f.kind === 'categorical').map(
  (f) => f.name,
);

/** Daily channels of the sequence input, oldest day first. */
export const SEQUENCE_DAYS = 28;
export const SEQUENCE_CHANNELS = ['sessions', 'watch_minutes', 'mean_completion'] as const;

export type FeatureValues = Record<string, number | string>;
