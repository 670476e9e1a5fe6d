/**
 * Person-period data for a discrete-time hazard model: each subject's follow-up cut into periods
 * of whole days, one row per (subject, period) it was at risk in, with the days it was exposed and
 * whether the event closed the period. Within a period the daily hazard is one number, so a row
 * stands for `exposure` Bernoulli days of which at most the last is an event: the likelihood is
 * h^event · (1 − h)^(exposure − event), the same as one row per day, with far fewer rows.
 */
import { validateOutcomes, type SurvivalOutcomes } from './follow-up';

/**
 * Period boundaries in days, [0, p, 2p, …] up to the first boundary ≥ horizonDays: period k covers
 * days bounds[k] + 1 … bounds[k + 1].
 */
export function periodBounds(horizonDays: number, periodDays: number): number[] {
  if (!Number.isInteger(horizonDays) || horizonDays < 1) {
    throw new Error(`horizonDays must be a positive integer, got ${horizonDays}`);
  }
  if (!Number.isInteger(periodDays) || periodDays < 1) {
    throw new Error(`periodDays must be a positive integer, got ${periodDays}`);
  }
  const bounds = [0];
  while (bounds[bounds.length - 1] < horizonDays)
    bounds.push(bounds[bounds.length - 1] + periodDays);
  return bounds;
}

/** Middle of each period in days (e.g. 3.5 for days 1…7). Shape: [bounds.length − 1]. */
export function periodMidpoints(bounds: readonly number[]): number[] {
  return bounds.slice(1).map((end, k) => (bounds[k] + end) / 2);
}

/** Period index of day t (1-based), or −1 beyond the last period. */
export function periodOfDay(bounds: readonly number[], day: number): number {
  for (let k = 0; k + 1 < bounds.length; k++) if (day <= bounds[k + 1]) return k;
  return -1;
}

/** Rows of person-period data, column-wise. Every array has one entry per row. */
export interface PersonPeriods {
  /** Index of the subject the row belongs to. */
  subject: Int32Array;
  /** Period index into the bounds. */
  period: Int32Array;
  /** Days at risk in the period (1 … period length). */
  exposure: Float64Array;
  /** 1 when the event happened on the last exposed day of the period. */
  event: Uint8Array;
}

/**
 * Expands subjects' follow-up into person-period rows over `bounds`. A subject contributes the
 * periods it was at risk in, up to its own `time`, and nothing beyond it: a row never reaches past
 * the day the subject was last observed, and the event flag is set only on the row that holds the
 * event day. Follow-up beyond the last boundary is cut there (censored at the end of the grid).
 */
export function personPeriods(
  outcomes: SurvivalOutcomes,
  bounds: readonly number[],
): PersonPeriods {
  const n = validateOutcomes(outcomes);
  const end = bounds[bounds.length - 1];
  let rows = 0;
  for (let i = 0; i < n; i++) {
    const last = Math.min(outcomes.time[i], end);
    if (last > 0) rows += periodOfDay(bounds, last) + 1;
  }
  const out: PersonPeriods = {
    subject: new Int32Array(rows),
    period: new Int32Array(rows),
    exposure: new Float64Array(rows),
    event: new Uint8Array(rows),
  };
  let r = 0;
  for (let i = 0; i < n; i++) {
    const time = outcomes.time[i];
    const last = Math.min(time, end);
    for (let k = 0; k + 1 < bounds.length && bounds[k] < last; k++) {
      out.subject[r] = i;
      out.period[r] = k;
      out.exposure[r] = Math.min(last, bounds[k + 1]) - bounds[k];
      out.event[r] = outcomes.event[i] === 1 && time <= bounds[k + 1] && time <= end ? 1 : 0;
      r++;
    }
  }
  return out;
}
