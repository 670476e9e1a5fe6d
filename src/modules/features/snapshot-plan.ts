import { createHash } from 'node:crypto';

/**
 * The time split. Labels are "cancelled within (T, T + horizon]" for subscribers active at T, so a
 * snapshot is usable only when T + horizon lies inside the data. Validation is the latest usable
 * snapshot, T_val = end − horizon; training snapshots are earlier, T_val − horizon, − 15 d, − 30 d…, so
 * every training label window (T, T + horizon] ends at or before T_val: no training label overlaps
 * the validation period, and no feature ever reads an event at or after its own snapshot.
 */
import { DAY } from '../../common/dates';

export { DAY, dataEnd } from '../../common/dates';

export interface SnapshotPlan {
  end: Date;
  horizonDays: number;
  validation: Date;
  train: Date[];
}

export interface PlanOptions {
  horizonDays: number;
  /** Days of history a snapshot needs before it (the longest feature window). */
  minHistoryDays: number;
  /** How many training snapshots at most, 15 days apart. */
  maxTrainSnapshots: number;
}

export const DEFAULT_PLAN: PlanOptions = {
  horizonDays: 30,
  minHistoryDays: 35,
  maxTrainSnapshots: 4,
};

/** Snapshots for data covering [start, end); end is exclusive and day-aligned. */
export function planSnapshots(
  start: Date,
  end: Date,
  options: PlanOptions = DEFAULT_PLAN,
): SnapshotPlan | null {
  const validation = new Date(end.getTime() - options.horizonDays * DAY);
  const earliest = start.getTime() + options.minHistoryDays * DAY;
  const train: Date[] = [];
  for (let k = 0; k < options.maxTrainSnapshots; k++) {
    const t = validation.getTime() - options.horizonDays * DAY - k * 15 * DAY;
    if (t < earliest) break;
    train.push(new Date(t));
  }
  if (train.length === 0) return null;
  return { end, horizonDays: options.horizonDays, validation, train };
}

/** True when no training label window reaches past the validation snapshot. */
export function isLeakFree(plan: SnapshotPlan): boolean {
  return plan.train.every((t) => t.getTime() + plan.horizonDays * DAY <= plan.validation.getTime());
}

/** 0 or 1, stable per user id: which half of the validation snapshot a subscriber falls in. */
export function userHalf(userId: string): 0 | 1 {
  return (createHash('sha1').update(userId).digest()[0] & 1) as 0 | 1;
}
