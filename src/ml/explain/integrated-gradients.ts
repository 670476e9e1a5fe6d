/**
 * Integrated Gradients (Sundararajan et al., 2017) for any differentiable tfjs function of one or
 * more float inputs: IG_i = (x_i − x'_i) · ∫₀¹ ∂F(x' + α(x − x'))/∂x_i dα, approximated by the
 * midpoint Riemann sum over `steps` points α_k = (k + ½)/steps. The midpoint rule is exact when the
 * gradient is linear in α (F quadratic) and its error falls as 1/steps² for smooth F; for ReLU
 * networks the kinks make it 1/steps, which the completeness check catches.
 *
 * Batched: all steps of many rows go through one forward/backward pass (rows × steps at a time, up
 * to `maxRowsPerBatch`), not one graph per row and step.
 */
import * as tf from '@tensorflow/tfjs';

/** Logits of a batch. Takes one tensor per input, each [B, ...]; returns [B] (or [B, 1]). */
export type LogitFunction = (inputs: tf.Tensor[]) => tf.Tensor;

export interface IntegratedGradientsOptions {
  /** Points of the midpoint rule. Default 64. */
  steps?: number;
  /** Cap on interpolated rows per forward/backward pass (rows × steps). Default 8192. */
  maxRowsPerBatch?: number;
}

export interface IntegratedGradientsResult {
  /** Per input, the attributions of every row, flattened row-major. Shape: [B, ...inputShape]. */
  attributions: Float32Array[];
  /** F(x) per row. Shape: [B]. */
  logits: Float64Array;
  /** F(x') per row. Shape: [B]. */
  baselineLogits: Float64Array;
  steps: number;
}

export const DEFAULT_IG_STEPS = 64;

/**
 * Integrated gradients of `f` for B rows. Shapes: inputs[i] [B, ...s_i] (float32), baselines[i]
 * [1, ...s_i] (shared) or [B, ...s_i] (per row). Tensors passed in are not disposed; nothing the
 * computation creates outlives it.
 */
export function integratedGradients(
  f: LogitFunction,
  inputs: tf.Tensor[],
  baselines: tf.Tensor[],
  options: IntegratedGradientsOptions = {},
): IntegratedGradientsResult {
  const steps = options.steps ?? DEFAULT_IG_STEPS;
  const maxRows = options.maxRowsPerBatch ?? 8192;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer`);
  if (inputs.length === 0 || inputs.length !== baselines.length) {
    throw new Error('integratedGradients needs one baseline per input, and at least one input');
  }
  const n = inputs[0].shape[0];
  inputs.forEach((x, i) => {
    const b = baselines[i];
    if (x.shape[0] !== n) throw new Error(`input ${i} has ${x.shape[0]} rows, expected ${n}`);
    if (b.shape[0] !== 1 && b.shape[0] !== n)
      throw new Error(`baseline ${i} must have 1 or ${n} rows`);
    if (b.shape.slice(1).join() !== x.shape.slice(1).join()) {
      throw new Error(`baseline ${i} has shape [${b.shape}], input [${x.shape}]`);
    }
  });
  const sizes = inputs.map((x) => x.size / Math.max(n, 1));
  const attributions = sizes.map((s) => new Float32Array(n * s));
  const logits = new Float64Array(n);
  const baselineLogits = new Float64Array(n);
  const perChunk = Math.max(1, Math.floor(maxRows / steps));
  const gradOf = tf.grads((...xs: tf.Tensor[]) => tf.sum(f(xs)));
  const alphas = Float32Array.from({ length: steps }, (_, k) => (k + 0.5) / steps);
  for (let from = 0; from < n; from += perChunk) {
    const rows = Math.min(perChunk, n - from);
    tf.tidy(() => {
      const xs = inputs.map((x) => x.slice(from, rows));
      const bs = baselines.map((b) => (b.shape[0] === 1 ? b : b.slice(from, rows)));
      const diffs = xs.map((x, i) => tf.sub(x, bs[i]));
      const paths = diffs.map((d, i) => {
        const rest = d.shape.slice(1);
        const alpha = tf.tensor(alphas, [1, steps, ...rest.map(() => 1)]);
        // Row r, step k sits at r · steps + k: each row's path is contiguous.
        const point = tf.add(tf.expandDims(bs[i], 1), tf.mul(alpha, tf.expandDims(d, 1)));
        return tf.reshape(point, [rows * steps, ...rest]);
      });
      const grads = gradOf(paths);
      grads.forEach((g, i) => {
        const rest = diffs[i].shape.slice(1);
        const meanGrad = tf.mean(tf.reshape(g, [rows, steps, ...rest]), 1);
        attributions[i].set(tf.mul(meanGrad, diffs[i]).dataSync(), from * sizes[i]);
      });
      logits.set(tf.reshape(f(xs), [rows]).dataSync(), from);
      const base = tf.reshape(f(bs), [-1]).dataSync();
      for (let r = 0; r < rows; r++)
        baselineLogits[from + r] = base.length === 1 ? base[0] : base[r];
    });
  }
  return { attributions, logits, baselineLogits, steps };
}
