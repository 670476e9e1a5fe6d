/**
 * A known survival problem for tests and benchmarks: subscribers with a signal feature, a noise
 * feature, a tenure clock and a plan, a true daily hazard
 *   logit h_i(t) = −5.2 + 0.9·signal + plan offset + 1.2 · 30 / (30 + tenure + t)
 * (new subscribers leave more, and less so as they age), event days drawn from it, and follow-up
 * cut at each subject's own cutoff. The true curves come with the data.
 */
import type { FeatureMatrix } from '../data/dataset';
import { createRng } from '../random';
import type { SurvivalOutcomes } from './follow-up';

const PLANS = ['BASIC', 'STANDARD', 'PREMIUM'];
const PLAN_OFFSET = [0.35, 0, -0.3];

export interface SyntheticSurvival {
  features: FeatureMatrix;
  outcomes: SurvivalOutcomes;
  /** Plan of each subject (also the categorical feature). */
  plans: string[];
  /** True S(1 … days) per subject. Shape: [n][days]. */
  truth: Float64Array[];
}

/**
 * n subjects; follow-up of subject i is cut at cutoffs[i % cutoffs.length] days; true curves are
 * `days` long. Deterministic for a seed.
 */
export function syntheticSurvival(
  n: number,
  seed: number,
  options: { cutoffs?: number[]; days?: number } = {},
): SyntheticSurvival {
  const { cutoffs = [30, 45, 60, 75], days = 180 } = options;
  const rng = createRng(seed);
  const numeric: number[][] = [];
  const categorical: string[][] = [];
  const plans: string[] = [];
  const time: number[] = [];
  const event: number[] = [];
  const truth: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const signal = rng.normal();
    const noise = rng.normal();
    const tenure = Math.floor(Math.exp(rng.next() * Math.log(1500)));
    const plan = rng.int(3);
    numeric.push([signal, noise, tenure]);
    categorical.push([PLANS[plan]]);
    plans.push(PLANS[plan]);
    const curve = new Float64Array(days);
    let s = 1;
    let eventDay = 0;
    const horizon = Math.max(days, ...cutoffs);
    for (let t = 1; t <= horizon; t++) {
      const z = -5.2 + 0.9 * signal + PLAN_OFFSET[plan] + (1.2 * 30) / (30 + tenure + t);
      const h = 1 / (1 + Math.exp(-z));
      if (eventDay === 0 && rng.next() < h) eventDay = t;
      s *= 1 - h;
      if (t <= days) curve[t - 1] = s;
    }
    const cutoff = cutoffs[i % cutoffs.length];
    if (eventDay > 0 && eventDay <= cutoff) {
      time.push(eventDay);
      event.push(1);
    } else {
      time.push(cutoff);
      event.push(0);
    }
    truth.push(curve);
  }
  return {
    features: {
      numeric,
      numericNames: ['signal', 'noise', 'tenure_days'],
      categorical,
      categoricalNames: ['plan'],
    },
    outcomes: { time, event },
    plans,
    truth,
  };
}
