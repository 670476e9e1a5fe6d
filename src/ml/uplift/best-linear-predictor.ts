/**
 * Calibrating an uplift model on a randomised campaign: the best linear predictor of the true
 * effect given the model's out-of-fold prediction (Chernozhukov, Demirer, Duflo and
 * Fernández-Val, "Generic machine learning inference on heterogeneous treatment effects"):
 *
 *   y = α + γ·b(x) + ate·(t − e) + slope·(t − e)·(τ̂(x) − mean τ̂) + ε
 *
 * with e the propensity, b(x) a baseline prediction (variance reduction) and τ̂ the model's
 * out-of-fold uplift. `ate` is the average effect; `slope` says how much of the model's predicted
 * heterogeneity is real (1 = all of it, 0 = none). The calibrated uplift
 * ate + slope·(τ̂ − mean τ̂) undoes the model's noise on average, so a plan that picks the largest
 * predictions is not fooled by them (the winner's curse). Heteroskedasticity-robust (HC0)
 * covariance of (ate, slope) for intervals.
 */
import { Matrix, inverse } from 'ml-matrix';

export interface LinearCalibration {
  ate: number;
  slope: number;
  /** Mean out-of-fold prediction the slope is centred on. */
  centre: number;
  /** Robust covariance of [ate, slope]. Shape: [2][2] */
  covariance: [[number, number], [number, number]];
}

/**
 * Shapes: outcome [n], treated [n] (0/1), predicted [n] (out-of-fold uplift), baseline [n]
 * (out-of-fold control-arm prediction).
 */
export function bestLinearPredictor(
  outcome: ArrayLike<number>,
  treated: ArrayLike<number>,
  predicted: ArrayLike<number>,
  baseline: ArrayLike<number>,
): LinearCalibration {
  const n = outcome.length;
  let e = 0;
  let centre = 0;
  for (let i = 0; i < n; i++) {
    e += treated[i];
    centre += predicted[i];
  }
  e /= n;
  centre /= n;
  const x = new Matrix(n, 4);
  const y = new Matrix(n, 1);
  for (let i = 0; i < n; i++) {
    const w = treated[i] - e;
    x.set(i, 0, 1);
    x.set(i, 1, baseline[i]);
    x.set(i, 2, w);
    x.set(i, 3, w * (predicted[i] - centre));
    y.set(i, 0, outcome[i]);
  }
  const xt = x.transpose();
  const bread = inverse(xt.mmul(x));
  const beta = bread.mmul(xt.mmul(y));
  const meat = Matrix.zeros(4, 4);
  for (let i = 0; i < n; i++) {
    let fit = 0;
    for (let k = 0; k < 4; k++) fit += x.get(i, k) * beta.get(k, 0);
    const r2 = (outcome[i] - fit) ** 2;
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++) meat.set(a, b, meat.get(a, b) + r2 * x.get(i, a) * x.get(i, b));
  }
  const v = bread.mmul(meat).mmul(bread);
  return {
    ate: beta.get(2, 0),
    slope: beta.get(3, 0),
    centre,
    covariance: [
      [v.get(2, 2), v.get(2, 3)],
      [v.get(3, 2), v.get(3, 3)],
    ],
  };
}

/** Calibrated uplift of one prediction, the slope floored at 0 (a ranking is never inverted). */
export function calibratedUplift(
  c: Pick<LinearCalibration, 'ate' | 'slope' | 'centre'>,
  predicted: number,
): number {
  return c.ate + Math.max(0, c.slope) * (predicted - c.centre);
}
