import { buildCatalog, type Catalog } from './catalog';
import {
  DEFAULT_HAZARD,
  type DriverStatistics,
  Hazard,
  type HazardParams,
  describeDrivers,
} from './hazard';
import { Random, cumulative } from './random';
import { buildSubscribers, type Subscribers } from './subscribers';
import { GENRE_NAMES, PLANS, PLAN_FEES_CENTS, PRICE_STEP_CENTS } from './vocabulary';

const DAY_SECONDS = 86400;

/** What to generate. The world covers [end − days, end); every timestamp is < end. */
export interface WorldOptions {
  users: number;
  days: number;
  seed: number;
  /** World end, exclusive. Default: today 00:00 UTC. */
  end?: Date;
  /** Catalog size. Default: clamp(users / 5, 1000, 10000), see `defaultTitles`. */
  titles?: number;
  /** Truth horizon in days. Default 30. */
  horizonDays?: number;
  /** Days between truth snapshots. Default 15. */
  snapshotEveryDays?: number;
  /** Monte Carlo replays per (subscriber, snapshot) for the truth. Default 16. */
  truthReplays?: number;
  /** Override hazard coefficients (tuning, experiments). */
  hazard?: Partial<HazardParams>;
}

/** How subscribers behave day to day (not the hazard): recorded in params for reproducibility. */
export interface BehaviourParams {
  /** Sittings per day at engagement 1 (Poisson mean). */
  sessionRate: number;
  /** Multiplier on Saturdays and Sundays. */
  weekendBoost: number;
  /** Probability a new-title draw ignores taste (home page, trending). */
  exploreShare: number;
  /** Probability a sitting resumes the series in progress. */
  continueSeries: number;
  /** Extra draws in the chosen genre when the first hits an already watched title. */
  retries: number;
  /** When every retry hits watched titles: probability of rewatching rather than exploring. */
  rewatchShare: number;
  /** Extra episodes per sitting ~ Poisson(bingeBase + bingeEngagement × max(0, E − 0.7) × affinity). */
  bingeBase: number;
  bingeEngagement: number;
  /** logit P(finish) = intercept + affinity·a + quality·(q − 0.5) + engagement·ln E − rewatch. */
  completion: {
    intercept: number;
    affinity: number;
    quality: number;
    engagement: number;
    rewatch: number;
  };
  /** Engagement change per view: learning × (completion − pivot). */
  engagementLearning: number;
  engagementPivot: number;
  /** Daily pull back to the subscriber's base engagement, and uniform daily noise width. */
  engagementReversion: number;
  engagementNoise: number;
  /**
   * Drifting away: a latent two-state process. Daily P(start drifting) and P(recover); while
   * drifting, engagement is pulled at `driftReversion` per day toward driftLevel × base.
   */
  driftDaily: number;
  recoverDaily: number;
  driftLevel: number;
  driftReversion: number;
  /** P(payment fails) per billing cycle at engagement 1; × exp(−slope × (E − 1)). */
  paymentFailure: number;
  paymentFailureEngagementSlope: number;
  /** Engagement lost on a failed payment, and per unit price sensitivity on a price increase. */
  paymentFailureHit: number;
  priceIncreaseHit: number;
  /** Daily probability of a plan change, and of a cancelled subscriber coming back. */
  planChangeDaily: number;
  reactivationDaily: number;
  /** Base probability that a view is rated. */
  ratingShare: number;
}

export const DEFAULT_BEHAVIOUR: BehaviourParams = {
  sessionRate: 0.55,
  weekendBoost: 1.35,
  exploreShare: 0.15,
  continueSeries: 0.6,
  retries: 2,
  rewatchShare: 0.35,
  bingeBase: 0.35,
  bingeEngagement: 1.3,
  completion: { intercept: -1.1, affinity: 2.8, quality: 2.2, engagement: 0.5, rewatch: 1.0 },
  engagementLearning: 0.02,
  engagementPivot: 0.55,
  engagementReversion: 0.02,
  engagementNoise: 0.04,
  driftDaily: 0.005,
  recoverDaily: 0.03,
  driftLevel: 0.1,
  driftReversion: 0.08,
  paymentFailure: 0.035,
  paymentFailureEngagementSlope: 0.6,
  paymentFailureHit: 0.05,
  priceIncreaseHit: 0.12,
  planChangeDaily: 0.0008,
  reactivationDaily: 0.0003,
  ratingShare: 0.07,
};

/** The price increase wave: one plan's list price rises on `day`; each subscriber pays it from their next billing day. */
export interface PriceWave {
  plan: number;
  day: number;
  stepCents: number;
}

/** Options with every default filled in. */
export type ResolvedWorldOptions = Required<Omit<WorldOptions, 'hazard'>>;

/** Everything fixed about a world before the first day passes. */
export interface World {
  options: ResolvedWorldOptions;
  /** Epoch seconds of the window start (end − days). */
  startSec: number;
  /** Day of week of day 0 (0 = Sunday). */
  startWeekday: number;
  catalog: Catalog;
  subs: Subscribers;
  hazard: Hazard;
  behaviour: BehaviourParams;
  priceWave: PriceWave;
  /** Days (relative to start) at whose 00:00 the truth is taken. */
  snapshotDays: number[];
  /** Cumulative hour-of-day weights for when sittings start. Shape: [24] */
  hourCdf: Float64Array;
}

/** Hour-of-day viewing profile: quiet nights, a lunchtime bump, the evening peak at 20–22 h. */
const HOUR_WEIGHTS = [
  2, 1, 0.5, 0.3, 0.2, 0.3, 0.6, 1, 1.2, 1.3, 1.4, 1.5, 1.8, 1.8, 1.7, 1.8, 2.2, 3, 4.5, 6, 7.5,
  7.5, 6, 3.8,
];

