/**
 * Isotonic regression: the best non-decreasing step function from score to churn rate, fitted by
 * pool-adjacent-violators, then interpolated linearly between steps so that close scores get close
 * probabilities. Fixes any monotone miscalibration, but needs a few hundred validation rows to not
 * overfit; select between it and Platt by cross-validated Brier (see calibrator.ts).
 */

export interface IsotonicState {
  kind: 'isotonic';
  /** Knot scores, non-decreasing. */
  x: number[];
  /** Knot probabilities, non-decreasing. */
  y: number[];
}

export class IsotonicCalibration {
  readonly kind = 'isotonic';

  private constructor(
    readonly x: number[],
    readonly y: number[],
  ) {}

  /**
   * Fits by PAV. Outputs are kept within [eps, 1 − eps]: a bottom step with no churners in
   * validation says 0, yet a customer scored there may still churn, and a hard 0 would make
   * log loss infinite. Shapes: probs [n] (scores), labels [n] (0/1).
   */
  static fit(probs: ArrayLike<number>, labels: ArrayLike<number>, eps = 1e-3): IsotonicCalibration {
    const n = probs.length;
    if (n === 0) throw new Error('isotonic calibration needs at least one row');
    const idx = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[a] - probs[b]);
    // Blocks of the PAV stack: weight, mean label, and the score range they cover.
    const w: number[] = [];
    const m: number[] = [];
    const lo: number[] = [];
    const hi: number[] = [];
    for (let k = 0; k < n;) {
      // Equal scores must get one value, so they enter as one block.
      let end = k;
      let sum = 0;
      while (end < n && probs[idx[end]] === probs[idx[k]]) sum += labels[idx[end++]];
      let weight = end - k;
      let mean = sum / weight;
      let start = probs[idx[k]];
      const stop = start;
      while (m.length > 0 && m[m.length - 1] >= mean) {
        const pw = w.pop()!;
        mean = (mean * weight + m.pop()! * pw) / (weight + pw);
        weight += pw;
        start = lo.pop()!;
        hi.pop();
      }
      w.push(weight);
      m.push(mean);
      lo.push(start);
      hi.push(stop);
      k = end;
    }
    const x: number[] = [];
    const y: number[] = [];
    for (let b = 0; b < m.length; b++) {
      const v = Math.min(Math.max(m[b], eps), 1 - eps);
      x.push(lo[b]);
      y.push(v);
      if (hi[b] > lo[b]) {
        x.push(hi[b]);
        y.push(v);
      }
    }
    return new IsotonicCalibration(x, y);
  }

  static fromJSON(state: IsotonicState): IsotonicCalibration {
    return new IsotonicCalibration([...state.x], [...state.y]);
  }

  toJSON(): IsotonicState {
    return { kind: 'isotonic', x: [...this.x], y: [...this.y] };
  }

  /** Calibrated probabilities; scores outside the fitted range take the end values. Shape: [n] → [n]. */
  transform(probs: ArrayLike<number>): Float64Array {
    const { x, y } = this;
    const last = x.length - 1;
    return Float64Array.from(probs, (p) => {
      if (!(p > x[0])) return y[0];
      if (p >= x[last]) return y[last];
      // Largest knot index with x[lo] <= p.
      let lo = 0;
      let hi = last;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (x[mid] <= p) lo = mid;
        else hi = mid;
      }
      const span = x[hi] - x[lo];
      return span > 0 ? y[lo] + ((p - x[lo]) / span) * (y[hi] - y[lo]) : y[hi];
    });
  }
}
