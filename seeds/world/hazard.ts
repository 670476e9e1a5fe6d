import type { Subscribers } from './subscribers';
import { TREND_DAYS, UserState } from './state';

/**
 * Coefficients of the daily cancellation hazard:
 * logit h = intercept + plan[STANDARD] + Σ coefficient × driver (drivers as in `describeDrivers`).
 * Drivers are named after the observable behaviour a feature can measure, so a later analysis can
 * rank-correlate a model's feature importance against these "true drivers". The last two are
 * latent: no feature can see them, which keeps the oracle above any model.
 */
export interface HazardParams {
  intercept: number;
  /**
   * × weeks since the last view (or since the spell began when nothing was watched), capped at
   * recencyCapDays: linear, because a subscriber silent for a month is far gone.
   */
  weeksSinceLastView: number;
  /** × (prev14 − recent14) / (prev14 + recent14 + 1800 s) on watch seconds; 0 before 28 days. */
  watchTimeDecline: number;
  /** × max(0, completionTarget − mean completion of the views in the last 14 days). */
  lowCompletion: number;
  /** × popularity-weighted share of the favourite genre already watched, [0, 1]. */
  genreExhaustion: number;
  /** × exp(−days since the last failed payment / paymentFailureDecayDays). */
  paymentFailure: number;
  /** × price sensitivity (latent) × exp(−days since own price increase / priceIncreaseDecayDays). */
  priceIncrease: number;
  /** Offset per plan, indexed BASIC, STANDARD, PREMIUM. */
  plan: [number, number, number];
  /** × exp(−tenure days / newSubscriberDecayDays): new subscribers churn more. */
  newSubscriber: number;
  /** × ln(latent engagement). Latent. */
  engagement: number;
  /** Standard deviation of the per-subscriber unobserved frailty. Latent. */
  frailtySd: number;
  completionTarget: number;
  recencyCapDays: number;
  paymentFailureDecayDays: number;
  priceIncreaseDecayDays: number;
  newSubscriberDecayDays: number;
  /**
   * × exp(−days since the subscriber last finished a title recommended to them /
   * recommendedFinishDecayDays): the true effect of a recommendation that lands
   * (recommendation-response.ts). 0 until recommendations are simulated.
   */
  recommendedFinish: number;
  recommendedFinishDecayDays: number;
}

export const DEFAULT_HAZARD: HazardParams = {
  intercept: -10.65,
  weeksSinceLastView: 0.8,
  watchTimeDecline: 1.5,
  lowCompletion: 3.5,
  genreExhaustion: 2.0,
  paymentFailure: 2.0,
  priceIncrease: 2.4,
  plan: [0.25, 0, -0.2],
  newSubscriber: 1.3,
  engagement: -1.1,
  frailtySd: 0.6,
  completionTarget: 0.7,
  recencyCapDays: 56,
  paymentFailureDecayDays: 10,
  priceIncreaseDecayDays: 21,
  newSubscriberDecayDays: 45,
  recommendedFinish: -0.5,
  recommendedFinishDecayDays: 21,
};

/** One hazard driver as recorded in `sim.worlds.params.hazard.drivers`. */
export interface HazardDriver {
  name: string;
  coefficient: number;
  observable: boolean;
  definition: string;
}

