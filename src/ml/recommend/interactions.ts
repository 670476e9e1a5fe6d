/**
 * Implicit feedback as parallel typed arrays: one row per (user, item) interaction. Users and items
 * are dense indices (0..userCount-1, 0..itemCount-1) that the caller maps from its own ids.
 *
 * `weights` carry completion in [0, 1]: a viewing event's completion, or a MovieLens rating mapped
 * to completion (seeds/movielens). Models turn it into a training confidence themselves; the churn
 * re-ranking reads it as completion directly.
 */

export interface Interactions {
  userCount: number;
  itemCount: number;
  /** User index per row. Shape: [n] */
  users: Int32Array;
  /** Item index per row. Shape: [n] */
  items: Int32Array;
  /** Completion in [0, 1] per row. Shape: [n] */
  weights: Float32Array;
  /** Epoch seconds per row. Shape: [n] */
  timestamps: Float64Array;
}

/** One interaction as a plain object (what callers and tests usually have at hand). */
export interface InteractionRow {
  user: number;
  item: number;
  /** Completion in [0, 1]. */
  weight: number;
  /** Epoch seconds. */
  timestamp: number;
}

/** Rows of one user's history, oldest first, as indices into an Interactions' arrays. */
export interface UserIndex {
  /** Row range of user u: rows[offsets[u]] .. rows[offsets[u + 1] - 1]. Shape: [userCount + 1] */
  offsets: Int32Array;
  /** Row indices grouped by user, each group sorted by timestamp then row. Shape: [n] */
  rows: Int32Array;
}

/**
 * Packs rows into typed arrays. Counts default to one past the largest index seen. Throws on a
 * negative or non-integer index, or an index beyond a given count.
 */
export function interactionsFromRows(
  rows: readonly InteractionRow[],
  userCount?: number,
  itemCount?: number,
): Interactions {
  const n = rows.length;
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  const weights = new Float32Array(n);
  const timestamps = new Float64Array(n);
  let maxUser = -1;
  let maxItem = -1;
  rows.forEach((r, i) => {
    if (!Number.isInteger(r.user) || r.user < 0) throw new Error(`row ${i}: bad user ${r.user}`);
    if (!Number.isInteger(r.item) || r.item < 0) throw new Error(`row ${i}: bad item ${r.item}`);
    users[i] = r.user;
    items[i] = r.item;
    weights[i] = r.weight;
    timestamps[i] = r.timestamp;
    if (r.user > maxUser) maxUser = r.user;
    if (r.item > maxItem) maxItem = r.item;
  });
  const U = userCount ?? maxUser + 1;
  const I = itemCount ?? maxItem + 1;
  if (maxUser >= U) throw new Error(`user index ${maxUser} but userCount ${U}`);
  if (maxItem >= I) throw new Error(`item index ${maxItem} but itemCount ${I}`);
  return { userCount: U, itemCount: I, users, items, weights, timestamps };
}

/** The rows at `indices`, in that order (a copy). Counts are kept. */
export function selectInteractions(x: Interactions, indices: ArrayLike<number>): Interactions {
  const n = indices.length;
  const out: Interactions = {
    userCount: x.userCount,
    itemCount: x.itemCount,
    users: new Int32Array(n),
    items: new Int32Array(n),
    weights: new Float32Array(n),
    timestamps: new Float64Array(n),
  };
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    out.users[k] = x.users[i];
    out.items[k] = x.items[i];
    out.weights[k] = x.weights[i];
    out.timestamps[k] = x.timestamps[i];
  }
  return out;
}

/**
 * One row per (user, item): the highest completion (a rewatch or the best episode says the title
 * held them) and the latest timestamp (recency is about the last contact). Rows come out sorted by
 * user, then first appearance.
 */
export function dedupeInteractions(x: Interactions): Interactions {
  const byKey = new Map<number, number>();
  const keep: number[] = [];
  const weights: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < x.users.length; i++) {
    const key = x.users[i] * x.itemCount + x.items[i];
    const at = byKey.get(key);
    if (at === undefined) {
      byKey.set(key, keep.length);
      keep.push(i);
      weights.push(x.weights[i]);
      times.push(x.timestamps[i]);
    } else {
      if (x.weights[i] > weights[at]) weights[at] = x.weights[i];
      if (x.timestamps[i] > times[at]) times[at] = x.timestamps[i];
    }
  }
  const out = selectInteractions(x, keep);
  out.weights.set(weights);
  out.timestamps.set(times);
  const order = Array.from({ length: keep.length }, (_, k) => k).sort(
    (a, b) => out.users[a] - out.users[b] || a - b,
  );
  return selectInteractions(out, order);
}

/** Groups rows by user (counting sort), each user's rows oldest first. */
export function indexByUser(x: Interactions): UserIndex {
  const offsets = new Int32Array(x.userCount + 1);
  for (let i = 0; i < x.users.length; i++) offsets[x.users[i] + 1]++;
  for (let u = 0; u < x.userCount; u++) offsets[u + 1] += offsets[u];
  const fill = offsets.slice(0, x.userCount);
  const rows = new Int32Array(x.users.length);
  for (let i = 0; i < x.users.length; i++) rows[fill[x.users[i]]++] = i;
  for (let u = 0; u < x.userCount; u++) {
    const part = rows.subarray(offsets[u], offsets[u + 1]);
    part.sort((a, b) => x.timestamps[a] - x.timestamps[b] || a - b);
  }
  return { offsets, rows };
}

/** Distinct users per item (how many people touched it). Shape: [itemCount] */
export function itemUserCounts(x: Interactions): Float64Array {
  const counts = new Float64Array(x.itemCount);
  const seen = new Set<number>();
  for (let i = 0; i < x.users.length; i++) {
    const key = x.users[i] * x.itemCount + x.items[i];
    if (seen.has(key)) continue;
    seen.add(key);
    counts[x.items[i]]++;
  }
  return counts;
}

/**
 * Training confidence from completion: floor + (1 − floor) × completion. The floor keeps an
 * abandoned view a (weak) positive: choosing to start a title still says something about taste.
 */
export function completionConfidence(completion: number, floor = 0.25): number {
  const c = completion < 0 ? 0 : completion > 1 ? 1 : completion;
  return floor + (1 - floor) * c;
}
