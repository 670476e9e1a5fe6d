/**
 * The two offline protocols, both seeded and both on deduplicated (user, item) pairs so a title
 * cannot sit in train and test at once (episodes of a series are one pair).
 *
 * (a) Random split: each user's pairs are shuffled and 25% held out (at least one kept on each
 *     side); users with fewer than `minInteractions` pairs stay wholly in train and are not
 *     evaluated (a 75/25 split of 2 ratings says nothing). The model ranks every item the user
 *     has not interacted with in train; every held-out pair counts as relevant, whatever its
 *     completion or rating: implicit feedback, as in the BPR and NCF papers.
 * (b) Leave-latest-out (He et al. 2017): each user's latest pair is the test item (ties: the last
 *     row), ranked against `negatives` items the user never interacted with at all, sampled
 *     uniformly without replacement. Users with a single pair are train-only.
 */
import { createRng, shuffleInPlace } from '../random';
import {
  dedupeInteractions,
  indexByUser,
  selectInteractions,
  type Interactions,
} from './interactions';

export interface RandomSplit {
  kind: 'random-split';
  train: Interactions;
  /** Held-out items per user; empty for users not evaluated. Shape: [userCount] */
  test: Set<number>[];
  /** Items per user in train (never ranked for that user). Shape: [userCount] */
  trainItems: Set<number>[];
  /** Users with a non-empty test set, ascending. */
  users: Int32Array;
}

export interface LeaveLatestOutCase {
  user: number;
  item: number;
  /** The test item first, then the sampled negatives. Shape: [1 + negatives] */
  candidates: Int32Array;
}

export interface LeaveLatestOut {
  kind: 'leave-latest-out';
  train: Interactions;
  cases: LeaveLatestOutCase[];
}

export type EvaluationProtocol = RandomSplit | LeaveLatestOut;

export interface RandomSplitOptions {
  testFraction: number;
  minInteractions: number;
  seed: number;
}

/** Protocol (a). */
export function randomSplitProtocol(
  x: Interactions,
  options: Partial<RandomSplitOptions> = {},
): RandomSplit {
  const { testFraction = 0.25, minInteractions = 5, seed = 0 } = options;
  const data = dedupeInteractions(x);
  const index = indexByUser(data);
  const rng = createRng(seed);
  const trainRows: number[] = [];
  const test: Set<number>[] = [];
  const trainItems: Set<number>[] = [];
  const users: number[] = [];
  for (let u = 0; u < data.userCount; u++) {
    const rows = Array.from(index.rows.subarray(index.offsets[u], index.offsets[u + 1]));
    const held = new Set<number>();
    const kept = new Set<number>();
    if (rows.length >= Math.max(2, minInteractions)) {
      shuffleInPlace(rows, rng);
      const nTest = Math.min(rows.length - 1, Math.max(1, Math.round(testFraction * rows.length)));
      rows.forEach((r, k) => (k < nTest ? held.add(data.items[r]) : kept.add(data.items[r])));
      rows.slice(nTest).forEach((r) => trainRows.push(r));
      users.push(u);
    } else {
      rows.forEach((r) => {
        kept.add(data.items[r]);
        trainRows.push(r);
      });
    }
    test.push(held);
    trainItems.push(kept);
  }
  trainRows.sort((a, b) => a - b);
  return {
    kind: 'random-split',
    train: selectInteractions(data, trainRows),
    test,
    trainItems,
    users: Int32Array.from(users),
  };
}

export interface LeaveLatestOutOptions {
  negatives: number;
  seed: number;
}

/** Protocol (b). */
export function leaveLatestOutProtocol(
  x: Interactions,
  options: Partial<LeaveLatestOutOptions> = {},
): LeaveLatestOut {
  const { negatives = 100, seed = 0 } = options;
  const data = dedupeInteractions(x);
  const index = indexByUser(data);
  const rng = createRng(seed);
  const trainRows: number[] = [];
  const cases: LeaveLatestOutCase[] = [];
  for (let u = 0; u < data.userCount; u++) {
    const rows = index.rows.subarray(index.offsets[u], index.offsets[u + 1]);
    if (rows.length < 2) {
      rows.forEach((r) => trainRows.push(r));
      continue;
    }
    // Rows are sorted by timestamp then row index, so the last is the latest (ties: last row).
    const latest = rows[rows.length - 1];
    rows.subarray(0, rows.length - 1).forEach((r) => trainRows.push(r));
    const touched = new Set<number>(Array.from(rows, (r) => data.items[r]));
    cases.push({
      user: u,
      item: data.items[latest],
      candidates: Int32Array.from([
        data.items[latest],
        ...sampleUntouched(data.itemCount, touched, negatives, rng),
      ]),
    });
  }
  trainRows.sort((a, b) => a - b);
  return { kind: 'leave-latest-out', train: selectInteractions(data, trainRows), cases };
}

/** Up to `count` distinct items outside `touched`, uniformly without replacement. */
function sampleUntouched(
  itemCount: number,
  touched: ReadonlySet<number>,
  count: number,
  rng: ReturnType<typeof createRng>,
): number[] {
  const free = itemCount - touched.size;
  if (free <= count) {
    const all: number[] = [];
    for (let i = 0; i < itemCount; i++) if (!touched.has(i)) all.push(i);
    return all;
  }
  const out = new Set<number>();
  while (out.size < count) {
    const i = rng.int(itemCount);
    if (!touched.has(i)) out.add(i);
  }
  return [...out];
}