/** The drivers with their coefficients, for the world's params (what a model should rediscover). */
export function describeDrivers(p: HazardParams): HazardDriver[] {
  return [
    {
      name: 'weeks_since_last_view',
      coefficient: p.weeksSinceLastView,
      observable: true,
      definition: `min(days since the last viewing event (or signup/reactivation), ${p.recencyCapDays}) / 7`,
    },
    {
      name: 'watch_time_decline_14d',
      coefficient: p.watchTimeDecline,
      observable: true,
      definition:
        '(watch s in days -28..-15 - in days -14..-1) / (sum of both + 1800); 0 before 28 days of tenure',
    },
    {
      name: 'low_completion_14d',
      coefficient: p.lowCompletion,
      observable: true,
      definition: `max(0, ${p.completionTarget} - mean completion of views in the last 14 days); 0 without views`,
    },
    {
      name: 'genre_exhaustion',
      coefficient: p.genreExhaustion,
      observable: true,
      definition: "popularity-weighted share of the favourite genre's titles already watched",
    },
    {
      name: 'recent_payment_failure',
      coefficient: p.paymentFailure,
      observable: true,
      definition: `exp(-days since last PAYMENT_FAILED / ${p.paymentFailureDecayDays})`,
    },
    {
      name: 'recent_price_increase',
      coefficient: p.priceIncrease,
      observable: true,
      definition: `latent price_sensitivity * exp(-days since own PRICE_INCREASE / ${p.priceIncreaseDecayDays})`,
    },
    {
      name: 'plan_basic',
      coefficient: p.plan[0] - p.plan[1],
      observable: true,
      definition: 'plan = BASIC (relative to STANDARD)',
    },
    {
      name: 'plan_premium',
      coefficient: p.plan[2] - p.plan[1],
      observable: true,
      definition: 'plan = PREMIUM (relative to STANDARD)',
    },
    {
      name: 'new_subscriber',
      coefficient: p.newSubscriber,
      observable: true,
      definition: `exp(-tenure days / ${p.newSubscriberDecayDays})`,
    },
    {
      name: 'latent_engagement',
      coefficient: p.engagement,
      observable: false,
      definition: 'ln(latent engagement); sessions/day follow it, so watch time is a noisy proxy',
    },
    {
      name: 'frailty',
      coefficient: 1,
      observable: false,
      definition: `per-subscriber N(0, ${p.frailtySd}) offset, never observable`,
    },
  ];
}

const TABLE_DAYS = 4096;

/**
 * The hazard with its day-indexed transforms tabulated once, so the daily evaluation (run for
 * every active subscriber-day and every truth replay-day) is one log, one exp and table lookups.
 */
export class Hazard {
  private readonly recency = new Float64Array(TABLE_DAYS);
  private readonly payment = new Float64Array(TABLE_DAYS);
  private readonly price = new Float64Array(TABLE_DAYS);
  private readonly tenure = new Float64Array(TABLE_DAYS);
  private readonly recommendedFinish = new Float64Array(TABLE_DAYS);
  private readonly plan: Float64Array;
  // Scalars copied out of params: the hot loop reads fields, not a nested object.
  private readonly intercept: number;
  private readonly exhaustion: number;
  private readonly engagement: number;
  private readonly decline: number;
  private readonly lowCompletion: number;
  private readonly completionTarget: number;

  constructor(readonly params: HazardParams) {
    this.plan = Float64Array.from(params.plan);
    this.intercept = params.intercept;
    this.exhaustion = params.genreExhaustion;
    this.engagement = params.engagement;
    this.decline = params.watchTimeDecline;
    this.lowCompletion = params.lowCompletion;
    this.completionTarget = params.completionTarget;
    for (let d = 0; d < TABLE_DAYS; d++) {
      this.recency[d] = (params.weeksSinceLastView * Math.min(d, params.recencyCapDays)) / 7;
      this.payment[d] = params.paymentFailure * Math.exp(-d / params.paymentFailureDecayDays);
      this.price[d] = params.priceIncrease * Math.exp(-d / params.priceIncreaseDecayDays);
      this.tenure[d] = params.newSubscriber * Math.exp(-d / params.newSubscriberDecayDays);
      this.recommendedFinish[d] =
        params.recommendedFinish * Math.exp(-d / params.recommendedFinishDecayDays);
    }
  }

  /**
   * Probability that row `i` of `st` cancels during `day` (relative to start), from its state at
   * the start of that day (all history through day − 1). Range (0, 1).
   */
  daily(st: UserState, i: number, day: number, subs: Subscribers): number {
    const u = st.ref[i];
    const tenure = day - st.tenureStart[i];
    const since = day - Math.max(st.lastViewDay[i], st.tenureStart[i]);
    let x = this.intercept + this.plan[st.plan[i]] + subs.frailty[u];
    x += this.recency[lookup(since)];
    x += this.tenure[lookup(tenure)];
    x += this.payment[lookup(day - st.lastPaymentFailDay[i])];
    x += this.price[lookup(day - st.priceIncreaseDay[i])] * subs.priceSensitivity[u];
    x += this.exhaustion * st.exhaustion[i];
    x += this.engagement * Math.log(st.engagement[i]);
    x += this.recommendedFinish[lookup(day - st.recommendedFinishDay[i])];
    if (tenure >= TREND_DAYS) {
      const recent = st.recent14[i];
      const prev = st.prev14[i];
      x += (this.decline * (prev - recent)) / (prev + recent + 1800);
    }
    const views = st.views14[i];
    if (views > 0) {
      const mean = st.completion14[i] / (1000 * views);
      if (mean < this.completionTarget) x += this.lowCompletion * (this.completionTarget - mean);
    }
    return 1 / (1 + Math.exp(-x));
  }

