/**
 * Ridge regression on the standardised design of a Preprocessor (numeric z-scores, missing
 * indicators, one-hot categories): a closed-form solve, used for the X-learner's effect models.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { FeatureMatrix } from '../data/dataset';
import { Preprocessor } from '../data/preprocess';

export class RidgeRegression {
  private constructor(
    private readonly preprocessor: Preprocessor,
    /** Shape: [d], then the intercept. */
    private readonly coefficients: Float64Array,
    private readonly intercept: number,
  ) {}

  /**
   * Minimise Σ (y − x·w − b)² + λ·n·‖w‖² (intercept unpenalised). Shapes: features [n, ·], y [n].
   */
  static fit(features: FeatureMatrix, y: ArrayLike<number>, lambda = 0.01): RidgeRegression {
    const pre = Preprocessor.fit(features);
    const x = designRows(pre, features);
    const n = x.length;
    const d = x[0]?.length ?? 0;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i];
    mean /= Math.max(n, 1);
    const xtx = Matrix.zeros(d, d);
    const xty = Matrix.zeros(d, 1);
    const colMean = new Float64Array(d);
    for (const row of x) for (let k = 0; k < d; k++) colMean[k] += row[k] / n;
    x.forEach((row, i) => {
      for (let a = 0; a < d; a++) {
        const ca = row[a] - colMean[a];
        xty.set(a, 0, xty.get(a, 0) + ca * (y[i] - mean));
        for (let b = 0; b <= a; b++) xtx.set(a, b, xtx.get(a, b) + ca * (row[b] - colMean[b]));
      }
    });
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < a; b++) xtx.set(b, a, xtx.get(a, b));
      xtx.set(a, a, xtx.get(a, a) + lambda * n + 1e-9);
    }
    const w = new CholeskyDecomposition(xtx).solve(xty).getColumn(0);
    let intercept = mean;
    for (let k = 0; k < d; k++) intercept -= w[k] * colMean[k];
    return new RidgeRegression(pre, Float64Array.from(w), intercept);
  }

  /** Shape: features [n, ·] → [n]. */
  predict(features: FeatureMatrix): Float64Array {
    const x = designRows(this.preprocessor, features);
    return Float64Array.from(x, (row) => {
      let z = this.intercept;
      for (let k = 0; k < row.length; k++) z += row[k] * this.coefficients[k];
      return z;
    });
  }
}

/** Dense design rows: numeric inputs, then one-hot categories. Shape: [n][d]. */
export function designRows(pre: Preprocessor, features: FeatureMatrix): Float64Array[] {
  const t = pre.transform(features);
  const cards = pre.cardinalities;
  const d = t.numericWidth + cards.reduce((a, b) => a + b, 0);
  return Array.from({ length: t.n }, (_, i) => {
    const row = new Float64Array(d);
    for (let k = 0; k < t.numericWidth; k++) row[k] = t.numeric[i * t.numericWidth + k];
    let offset = t.numericWidth;
    cards.forEach((card, f) => {
      row[offset + t.categorical[f][i]] = 1;
      offset += card;
    });
    return row;
  });
}
