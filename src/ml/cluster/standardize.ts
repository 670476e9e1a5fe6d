/**
 * z-scores for the behaviour features segments are built on, with the statistics kept as JSON so a
 * later run (or a single new subscriber) is placed in the same space. Standardising first matters
 * for k-means: it measures plain Euclidean distance, so unscaled minutes would drown out counts.
 */

export interface StandardizerState {
  version: 1;
  features: string[];
  /** Mean of each feature over the fitted rows, ignoring missing values. Shape: [d]. */
  means: number[];
  /** Population standard deviation; 1 for a constant column (its z-scores are then all 0). Shape: [d]. */
  stds: number[];
}

const STD_FLOOR = 1e-12;

function checkWidth(rows: ArrayLike<ArrayLike<number>>, d: number): void {
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].length !== d)
      throw new Error(`row ${i} has ${rows[i].length} values, expected ${d}`);
  }
}

/** Fits means and standard deviations. Missing values (NaN) are skipped. Shape: rows [n, d]. */
export function fitStandardizer(
  rows: ArrayLike<ArrayLike<number>>,
  features: string[],
): StandardizerState {
  const d = features.length;
  checkWidth(rows, d);
  const means = new Array<number>(d).fill(0);
  const stds = new Array<number>(d).fill(0);
  for (let j = 0; j < d; j++) {
    let count = 0;
    let mean = 0;
    let m2 = 0;
    // Welford: one pass, no cancellation for large values (watch minutes over 100k users).
    for (let i = 0; i < rows.length; i++) {
      const v = rows[i][j];
      if (!Number.isFinite(v)) continue;
      count++;
      const delta = v - mean;
      mean += delta / count;
      m2 += delta * (v - mean);
    }
    const std = count > 0 ? Math.sqrt(m2 / count) : 0;
    means[j] = count > 0 ? mean : 0;
    stds[j] = std > STD_FLOOR ? std : 1;
  }
  return { version: 1, features: [...features], means, stds };
}

/** z = (x − mean) / std; a missing value becomes 0 (the mean). Shape: rows [n, d] → [n, d]. */
export function standardize(
  rows: ArrayLike<ArrayLike<number>>,
  state: StandardizerState,
): number[][] {
  const d = state.features.length;
  checkWidth(rows, d);
  const { means, stds } = state;
  const out: number[][] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    // push keeps the array packed (new Array(d) would make it holey, and k-means slower).
    const z: number[] = [];
    for (let j = 0; j < d; j++) {
      const v = row[j];
      z.push(Number.isFinite(v) ? (v - means[j]) / stds[j] : 0);
    }
    out[i] = z;
  }
  return out;
}

/** Back to raw units: x = mean + z · std. Shape: rows [n, d] → [n, d]. */
export function unstandardize(
  rows: ArrayLike<ArrayLike<number>>,
  state: StandardizerState,
): number[][] {
  checkWidth(rows, state.features.length);
  return Array.from(rows, (row) => Array.from(row, (z, j) => state.means[j] + z * state.stds[j]));
}