  /**
   * The driver values of row `i` on `day`, in `describeDrivers` order, into `out` (length
   * DRIVER_COUNT), such that logit(daily) = intercept + Σ coefficient × value. Slower than
   * `daily`; used for the driver statistics at the truth snapshots.
   */
  values(st: UserState, i: number, day: number, subs: Subscribers, out: Float64Array): void {
    const p = this.params;
    const u = st.ref[i];
    const tenure = day - st.tenureStart[i];
    const since = day - Math.max(st.lastViewDay[i], st.tenureStart[i]);
    const views = st.views14[i];
    const mean = views > 0 ? st.completion14[i] / (1000 * views) : p.completionTarget;
    const recent = st.recent14[i];
    const prev = st.prev14[i];
    out[0] = Math.min(Math.max(since, 0), p.recencyCapDays) / 7;
    out[1] = tenure >= TREND_DAYS ? (prev - recent) / (prev + recent + 1800) : 0;
    out[2] = Math.max(0, p.completionTarget - mean);
    out[3] = st.exhaustion[i];
    out[4] = Math.exp(
      -Math.min(day - st.lastPaymentFailDay[i], TABLE_DAYS - 1) / p.paymentFailureDecayDays,
    );
    out[5] =
      subs.priceSensitivity[u] *
      Math.exp(-Math.min(day - st.priceIncreaseDay[i], TABLE_DAYS - 1) / p.priceIncreaseDecayDays);
    out[6] = st.plan[i] === 0 ? 1 : 0;
    out[7] = st.plan[i] === 2 ? 1 : 0;
    out[8] = Math.exp(-Math.min(Math.max(tenure, 0), TABLE_DAYS - 1) / p.newSubscriberDecayDays);
    out[9] = Math.log(st.engagement[i]);
    out[10] = subs.frailty[u];
  }
}

/** Number of drivers `describeDrivers` lists and `Hazard.values` fills. */
export const DRIVER_COUNT = 11;

/**
 * Mean and spread of each driver over the subscribers active at the truth snapshots, so the
 * drivers can be ranked by impact (|coefficient| × standard deviation), the scale a model's
 * feature importance is on, rather than by raw coefficients with incomparable units.
 */
export class DriverStatistics {
  private readonly sum = new Float64Array(DRIVER_COUNT);
  private readonly sumSq = new Float64Array(DRIVER_COUNT);
  private count = 0;

  add(values: Float64Array): void {
    for (let k = 0; k < DRIVER_COUNT; k++) {
      this.sum[k] += values[k];
      this.sumSq[k] += values[k] * values[k];
    }
    this.count++;
  }

  /** Drivers with mean, sd and impact, most impactful first (rank 1). */
  describe(
    p: HazardParams,
  ): (HazardDriver & { mean: number; sd: number; impact: number; rank: number })[] {
    const n = Math.max(this.count, 1);
    const rows = describeDrivers(p).map((d, k) => {
      const mean = this.sum[k] / n;
      const sd = Math.sqrt(Math.max(0, this.sumSq[k] / n - mean * mean));
      return {
        ...d,
        mean: Number(mean.toFixed(4)),
        sd: Number(sd.toFixed(4)),
        impact: Number((Math.abs(d.coefficient) * sd).toFixed(4)),
        rank: 0,
      };
    });
    [...rows].sort((a, b) => b.impact - a.impact).forEach((r, k) => (r.rank = k + 1));
    return rows;
  }
}

function lookup(days: number): number {
  return days < 0 ? 0 : days >= TABLE_DAYS ? TABLE_DAYS - 1 : days;
}