/** Today 00:00 UTC: the default world end, so no event lies in the future. */
export function todayUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * Default catalog size: clamp(users / 5, 1000, 10000). The floor is 1000 rather than a few hundred
 * because genre exhaustion depends on how many titles a genre holds: with 300–400 titles small
 * worlds exhausted their favourite genres faster and churned ~1.5× more than the default world,
 * so tests on small worlds would not see the same dynamics as `npm start`.
 */
export function defaultTitles(users: number): number {
  return Math.round(Math.min(10000, Math.max(1000, users / 5)));
}

/** Fill defaults and validate; throws on nonsense so a bad flag fails before any work. */
export function resolveOptions(options: WorldOptions): ResolvedWorldOptions {
  const end = options.end ?? todayUtc();
  const resolved: ResolvedWorldOptions = {
    users: options.users,
    days: options.days,
    seed: options.seed,
    end: new Date(Math.floor(end.getTime() / 1000) * 1000),
    titles: options.titles ?? defaultTitles(options.users),
    horizonDays: options.horizonDays ?? 30,
    snapshotEveryDays: options.snapshotEveryDays ?? 15,
    truthReplays: options.truthReplays ?? 16,
  };
  const ints: (keyof ResolvedWorldOptions)[] = [
    'users',
    'days',
    'titles',
    'horizonDays',
    'snapshotEveryDays',
    'truthReplays',
  ];
  for (const key of ints) {
    const v = resolved[key] as number;
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`World option ${key} must be a positive integer, got ${v}`);
  }
  // sim.worlds.seed is a 32-bit integer column.
  if (!Number.isInteger(resolved.seed) || resolved.seed < -(2 ** 31) || resolved.seed >= 2 ** 31) {
    throw new Error(`World seed must be a 32-bit integer, got ${resolved.seed}`);
  }
  if (Number.isNaN(resolved.end.getTime())) throw new Error('World end must be a valid date');
  if (resolved.titles > 32767) throw new Error('At most 32767 titles');
  return resolved;
}

/**
 * Build the fixed part of a world (catalog, subscribers, schedule) from the main random stream.
 * Deterministic: the same options give the same world.
 */
export function buildWorld(options: WorldOptions, rng: Random): World {
  const o = resolveOptions(options);
  const hazardParams: HazardParams = { ...DEFAULT_HAZARD, ...options.hazard };
  const startSec = o.end.getTime() / 1000 - o.days * DAY_SECONDS;
  const endYear = new Date((startSec + o.days * DAY_SECONDS - 1) * 1000).getUTCFullYear();
  const catalog = buildCatalog(rng, o.titles, endYear);
  const subs = buildSubscribers(rng, o.users, o.days, hazardParams.frailtySd);
  const plan = rng.pickWeighted([0, 1, 2], [0.3, 0.5, 0.2]);
  const priceWave: PriceWave = {
    plan,
    day: Math.floor(o.days * rng.uniform(0.35, 0.6)),
    stepCents: PRICE_STEP_CENTS[plan],
  };
  const snapshotDays: number[] = [];
  for (let s = o.horizonDays; s <= o.days - o.horizonDays; s += o.snapshotEveryDays)
    snapshotDays.push(s);
  return {
    options: o,
    startSec,
    startWeekday: (Math.floor(startSec / DAY_SECONDS) + 4) % 7,
    catalog,
    subs,
    hazard: new Hazard(hazardParams),
    behaviour: DEFAULT_BEHAVIOUR,
    priceWave,
    snapshotDays,
    hourCdf: cumulative(HOUR_WEIGHTS),
  };
}

/** List price in cents of `plan` on `day`, after the price wave if it has happened. */
export function listFeeCents(world: World, plan: number, day: number): number {
  const w = world.priceWave;
  return PLAN_FEES_CENTS[plan] + (plan === w.plan && day >= w.day ? w.stepCents : 0);
}

/**
 * The generator parameters as stored in `sim.worlds.params`, including the true hazard drivers;
 * with `drivers` (statistics from a finished simulation) each driver also carries its mean, sd,
 * impact = |coefficient| × sd and rank by impact.
 */
export function describeWorld(world: World, drivers?: DriverStatistics): Record<string, unknown> {
  const o = world.options;
  return {
    generator: 'churn-predictor synthetic world v1',
    seed: o.seed,
    titles: o.titles,
    snapshotEveryDays: o.snapshotEveryDays,
    snapshotDays: world.snapshotDays,
    genres: GENRE_NAMES,
    plans: PLANS.map((name, i) => ({ name, feeCents: PLAN_FEES_CENTS[i] })),
    priceWave: {
      plan: PLANS[world.priceWave.plan],
      day: world.priceWave.day,
      at: new Date((world.startSec + world.priceWave.day * DAY_SECONDS) * 1000).toISOString(),
      stepCents: world.priceWave.stepCents,
    },
    behaviour: world.behaviour,
    hazard: {
      form: 'daily P(cancel) = sigmoid(intercept + Σ coefficient × driver + plan offset + frailty)',
      params: world.hazard.params,
      drivers: drivers
        ? drivers.describe(world.hazard.params)
        : describeDrivers(world.hazard.params),
    },
    truth: {
      horizonDays: o.horizonDays,
      replays: o.truthReplays,
      estimator:
        'Rao-Blackwellised Monte Carlo: mean over replays of 1 − Π(1 − daily hazard) along each replayed path',
    },
  };
}
