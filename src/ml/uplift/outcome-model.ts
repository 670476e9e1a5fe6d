/**
 * A binary outcome model for one arm of an experiment (P(outcome = 1 | features)): the project's
 * L2 logistic regression, plus a Laplace approximation of its posterior so callers can draw
 * plausible coefficient vectors and carry the model's uncertainty into Monte Carlo intervals.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { FeatureMatrix } from '../data/dataset';
import { LogisticRegression, type LogisticRegressionOptions } from '../models/logistic-regression';
import type { Rng } from '../random';

export interface OutcomeModelOptions {
  /** L2 penalty on the mean log loss. Default 0.01: arms are small and effects subtle. */
  l2?: number;
  seed?: number;
  /** Cap on Adam steps (see LogisticRegression). Default 1500. */
  maxIterations?: number;
}

export class OutcomeModel {
  private constructor(
    readonly model: LogisticRegression,
    /** Lower Cholesky factor of the posterior covariance of [coefficients…, intercept]. Shape: [d+1, d+1] */
    private readonly posteriorFactor: Matrix,
  ) {}

  /** Fit on one arm's rows. Shapes: features [n, ·], outcome [n] (0/1). */
  static async fit(
    features: FeatureMatrix,
    outcome: ArrayLike<number>,
    options: OutcomeModelOptions = {},
  ): Promise<OutcomeModel> {
    const l2 = options.l2 ?? 0.01;
    const fitOptions: LogisticRegressionOptions = {
      l2,
      seed: options.seed ?? 0,
      maxIterations: options.maxIterations ?? 1500,
      preprocess: { logTransform: 'auto' },
    };
    const model = await LogisticRegression.fit(features, outcome, fitOptions);
    return new OutcomeModel(model, laplaceFactor(model, features, l2));
  }

  /** P(outcome = 1). Shape: features [n, ·] → [n]. */
  predict(features: FeatureMatrix): Float64Array {
    return this.model.predictProba(features);
  }

  /** Design rows with a trailing 1 for the intercept, for `predictWith`. Shape: [n][d+1]. */
  design(features: FeatureMatrix): Float64Array[] {
    const x = this.model.design(features);
    const d = this.model.coefficients.length;
    const n = x.length / Math.max(d, 1);
    return Array.from({ length: n }, (_, i) => {
      const row = new Float64Array(d + 1);
      for (let k = 0; k < d; k++) row[k] = x[i * d + k];
      row[d] = 1;
      return row;
    });
  }

  /** A coefficient vector drawn from the Laplace posterior, intercept last. Shape: [d+1]. */
  drawCoefficients(rng: Rng): Float64Array {
    const d = this.model.coefficients.length;
    const mean = new Float64Array(d + 1);
    mean.set(this.model.coefficients);
    mean[d] = this.model.intercept;
    const z = Array.from({ length: d + 1 }, () => rng.normal());
    const l = this.posteriorFactor;
    for (let r = 0; r <= d; r++) {
      let s = 0;
      for (let c = 0; c <= r; c++) s += l.get(r, c) * z[c];
      mean[r] += s;
    }
    return mean;
  }
}

/** P(outcome = 1) of design rows under coefficient vector `beta` (intercept last). Shape: [n]. */
export function predictWith(design: readonly Float64Array[], beta: Float64Array): Float64Array {
  const out = new Float64Array(design.length);
  design.forEach((row, i) => {
    let z = 0;
    for (let k = 0; k < row.length; k++) z += row[k] * beta[k];
    out[i] = 1 / (1 + Math.exp(-z));
  });
  return out;
}

/**
 * Cholesky factor of the inverse Hessian of the penalised total log loss at the fit: the
 * posterior covariance of a logistic regression under its Gaussian prior (Laplace approximation).
 * The penalty is λ/2‖w‖² on the mean loss, so nλ on the total, and none on the intercept.
 */
function laplaceFactor(model: LogisticRegression, features: FeatureMatrix, l2: number): Matrix {
  const x = model.design(features);
  const d = model.coefficients.length;
  const n = x.length / Math.max(d, 1);
  const logits = model.predictLogits(features);
  const h = Matrix.zeros(d + 1, d + 1);
  const row = new Float64Array(d + 1);
  for (let i = 0; i < n; i++) {
    const p = 1 / (1 + Math.exp(-logits[i]));
    const w = p * (1 - p);
    for (let k = 0; k < d; k++) row[k] = x[i * d + k];
    row[d] = 1;
    for (let a = 0; a <= d; a++) {
      const wa = w * row[a];
      if (wa === 0) continue;
      for (let b = 0; b <= a; b++) h.set(a, b, h.get(a, b) + wa * row[b]);
    }
  }
  for (let a = 0; a <= d; a++) {
    for (let b = 0; b < a; b++) h.set(b, a, h.get(a, b));
    h.set(a, a, h.get(a, a) + (a < d ? n * l2 : 1e-6));
  }
  const covariance = new CholeskyDecomposition(h).solve(Matrix.eye(d + 1));
  // Symmetrise against rounding before factoring again.
  const sym = covariance.add(covariance.transpose()).mul(0.5);
  return new CholeskyDecomposition(sym).lowerTriangularMatrix;
}
