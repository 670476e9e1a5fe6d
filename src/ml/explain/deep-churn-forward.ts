/**
 * The DeepChurn network run from its embedding outputs instead of its integer category inputs, and
 * stopped before the final sigmoid. Integrated gradients needs both: categories cannot be
 * interpolated, their embeddings can, and explanations live in logit space.
 *
 * It reuses the trained layers (so weights are shared, never copied) and mirrors the topology that
 * buildNetwork in models/deep-churn.ts creates: [numeric, flattened embeddings..., sequence branch]
 * → concat → hidden_k (dropout is the identity at inference) → churn. Any layer it does not know
 * is an error, so a change to the network cannot silently produce wrong explanations.
 */
import * as tf from '@tensorflow/tfjs';
import type { DeepChurn } from '../models/deep-churn';

export interface DeepChurnForward {
  /** Width of the dense numeric input (0 when the model has none). */
  numericWidth: number;
  /** Per categorical field, the embedding matrix (owned by the model: do not dispose). Shape: [card, dim]. */
  embeddings: tf.Tensor2D[];
  /** [T, c] of the sequence branch, or null when the model has none. */
  sequenceShape: [number, number] | null;
  /**
   * Logits of a batch. Inputs in this order: numeric [B, w] (when w > 0), one embedded vector per
   * field [B, dim_f], then the sequence [B, T, c] (when present). Returns [B].
   */
  logits(inputs: tf.Tensor[]): tf.Tensor1D;
}

const KNOWN_LAYER =
  /^(numeric|sequence|concat|churn|seq_(flat|dense|conv|pool)|(cat|emb|emb_flat)_\d+|(hidden|dropout)_\d+)$/;

/** Builds the embedding-space forward function of a trained DeepChurn. */
export function deepChurnForward(model: DeepChurn): DeepChurnForward {
  const net = model.model;
  const names = new Set(net.layers.map((l) => l.name));
  for (const name of names) {
    if (!KNOWN_LAYER.test(name)) {
      throw new Error(
        `deepChurnForward does not know layer '${name}'; update it with buildNetwork`,
      );
    }
  }
  const pre = model.preprocessor;
  const numericWidth = names.has('numeric') ? pre.numericColumns.length : 0;
  const embeddings = pre.cardinalities.map(
    (_, f) => net.getLayer(`emb_${f}`).getWeights()[0] as tf.Tensor2D,
  );
  const hasSequence = names.has('sequence');
  const sequenceShape = hasSequence ? pre.sequenceShape : null;
  if (hasSequence && sequenceShape === null)
    throw new Error('the model has a sequence input but no sequence state');
  const hidden: tf.layers.Layer[] = [];
  for (let k = 0; names.has(`hidden_${k}`); k++) hidden.push(net.getLayer(`hidden_${k}`));
  const [kernel, bias] = net.getLayer('churn').getWeights();
  const seqLayers = hasSequence
    ? names.has('seq_dense')
      ? [net.getLayer('seq_flat'), net.getLayer('seq_dense')]
      : [net.getLayer('seq_conv'), net.getLayer('seq_pool'), net.getLayer('seq_flat')]
    : [];
  const logits = (inputs: tf.Tensor[]): tf.Tensor1D =>
    tf.tidy(() => {
      const expected = (numericWidth > 0 ? 1 : 0) + embeddings.length + (hasSequence ? 1 : 0);
      if (inputs.length !== expected)
        throw new Error(`expected ${expected} inputs, got ${inputs.length}`);
      const parts = inputs.slice(0, inputs.length - (hasSequence ? 1 : 0));
      if (hasSequence) {
        let s = inputs[inputs.length - 1];
        for (const layer of seqLayers) s = layer.apply(s) as tf.Tensor;
        parts.push(s);
      }
      let h = parts.length === 1 ? parts[0] : tf.concat(parts, 1);
      for (const layer of hidden) h = layer.apply(h) as tf.Tensor;
      return tf.reshape(
        tf.add(tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D), bias),
        [-1],
      ) as tf.Tensor1D;
    });
  return { numericWidth, embeddings, sequenceShape, logits };
}
