/**
 * Time-to-event data on a daily grid. A subject enters at a snapshot T; day t of its follow-up is
 * the interval (T + (t − 1) days, T + t days]. `time` is the last day observed: the day of the event
 * when `event` is 1, else the last whole day the subject was seen still at risk (censored).
 */

export const DAY_MS = 86_400_000;

/** One subject's follow-up: the last day observed, and whether it ended with the event. */
export interface FollowUp {
  /** Days, ≥ 0 (0: censored at once, never observed at risk). */
  time: number;
  event: 0 | 1;
}

/** Follow-up of many subjects, column-wise. Shapes: time [n], event [n]. */
export interface SurvivalOutcomes {
  time: ArrayLike<number>;
  event: ArrayLike<number>;
}

/**
 * Follow-up from a snapshot at `snapshotMs` (epoch ms) to the first event at `eventMs` (null: none
 * seen), observed up to `cutoffMs` inclusive. An event after the cutoff is not seen: the subject is
 * censored at the cutoff, so nothing after it can leak into a training set cut there. Throws when
 * the event is not after the snapshot (the subject was not at risk) or the cutoff precedes it.
 */
export function followUp(snapshotMs: number, eventMs: number | null, cutoffMs: number): FollowUp {
  if (!(cutoffMs >= snapshotMs)) {
    throw new Error(`the cutoff ${cutoffMs} precedes the snapshot ${snapshotMs}`);
  }
  if (eventMs !== null && !(eventMs > snapshotMs)) {
    throw new Error(`an event at ${eventMs} is not after the snapshot ${snapshotMs}`);
  }
  if (eventMs !== null && eventMs <= cutoffMs) {
    return { time: Math.ceil((eventMs - snapshotMs) / DAY_MS), event: 1 };
  }
  return { time: Math.floor((cutoffMs - snapshotMs) / DAY_MS), event: 0 };
}

/** Throws unless outcomes have equal lengths, non-negative times and 0/1 events. Returns n. */
export function validateOutcomes(outcomes: SurvivalOutcomes): number {
  const n = outcomes.time.length;
  if (outcomes.event.length !== n) {
    throw new Error(`time has ${n} entries and event ${outcomes.event.length}`);
  }
  for (let i = 0; i < n; i++) {
    const t = outcomes.time[i];
    const e = outcomes.event[i];
    if (!(t >= 0) || !Number.isFinite(t)) throw new Error(`time[${i}] = ${t} is not a day ≥ 0`);
    if (e !== 0 && e !== 1) throw new Error(`event[${i}] = ${e} is not 0 or 1`);
    if (e === 1 && t < 1) throw new Error(`event[${i}] happens on day ${t}: events start on day 1`);
  }
  return n;
}
