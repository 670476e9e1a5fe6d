/**
 * Platt scaling: p' = σ(a · logit(p) + b), fitted by Newton's method on the log-likelihood.
 * Two parameters, so it cannot overfit a small validation set, but it can only fix a miscalibration
 * that is a monotone sigmoid warp of the logit (too confident, not confident enough, shifted).
 */

export interface PlattState {
  kind: 'platt';
  a: number;
  b: number;
}

const P_EPS = 1e-7;

/** logit(p) with p clipped to [1e-7, 1 − 1e-7]. */
export function safeLogit(p: number): number {
  const q = Math.min(Math.max(p, P_EPS), 1 - P_EPS);
  return Math.log(q / (1 - q));
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export class PlattScaling {
  readonly kind = 'platt';

  private constructor(
    readonly a: number,
    readonly b: number,
  ) {}

  /**
   * Fits a and b. Targets are Platt's smoothed labels, (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2), which keep
   * the fit finite on separable data and shrink it toward the base rate on small sets.
   * Shapes: probs [n] (uncalibrated probabilities), labels [n] (0/1).
   */
  static fit(probs: ArrayLike<number>, labels: ArrayLike<number>): PlattScaling {
    const n = probs.length;
    let pos = 0;
    for (let i = 0; i < n; i++) pos += labels[i] === 1 ? 1 : 0;
    const hi = (pos + 1) / (pos + 2);
    const lo = 1 / (n - pos + 2);
    const z = Float64Array.from(probs, safeLogit);
    const t = Float64Array.from(labels, (y) => (y === 1 ? hi : lo));
    const nll = (a: number, b: number): number => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const f = a * z[i] + b;
        // log(1 + e^f) − t·f, written to stay finite for large |f|.
        s += (f > 0 ? f + Math.log1p(Math.exp(-f)) : Math.log1p(Math.exp(f))) - t[i] * f;
      }
      return s;
    };
    let a = 1;
    let b = 0;
    let loss = nll(a, b);
    for (let iter = 0; iter < 100; iter++) {
      let ga = 0;
      let gb = 0;
      let haa = 1e-12;
      let hab = 0;
      let hbb = 1e-12;
      for (let i = 0; i < n; i++) {
        const q = sigmoid(a * z[i] + b);
        const d = q - t[i];
        const w = q * (1 - q);
        ga += d * z[i];
        gb += d;
        haa += w * z[i] * z[i];
        hab += w * z[i];
        hbb += w;
      }
      const det = haa * hbb - hab * hab;
      if (!(Math.abs(det) > 0)) break;
      const da = (hbb * ga - hab * gb) / det;
      const db = (haa * gb - hab * ga) / det;
      // Backtracking keeps every step a descent step even far from the optimum.
      let step = 1;
      let next = nll(a - da, b - db);
      while (next > loss + 1e-12 && step > 1e-8) {
        step /= 2;
        next = nll(a - step * da, b - step * db);
      }
      if (next > loss + 1e-12) break;
      a -= step * da;
      b -= step * db;
      const done = Math.abs(step * da) + Math.abs(step * db) < 1e-10;
      loss = next;
      if (done) break;
    }
    return new PlattScaling(a, b);
  }

  static fromJSON(state: PlattState): PlattScaling {
    return new PlattScaling(state.a, state.b);
  }

  toJSON(): PlattState {
    return { kind: 'platt', a: this.a, b: this.b };
  }

  /** Calibrated probabilities. Shape: [n] → [n]. */
  transform(probs: ArrayLike<number>): Float64Array {
    return Float64Array.from(probs, (p) => sigmoid(this.a * safeLogit(p) + this.b));
  }
}
