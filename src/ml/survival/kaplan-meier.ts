/**
 * The Kaplan–Meier estimator of S(t) = P(T > t), with delayed entry (left truncation), Greenwood
 * standard errors and log-log confidence intervals.
 *
 * Ties follow the usual convention: at a time t, events happen before censorings, so a subject
 * censored at t is still at risk at t. With delayed entry a subject observed from `entry` is at risk
 * at t only when entry < t ≤ time: subscribers who joined before the data began are counted only
 * from the tenure at which they were first seen, which removes the survivor bias of counting their
 * early, unobserved months as survived.
 */
import { validateOutcomes, type SurvivalOutcomes } from './follow-up';

export interface KaplanMeierInput extends SurvivalOutcomes {
  /** Time each subject entered observation (delayed entry); default 0. Shape: [n], entry < time. */
  entry?: ArrayLike<number>;
}

/** The estimate at one event time. */
export interface KaplanMeierStep {
  time: number;
  /** Subjects at risk just before `time`. */
  atRisk: number;
  events: number;
  /** Subjects censored at `time` (still counted at risk at `time`). */
  censored: number;
  /** S(time), after this step's events. */
  survival: number;
  /** Greenwood standard error of S(time). */
  stdError: number;
  /** Pointwise confidence interval (log-log transform), within [0, 1]. */
  lower: number;
  upper: number;
}

export interface KaplanMeierFit {
  /** One step per distinct event time, in increasing time. */
  steps: KaplanMeierStep[];
  subjects: number;
  events: number;
  /** Largest time observed (event or censoring): S is not estimated beyond it. */
  lastTime: number;
}

const Z_95 = 1.959963984540054;

/** Fits the estimator. Times may be real numbers; events are 0/1. */
export function kaplanMeier(input: KaplanMeierInput, z = Z_95): KaplanMeierFit {
  const n = validateOutcomes(input);
  const entry = input.entry;
  if (entry !== undefined && entry.length !== n) {
    throw new Error(`entry has ${entry.length} entries, expected ${n}`);
  }
  const entries: number[] = [];
  const exits: number[] = [];
  const eventTimes = new Map<number, { events: number; censored: number }>();
  let events = 0;
  let lastTime = 0;
  for (let i = 0; i < n; i++) {
    const t = input.time[i];
    const start = entry === undefined ? 0 : entry[i];
    if (!(start < t)) continue; // never at risk
    entries.push(start);
    exits.push(t);
    lastTime = Math.max(lastTime, t);
    const cell = eventTimes.get(t) ?? { events: 0, censored: 0 };
    if (input.event[i] === 1) {
      cell.events++;
      events++;
    } else cell.censored++;
    eventTimes.set(t, cell);
  }
  entries.sort((a, b) => a - b);
  exits.sort((a, b) => a - b);
  const times = [...eventTimes.entries()]
    .filter(([, c]) => c.events > 0)
    .map(([t]) => t)
    .sort((a, b) => a - b);
  const steps: KaplanMeierStep[] = [];
  let survival = 1;
  let greenwood = 0; // Σ d / (n (n − d))
  for (const t of times) {
    // At risk at t: entered strictly before t and not yet exited before t.
    const atRisk = countBelow(entries, t) - countBelow(exits, t);
    const { events: d, censored } = eventTimes.get(t)!;
    if (atRisk <= 0) continue;
    survival *= 1 - d / atRisk;
    greenwood += atRisk > d ? d / (atRisk * (atRisk - d)) : 0;
    const [lower, upper] = logLogInterval(survival, greenwood, z);
    steps.push({
      time: t,
      atRisk,
      events: d,
      censored,
      survival,
      stdError: survival * Math.sqrt(greenwood),
      lower,
      upper,
    });
  }
  return { steps, subjects: entries.length, events, lastTime };
}

/** S(t) from a fit: 1 before the first event time, the last step's value after it. */
export function survivalAt(fit: KaplanMeierFit, t: number): number {
  let lo = 0;
  let hi = fit.steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fit.steps[mid].time <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 1 : fit.steps[lo - 1].survival;
}

/** The smallest event time with S ≤ 0.5, or null when S stays above one half. */
export function kaplanMeierMedian(fit: KaplanMeierFit): number | null {
  return fit.steps.find((s) => s.survival <= 0.5)?.time ?? null;
}

/**
 * The fit as a daily curve S(1 … days). Beyond the last observed time the curve goes on with the
 * mean daily hazard of its last `tailDays` observed days held constant (flat when that is 0), so a
 * baseline can be compared with model curves over the same span.
 */
export function kaplanMeierCurve(fit: KaplanMeierFit, days: number, tailDays = 28): Float64Array {
  const curve = new Float64Array(days);
  const last = Math.floor(fit.lastTime);
  for (let t = 1; t <= Math.min(days, last); t++) curve[t - 1] = survivalAt(fit, t);
  if (days > last) {
    const from = Math.max(0, last - tailDays);
    const sLast = survivalAt(fit, last);
    const sFrom = survivalAt(fit, from);
    const hazard = last > from && sFrom > 0 ? 1 - (sLast / sFrom) ** (1 / (last - from)) : 0;
    for (let t = Math.max(last, 0) + 1; t <= days; t++) {
      curve[t - 1] = sLast * (1 - hazard) ** (t - last);
    }
  }
  return curve;
}

function countBelow(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Pointwise interval for S from Greenwood's sum, on the log(−log S) scale (stays within [0, 1]). */
function logLogInterval(survival: number, greenwood: number, z: number): [number, number] {
  if (survival <= 0) return [0, 0];
  if (survival >= 1) return [1, 1];
  const logS = Math.log(survival);
  const se = Math.sqrt(greenwood) / Math.abs(logS);
  const centre = Math.log(-logS);
  return [Math.exp(-Math.exp(centre + z * se)), Math.exp(-Math.exp(centre - z * se))];
}
