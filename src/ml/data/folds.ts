/**
 * Seeded, stratified row splits. Stratifying keeps the churn rate of every fold close to the whole
 * table's, which matters when positives are a quarter of a few thousand rows.
 */
import { createRng, shuffleInPlace } from '../random';

function byClass(labels: ArrayLike<number>, seed: number): [number[], number[]] {
  const rng = createRng(seed);
  const neg: number[] = [];
  const pos: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? pos : neg).push(i);
  return [shuffleInPlace(neg, rng), shuffleInPlace(pos, rng)];
}

/**
 * Assigns each row to one of k folds, so that each fold holds ~1/k of each class.
 * Returns the fold number per row. Shape: [n], values in [0, k).
 */
export function stratifiedFoldIds(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  if (k < 2) throw new Error(`k-fold needs k >= 2, got ${k}`);
  const fold = new Int32Array(labels.length);
  let next = 0;
  // Dealing the classes one after the other, continuing the rotation, keeps fold sizes within one.
  for (const rows of byClass(labels, seed)) {
    for (const i of rows) {
      fold[i] = next;
      next = (next + 1) % k;
    }
  }
  return fold;
}

export interface Split {
  /** Row indices, ascending. */
  train: number[];
  /** Row indices, ascending. */
  test: number[];
}

/** The k train/test splits of stratified k-fold cross-validation. */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): Split[] {
  const fold = stratifiedFoldIds(labels, k, seed);
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < fold.length; i++) (fold[i] === f ? test : train).push(i);
    return { train, test };
  });
}

/** One stratified split holding out `fraction` of each class (at least one row of each if possible). */
export function stratifiedSplit(labels: ArrayLike<number>, fraction: number, seed: number): Split {
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of byClass(labels, seed)) {
    const held = rows.length < 2 ? 0 : Math.max(1, Math.round(rows.length * fraction));
    rows.forEach((i, r) => (r < held ? test : train).push(i));
  }
  const asc = (a: number, b: number): number => a - b;
  return { train: train.sort(asc), test: test.sort(asc) };
}
