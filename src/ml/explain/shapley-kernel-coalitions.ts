/**
 * Coalitions for KernelSHAP and their Shapley-kernel weights, following the shap library's
 * KernelExplainer: the kernel weight of a coalition of size s out of M is
 *   π(s) = (M − 1) / (C(M, s) · s · (M − s)),
 * so the total weight of size s is ∝ (M − 1) / (s · (M − s)), largest for the smallest and largest
 * coalitions. Sizes are taken in pairs (s, M − s) from the outside in; while the budget covers a
 * pair completely it is enumerated with its exact weight, and the remaining sizes are sampled in
 * proportion to their weight, each sample with its complement (paired, antithetic sampling: it
 * cancels the odd-order error terms and costs nothing extra). With 2^M − 2 ≤ budget every
 * coalition is enumerated and the result is the exact Shapley value.
 *
 * The empty and full coalitions are not in this list: their values are f(baseline) and f(x), which
 * the solver imposes as the efficiency constraint (the limit of infinite weight).
 */
import type { Rng } from '../random';

export interface WeightedCoalitions {
  /** 0/1 masks, one per coalition, row-major. Shape: [count, M]. */
  masks: Uint8Array;
  /** Kernel weight per coalition, summing to 1. Shape: [count]. */
  weights: Float64Array;
  count: number;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

function* combinations(m: number, s: number): Generator<number[]> {
  const idx = Array.from({ length: s }, (_, i) => i);
  while (true) {
    yield idx;
    let i = s - 1;
    while (i >= 0 && idx[i] === m - s + i) i--;
    if (i < 0) return;
    idx[i]++;
    for (let j = i + 1; j < s; j++) idx[j] = idx[j - 1] + 1;
  }
}

/**
 * Coalitions of M ≥ 2 players within a budget of `samples` (at least 2). Deterministic given `rng`.
 */
export function shapleyKernelCoalitions(m: number, samples: number, rng: Rng): WeightedCoalitions {
  if (m < 2) throw new Error('coalition sampling needs at least two features');
  const budget = Math.max(2, Math.floor(samples));
  const sizes = Math.ceil((m - 1) / 2);
  const paired = Math.floor((m - 1) / 2);
  const sizeWeight = Array.from({ length: sizes }, (_, i) => {
    const s = i + 1;
    return ((m - 1) / (s * (m - s))) * (s <= paired ? 2 : 1);
  });
  const total = sizeWeight.reduce((a, b) => a + b, 0);
  for (let i = 0; i < sizes; i++) sizeWeight[i] /= total;

  const masks: number[][] = [];
  const weights: number[] = [];
  const add = (mask: number[], w: number): void => {
    masks.push(mask);
    weights.push(w);
  };
  let left = budget;
  let full = 0;
  const remaining = [...sizeWeight];
  for (let s = 1; s <= sizes; s++) {
    const count = binomial(m, s) * (s <= paired ? 2 : 1);
    // Enumerate this size pair if the budget it would get by sampling already covers every subset.
    if ((left * remaining[s - 1]) / count < 1 - 1e-8) break;
    full++;
    left -= count;
    if (remaining[s - 1] < 1) {
      const rest = 1 - remaining[s - 1];
      for (let i = 0; i < sizes; i++) remaining[i] /= rest;
    }
    const w = sizeWeight[s - 1] / binomial(m, s) / (s <= paired ? 2 : 1);
    for (const inds of combinations(m, s)) {
      const mask = new Array<number>(m).fill(0);
      for (const j of inds) mask[j] = 1;
      add(mask, w);
      if (s <= paired)
        add(
          mask.map((v) => 1 - v),
          w,
        );
    }
  }
  const fixed = masks.length;
  if (full < sizes && left > 0) {
    const rest = sizeWeight.slice(full).map((w, i) => (full + i + 1 <= paired ? w / 2 : w));
    const restTotal = rest.reduce((a, b) => a + b, 0);
    const seen = new Map<string, number>();
    const bump = (mask: number[]): boolean => {
      const key = mask.join('');
      const at = seen.get(key);
      if (at !== undefined) {
        weights[at] += 1;
        return false;
      }
      seen.set(key, masks.length);
      add(mask, 1);
      return true;
    };
    // Duplicates add weight instead of budget, so bound the draws as shap does (4× the budget).
    for (let draw = 0; draw < 4 * budget && left > 0; draw++) {
      let u = rng.next() * restTotal;
      let i = 0;
      while (i < rest.length - 1 && u >= rest[i]) u -= rest[i++];
      const s = full + i + 1;
      const order = Array.from({ length: m }, (_, j) => j);
      for (let j = 0; j < s; j++) {
        const r = j + rng.int(m - j);
        [order[j], order[r]] = [order[r], order[j]];
      }
      const mask = new Array<number>(m).fill(0);
      for (let j = 0; j < s; j++) mask[order[j]] = 1;
      if (bump(mask)) left--;
      if (left > 0 && s <= paired && bump(mask.map((v) => 1 - v))) left--;
    }
    // The sampled coalitions share what the enumerated sizes left of the total weight.
    const weightLeft = sizeWeight.slice(full).reduce((a, b) => a + b, 0);
    let sampled = 0;
    for (let k = fixed; k < weights.length; k++) sampled += weights[k];
    for (let k = fixed; k < weights.length; k++) weights[k] *= weightLeft / sampled;
  }
  const out = new Uint8Array(masks.length * m);
  masks.forEach((mask, k) => out.set(mask, k * m));
  return { masks: out, weights: Float64Array.from(weights), count: masks.length };
}
