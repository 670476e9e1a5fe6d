import {
  AGE_BANDS,
  AGE_MIX,
  AGE_TASTE_TILT,
  COUNTRIES,
  COUNTRY_MIX,
  DEVICES,
  DEVICE_MIX,
  GENRES,
  PLAN_MIX,
} from './vocabulary';
import { Random, clamp, cumulative, round } from './random';

/** Share of subscribers who joined before the window opens (their signup_at precedes start). */
const PRE_WINDOW_SHARE = 0.55;
/** Pre-window tenure is log-uniform between these bounds, in days. */
const PRE_TENURE_DAYS: [number, number] = [14, 1460];
/** Dirichlet concentration of taste: small, so each subscriber cares about a few genres. */
const TASTE_CONCENTRATION = 2.5;
/**
 * Base engagement: ageFactor[age band] × exp(sd × N(0, 1) + shift), clamped to [min, max]. 25–44 watch
 * most; everyone varies a lot (lognormal). Exported so a filter of the latent state can use the prior.
 */
export const BASE_ENGAGEMENT = {
  ageFactor: [1.0, 1.1, 1.05, 0.95, 0.9, 0.85],
  sd: 0.55,
  shift: -0.1,
  min: 0.15,
  max: 3,
} as const;
/** Countries where price matters more (lower purchasing power relative to the fee). */
const PRICE_SENSITIVE_COUNTRIES = new Set(['BR', 'MX', 'IN', 'ES', 'IT']);

/**
 * Who subscribes: fixed attributes and the latent traits they start with (index = user id − 1).
 * Mutable behaviour (engagement today, plan, history) lives in `UserState`.
 */
export interface Subscribers {
  count: number;
  /** Day of signup relative to the world start (negative = before the window). Shape: [count] */
  signupDay: Int32Array;
  /** Second of that day at which they signed up, 0..86399. Shape: [count] */
  signupSecond: Int32Array;
  /** Index into COUNTRIES. Shape: [count] */
  country: Uint8Array;
  /** Index into AGE_BANDS. Shape: [count] */
  ageBand: Uint8Array;
  /** Index into PLANS chosen at signup. Shape: [count] */
  plan: Uint8Array;
  /** Cumulative device weights over DEVICES (0 weight = device not owned). Shape: [count × 4] */
  deviceCdf: Float64Array;
  /** Latent taste over GENRES, sums to 1. Shape: [count × genres] */
  taste: Float64Array;
  /** Cumulative taste, for drawing a genre. Shape: [count × genres] */
  tasteCdf: Float64Array;
  /** max(taste) per subscriber, to scale affinity into [0, 1]. Shape: [count] */
  maxTaste: Float64Array;
  /** argmax(taste): the genre whose exhaustion hurts. Shape: [count] */
  favGenre: Uint8Array;
  /** Engagement the subscriber drifts back to (sessions/day scale, ~1 = typical). Shape: [count] */
  baseEngagement: Float64Array;
  /** Latent price sensitivity in [0, 1]. Shape: [count] */
  priceSensitivity: Float64Array;
  /** Unobserved log-hazard offset (frailty). Shape: [count] */
  frailty: Float64Array;
}

/**
 * Draw `count` subscribers for a window of `days` days. `frailtySd` is the standard deviation of
 * the unobserved frailty term (a hazard parameter, passed in so params stay in one place).
 */
