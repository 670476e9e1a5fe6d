/**
 * From the rows the online-state joins return (features.repository.ts) to feature vectors: the
 * stored columns become an OnlineState, and the state at instant t becomes the features. Pure.
 */
import {
  emptyState,
  VIEW_DECAY_DAYS,
  windowDay,
  WINDOW_DAYS,
  type OnlineState,
} from './online-state';
import type { FeatureValues } from './feature-definitions';
import { onlineFeatureValues, onlineSequence } from './online-values';

/** A user_activity_daily row as json: [day, sessions, seconds, completion_sum, abandoned, devices]. */
export type DailyJson = [number, number, number, number, number, number];
/** A user_genre_state row as json: [genre, weight_log (a string for ±Infinity), titles]. */
export type GenreJson = [string, number | string | null, number];

/** What the online read returns per subscriber: account columns, state columns. */
export interface OnlineRow {
  id: string;
  signup_at: Date | string;
  country: string;
  age_band: string;
  plan: string;
  monthly_fee: number | string;
  payment_failures_90d: number | string;
  price_increases_90d: number | string;
  days_since_payment_failure: number | string;
  days_since_price_increase: number | string;
  last_view_at: Date | string | null;
  genres: GenreJson[] | null;
  daily: DailyJson[] | null;
  [viewsLog: `views_log_${number}d`]: number | null;
}

export interface FeatureRow {
  userId: string;
  values: FeatureValues;
  /** Shape: [28][3], oldest day first. */
  sequence: number[][];
}

/** The stored state of one subscriber, with daily arrays anchored on window day `end`. */
export function stateFromRow(row: OnlineRow, end: number): OnlineState {
  const state = emptyState(end);
  state.lastViewAt = row.last_view_at === null ? null : new Date(row.last_view_at).getTime();
  state.viewsLog = VIEW_DECAY_DAYS.map((d) => {
    const v = row[`views_log_${d}d`];
    return v === null || v === undefined ? Number.NEGATIVE_INFINITY : Number(v);
  });
  for (const [genre, weightLog, titles] of row.genres ?? []) {
    if (weightLog !== null) state.genreWeightLogs[genre] = Number(weightLog);
    if (titles > 0) state.genreTitles[genre] = titles;
  }
  for (const [day, sessions, seconds, completionSum, abandoned, devices] of row.daily ?? []) {
    const k = end - day;
    if (k < 0 || k >= WINDOW_DAYS) continue;
    state.sessions[k] = sessions;
    state.seconds[k] = seconds;
    state.completionSum[k] = completionSum;
    state.abandoned[k] = abandoned;
    state.devices[k] = devices;
  }
  return state;
}

/** Every feature and the activity sequence of one subscriber at `t` (ms). */
export function featureRowFrom(
  row: OnlineRow,
  t: number,
  genreCatalogue: Readonly<Record<string, number>>,
): FeatureRow {
  const state = stateFromRow(row, windowDay(t));
  return {
    userId: row.id,
    values: onlineFeatureValues({
      t,
      signupAt: new Date(row.signup_at).getTime(),
      country: row.country,
      ageBand: row.age_band,
      plan: row.plan,
      monthlyFee: Number(row.monthly_fee),
      paymentFailures90d: Number(row.payment_failures_90d),
      priceIncreases90d: Number(row.price_increases_90d),
      daysSincePaymentFailure: Number(row.days_since_payment_failure),
      daysSincePriceIncrease: Number(row.days_since_price_increase),
      genreCatalogue,
      state,
    }),
    sequence: onlineSequence(state, t),
  };
}
