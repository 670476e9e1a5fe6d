/**
 * Maximum likelihood for the linear discrete-time hazard, logit h = x·w + b, by Newton's method:
 * the loss is the person-period binomial log-likelihood plus an L2 penalty, convex, with a Hessian
 * small enough (a few dozen columns) to form and solve exactly. Converges in a handful of steps to
 * the optimum, deterministically, where first-order descent would need thousands of passes.
 */
import { choleskyInPlace, choleskySolve } from '../recommend/cholesky';

export interface NewtonOptions {
  /** λ in loss + (λ/2)·subjects·‖w‖² (intercept unpenalised). */
  l2: number;
  /** Subjects the rows come from: the penalty scales with them, not with rows. */
  subjects: number;
  maxIterations?: number;
}

export interface NewtonResult {
  weights: Float64Array;
  intercept: number;
  iterations: number;
  /** Negative log-likelihood per exposed day at the optimum (without the penalty). */
  lossPerDay: number;
}

const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Fits w and b. Shapes: x [r, width] row-major, exposure [r] (days), event [r] (0/1).
 */
export function fitHazardNewton(
  x: Float64Array,
  width: number,
  exposure: ArrayLike<number>,
  event: ArrayLike<number>,
  options: NewtonOptions,
): NewtonResult {
  const r = exposure.length;
  const d = width + 1; // last column: the intercept
  const penalty = options.l2 * options.subjects;
  let days = 0;
  let events = 0;
  for (let k = 0; k < r; k++) {
    days += exposure[k];
    events += event[k];
  }
  const beta = new Float64Array(d);
  // Start at the pooled daily hazard: the intercept-only optimum.
  const pooled = Math.min(Math.max(events / Math.max(days, 1), 1e-9), 1 - 1e-9);
  beta[width] = Math.log(pooled / (1 - pooled));

  const lossAt = (b: Float64Array): number => {
    let loss = 0;
    for (let k = 0; k < r; k++) {
      const z = linear(x, k, width, b);
      loss += event[k] * softplus(-z) + (exposure[k] - event[k]) * softplus(z);
    }
    let norm = 0;
    for (let j = 0; j < width; j++) norm += b[j] * b[j];
    return loss + (penalty / 2) * norm;
  };

  let loss = lossAt(beta);
  let iterations = 0;
  const maxIterations = options.maxIterations ?? 50;
  const gradient = new Float64Array(d);
  const hessian = new Float64Array(d * d);
  const step = new Float64Array(d);
  const row = new Float64Array(d);
  row[width] = 1;
  while (iterations < maxIterations) {
    iterations++;
    gradient.fill(0);
    hessian.fill(0);
    for (let k = 0; k < r; k++) {
      for (let j = 0; j < width; j++) row[j] = x[k * width + j];
      const h = sigmoid(linear(x, k, width, beta));
      const g = exposure[k] * h - event[k];
      const curvature = exposure[k] * h * (1 - h);
      for (let a = 0; a < d; a++) {
        gradient[a] += g * row[a];
        const ca = curvature * row[a];
        if (ca === 0) continue;
        for (let b = 0; b <= a; b++) hessian[a * d + b] += ca * row[b];
      }
    }
    for (let j = 0; j < width; j++) {
      gradient[j] += penalty * beta[j];
      hessian[j * d + j] += penalty;
    }
    hessian[width * d + width] += 1e-9;
    for (let a = 0; a < d; a++)
      for (let b = a + 1; b < d; b++) hessian[a * d + b] = hessian[b * d + a];
    choleskyInPlace(hessian, d);
    choleskySolve(hessian, d, gradient, step);
    // Damped step: halve until the loss does not rise (Newton on a convex loss rarely needs it).
    let scale = 1;
    let candidate = beta.map((v, j) => v - step[j]);
    let next = lossAt(candidate);
    while (next > loss && scale > 1e-6) {
      scale /= 2;
      candidate = beta.map((v, j) => v - scale * step[j]);
      next = lossAt(candidate);
    }
    const improvement = loss - next;
    if (next <= loss) {
      beta.set(candidate);
      loss = next;
    }
    if (!(improvement > 1e-10 * Math.max(1, Math.abs(loss)))) break;
  }
  let nll = 0;
  for (let k = 0; k < r; k++) {
    const z = linear(x, k, width, beta);
    nll += event[k] * softplus(-z) + (exposure[k] - event[k]) * softplus(z);
  }
  return {
    weights: beta.slice(0, width),
    intercept: beta[width],
    iterations,
    lossPerDay: nll / Math.max(days, 1),
  };
}

function linear(x: Float64Array, k: number, width: number, beta: Float64Array): number {
  let z = beta[width];
  const base = k * width;
  for (let j = 0; j < width; j++) z += x[base + j] * beta[j];
  return z;
}