export function buildSubscribers(
  rng: Random,
  count: number,
  days: number,
  frailtySd: number,
): Subscribers {
  const G = GENRES.length;
  const s: Subscribers = {
    count,
    signupDay: new Int32Array(count),
    signupSecond: new Int32Array(count),
    country: new Uint8Array(count),
    ageBand: new Uint8Array(count),
    plan: new Uint8Array(count),
    deviceCdf: new Float64Array(count * DEVICES.length),
    taste: new Float64Array(count * G),
    tasteCdf: new Float64Array(count * G),
    maxTaste: new Float64Array(count),
    favGenre: new Uint8Array(count),
    baseEngagement: new Float64Array(count),
    priceSensitivity: new Float64Array(count),
    frailty: new Float64Array(count),
  };
  const countryIdx = COUNTRIES.map((_, i) => i);
  const ageIdx = AGE_BANDS.map((_, i) => i);
  const planIdx = PLAN_MIX.map((_, i) => i);
  const priors = AGE_BANDS.map((_, a) =>
    GENRES.map((g) => g.appeal * (AGE_TASTE_TILT[a][g.name] ?? 1)),
  );
  const weights = new Float64Array(G);
  const [lo, hi] = PRE_TENURE_DAYS;

  for (let u = 0; u < count; u++) {
    if (rng.chance(PRE_WINDOW_SHARE)) {
      s.signupDay[u] = -Math.ceil(Math.exp(Math.log(lo) + rng.next() * Math.log(hi / lo)));
    } else {
      // Mild growth: a few more signups late in the window than early.
      s.signupDay[u] = Math.min(days - 1, Math.floor(days * Math.pow(rng.next(), 0.85)));
    }
    s.signupSecond[u] = rng.int(86400);
    const country = rng.pickWeighted(countryIdx, COUNTRY_MIX);
    const age = rng.pickWeighted(ageIdx, AGE_MIX);
    const plan = rng.pickWeighted(planIdx, PLAN_MIX);
    s.country[u] = country;
    s.ageBand[u] = age;
    s.plan[u] = plan;

    drawDevices(rng, age, s.deviceCdf, u);

    // Dirichlet(concentration × age prior) via normalised gammas: mass on a few genres.
    const prior = priors[age];
    let priorSum = 0;
    for (let g = 0; g < G; g++) priorSum += prior[g];
    let total = 0;
    for (let g = 0; g < G; g++) {
      weights[g] = rng.gamma((TASTE_CONCENTRATION * prior[g]) / priorSum) + 1e-6;
      total += weights[g];
    }
    let best = 0;
    for (let g = 0; g < G; g++) {
      const v = round(weights[g] / total, 4);
      s.taste[u * G + g] = v;
      if (v > s.taste[u * G + best]) best = g;
    }
    cumulative(s.taste.subarray(u * G, u * G + G), s.tasteCdf.subarray(u * G, u * G + G));
    s.favGenre[u] = best;
    s.maxTaste[u] = s.taste[u * G + best];

    const be = BASE_ENGAGEMENT;
    const drawn = be.ageFactor[age] * Math.exp(be.sd * rng.normal() + be.shift);
    s.baseEngagement[u] = round(clamp(drawn, be.min, be.max), 4);
    let ps = rng.beta(2, 3);
    if (plan === 0) ps += 0.15;
    if (plan === 2) ps -= 0.1;
    if (age === 0) ps += 0.1;
    if (PRICE_SENSITIVE_COUNTRIES.has(COUNTRIES[country])) ps += 0.1;
    s.priceSensitivity[u] = round(clamp(ps, 0, 1), 4);
    s.frailty[u] = frailtySd * rng.normal();
  }
  return s;
}

/** 1–3 distinct devices; the first owned gets most sessions. Young subscribers lean to mobile. */
function drawDevices(rng: Random, age: number, cdf: Float64Array, u: number): void {
  const D = DEVICES.length;
  const mix = DEVICE_MIX.slice();
  if (age <= 1) mix[1] *= 1.8;
  const owned = 1 + (rng.chance(0.55) ? 1 : 0) + (rng.chance(0.2) ? 1 : 0);
  const share = [0.62, 0.28, 0.1];
  const weights = new Float64Array(D);
  const idx = DEVICES.map((_, i) => i);
  for (let k = 0; k < owned; k++) {
    const d = rng.pickWeighted(idx, mix);
    weights[d] += share[k];
    mix[d] = 0; // distinct devices
  }
  cumulative(weights, cdf.subarray(u * D, u * D + D));
}
