/**
 * Monte Carlo summaries: run a seeded draw function many times and report each quantity's mean
 * and central 95% interval (2.5th and 97.5th percentiles of the draws).
 */
import { createRng, type Rng } from '../random';

export interface Interval {
  mean: number;
  lower: number;
  upper: number;
}

/**
 * Call `draw` `draws` times with one seeded stream and summarise every key it returns.
 * Shape: draw(rng) → { name: value }; result { name: Interval }.
 */
export function monteCarlo<K extends string>(
  draws: number,
  seed: number,
  draw: (rng: Rng, index: number) => Record<K, number>,
): Record<K, Interval> {
  if (!Number.isInteger(draws) || draws < 2) throw new Error(`draws must be ≥ 2, got ${draws}`);
  const rng = createRng(seed);
  const samples = new Map<K, number[]>();
  for (let d = 0; d < draws; d++) {
    const values = draw(rng, d);
    for (const key of Object.keys(values) as K[]) {
      const list = samples.get(key) ?? [];
      list.push(values[key]);
      samples.set(key, list);
    }
  }
  const out = {} as Record<K, Interval>;
  for (const [key, list] of samples) out[key] = interval(list);
  return out;
}

/** Mean and 2.5th / 97.5th percentiles (linear interpolation). Shape: samples [m]. */
export function interval(samples: readonly number[]): Interval {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(sorted.length, 1);
  return { mean, lower: quantile(sorted, 0.025), upper: quantile(sorted, 0.975) };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
