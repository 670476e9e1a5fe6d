/**
 * The validation split of `churn train-recs`: each user's latest interactions held out, the way
 * the next weeks will test the model. Users with at least `minHistory` distinct titles lose their
 * latest `fraction` (at least one); the others stay whole in train. At most `maxUsers` users are
 * held out (a seeded sample), which bounds the cost of validating on big worlds.
 */
import { createRng, shuffleInPlace } from '../random';
import {
  dedupeInteractions,
  indexByUser,
  selectInteractions,
  type Interactions,
} from './interactions';

export interface LatestHoldoutOptions {
  fraction: number;
  minHistory: number;
  maxUsers: number;
  seed: number;
}

export const LATEST_HOLDOUT_DEFAULTS: LatestHoldoutOptions = {
  fraction: 0.2,
  minHistory: 5,
  maxUsers: 1500,
  seed: 0,
};

export interface LatestHoldout {
  /** Every row but the held-out pairs (deduplicated). */
  train: Interactions;
  /** Held-out users, ascending. */
  users: Int32Array;
  /** Held-out items per held-out user (same order as `users`). */
  heldOut: Set<number>[];
}

export function latestHoldout(
  x: Interactions,
  options: Partial<LatestHoldoutOptions> = {},
): LatestHoldout {
  const o = { ...LATEST_HOLDOUT_DEFAULTS, ...options };
  const data = dedupeInteractions(x);
  const index = indexByUser(data);
  const eligible: number[] = [];
  for (let u = 0; u < data.userCount; u++) {
    if (index.offsets[u + 1] - index.offsets[u] >= Math.max(2, o.minHistory)) eligible.push(u);
  }
  shuffleInPlace(eligible, createRng(o.seed));
  const chosen = eligible.slice(0, o.maxUsers).sort((a, b) => a - b);
  const held = new Set<number>();
  const heldOut: Set<number>[] = [];
  for (const u of chosen) {
    const rows = index.rows.subarray(index.offsets[u], index.offsets[u + 1]);
    const n = Math.min(rows.length - 1, Math.max(1, Math.round(o.fraction * rows.length)));
    // Rows are oldest first: the last n are the latest.
    const items = new Set<number>();
    for (const r of rows.subarray(rows.length - n)) {
      held.add(r);
      items.add(data.items[r]);
    }
    heldOut.push(items);
  }
  const keep: number[] = [];
  for (let r = 0; r < data.users.length; r++) if (!held.has(r)) keep.push(r);
  return { train: selectInteractions(data, keep), users: Int32Array.from(chosen), heldOut };
}
