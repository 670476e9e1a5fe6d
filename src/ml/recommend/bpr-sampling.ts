/**
 * The plain-JS half of BPR training: seeded negative sampling, the item × feature weights and
 * composing the trained tables into final item vectors exactly as the training graph does.
 */
import type { Rng } from '../random';
import type { Interactions } from './interactions';
import type { ItemFeatures } from './item-features';

/** Uniform negatives among warm items, and who interacted with what (to mask false negatives). */
export class NegativeSampler {
  private readonly positives = new Set<number>();

  /** Shapes: warmItems [w] (items with at least one training interaction). */
  constructor(
    private readonly x: Interactions,
    private readonly warmItems: Int32Array,
    private readonly rng: Rng,
  ) {
    for (let i = 0; i < x.users.length; i++)
      this.positives.add(x.users[i] * x.itemCount + x.items[i]);
  }

  /** True when the user has interacted with the item. */
  isPositive(user: number, item: number): boolean {
    return this.positives.has(user * this.x.itemCount + item);
  }

  /**
   * `count` distinct warm items drawn uniformly, shared by every user of a batch: one [B × count]
   * matMul scores them all, far cheaper in tfjs than gathering count rows per user. The caller
   * masks the ones that are a user's own positives.
   */
  sampleShared(count: number): Int32Array {
    const w = this.warmItems.length;
    const n = Math.min(count, w);
    const chosen = new Set<number>();
    // Floyd's algorithm: n distinct draws in n steps, whatever n / w is.
    for (let j = w - n; j < w; j++) {
      const t = this.rng.int(j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    return Int32Array.from(chosen, (k) => this.warmItems[k]);
  }
}

/**
 * Dense item × feature combination weights: row i holds 1/|F(i)| ('mean') or 1 ('sum') at each of
 * the item's features, so membership · Q composes every item's feature part in one matMul.
 * Shape: [itemCount × featureCount] row-major.
 */
export function featureMatrix(f: ItemFeatures, combiner: 'mean' | 'sum'): Float32Array {
  const out = new Float32Array(f.itemCount * f.featureCount);
  for (let i = 0; i < f.itemCount; i++) {
    const from = f.offsets[i];
    const count = f.offsets[i + 1] - from;
    const w = combiner === 'mean' ? 1 / Math.max(1, count) : 1;
    for (let k = 0; k < count; k++) out[i * f.featureCount + f.features[from + k]] = w;
  }
  return out;
}

/**
 * Composes final item vectors and biases from the trained tables, exactly as the training graph
 * does: v_i = [id_i] + combine_f(feature_f), b_i = [idBias_i] + combine_f(featureBias_f).
 * Shapes: idFactors [itemCount × d] or null, featureFactors [featureCount × d] → [itemCount × d].
 */
export function composeItems(
  f: ItemFeatures,
  d: number,
  idFactors: Float32Array | null,
  idBias: Float32Array | null,
  featureFactors: Float32Array,
  featureBias: Float32Array,
  combiner: 'mean' | 'sum',
): { factors: Float32Array; bias: Float32Array } {
  const n = f.itemCount;
  const factors = new Float32Array(n * d);
  const bias = new Float32Array(n);
  const acc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const v = featureVector(f, i, d, featureFactors, featureBias, combiner, acc);
    for (let k = 0; k < d; k++)
      factors[i * d + k] = acc[k] + (idFactors ? idFactors[i * d + k] : 0);
    bias[i] = v + (idBias ? idBias[i] : 0);
  }
  return { factors, bias };
}

/** Writes combine_f(feature_f) of item i into `out` and returns the combined feature bias. */
function featureVector(
  f: ItemFeatures,
  i: number,
  d: number,
  featureFactors: Float32Array,
  featureBias: Float32Array,
  combiner: 'mean' | 'sum',
  out: Float64Array,
): number {
  return combineFeatures(
    f.features.subarray(f.offsets[i], f.offsets[i + 1]),
    d,
    featureFactors,
    featureBias,
    combiner,
    out,
  );
}

/**
 * combine_f over an explicit feature list, in float32 steps like the tfjs graph. Writes the vector
 * into `out` [d] and returns the combined bias.
 */
export function combineFeatures(
  features: ArrayLike<number>,
  d: number,
  featureFactors: Float32Array,
  featureBias: Float32Array,
  combiner: 'mean' | 'sum',
  out: Float64Array,
): number {
  out.fill(0);
  const w = combiner === 'mean' ? 1 / Math.max(1, features.length) : 1;
  let b = 0;
  for (let k = 0; k < features.length; k++) {
    const row = features[k] * d;
    for (let x = 0; x < d; x++) out[x] += w * featureFactors[row + x];
    b += w * featureBias[features[k]];
  }
  return b;
}
