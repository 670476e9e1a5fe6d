/**
 * The validation split of `churn train-recs`: part of each sampled user's titles held out. Users
 * with at least `minHistory` distinct titles lose a `fraction` of them (at least one): their latest
 * (`latestShare` 1, the way the next weeks test a model), a random draw (0), or a mix; the others
 * stay whole in train. At most `maxUsers` users are held out (a seeded sample), which bounds the
 * cost of validating on big worlds.
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
  /**
   * Share of a user's held-out titles that are their latest; the rest are drawn at random from the
   * earlier ones (0: a random fifth of the history, 1: the latest fifth).
   */
  latestShare: number;
  minHistory: number;
  maxUsers: number;
  seed: number;
}

export const LATEST_HOLDOUT_DEFAULTS: LatestHoldoutOptions = {
  fraction: 0.2,
  latestShare: 1,
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
  const rng = createRng(o.seed);
  shuffleInPlace(eligible, rng);
  const chosen = eligible.slice(0, o.maxUsers).sort((a, b) => a - b);
  const held = new Set<number>();
  const heldOut: Set<number>[] = [];
  for (const u of chosen) {
    const rows = index.rows.subarray(index.offsets[u], index.offsets[u + 1]);
    const n = Math.min(rows.length - 1, Math.max(1, Math.round(o.fraction * rows.length)));
    // Rows are oldest first: the last `latest` are the latest, the rest random among the earlier.
    const latest = Math.round(o.latestShare * n);
    const earlier = Array.from(rows.subarray(0, rows.length - latest));
    if (latest < n) shuffleInPlace(earlier, rng);
    const items = new Set<number>();
    for (const r of [...rows.subarray(rows.length - latest), ...earlier.slice(0, n - latest)]) {
      held.add(r);
      items.add(data.items[r]);
    }
    heldOut.push(items);
  }
  const keep: number[] = [];
  for (let r = 0; r < data.users.length; r++) if (!held.has(r)) keep.push(r);
  return { train: selectInteractions(data, keep), users: Int32Array.from(chosen), heldOut };
}
