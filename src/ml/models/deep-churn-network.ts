/**
 * The deep churn network: numeric features, one embedding per categorical field and, optionally, a
 * branch over the 28-day activity sequence, concatenated into dense layers ending in one sigmoid.
 */
import * as tf from '@tensorflow/tfjs';
import type { Preprocessor } from '../data/preprocess';
import type { Rng } from '../random';
import type { StoredOptions } from './deep-churn';
import { SeededDropout } from './seeded-dropout';

/** Embedding width for a field with `card` slots: min(8, ⌈√card⌉). */
export function embeddingDim(card: number): number {
  return Math.min(8, Math.ceil(Math.sqrt(card)));
}

export function buildNetwork(pre: Preprocessor, o: StoredOptions, rng: Rng): tf.LayersModel {
  const glorot = (): ReturnType<typeof tf.initializers.glorotUniform> =>
    tf.initializers.glorotUniform({ seed: rng.seed() });
  const reg = (): ReturnType<typeof tf.regularizers.l2> | undefined =>
    o.l2 > 0 ? tf.regularizers.l2({ l2: o.l2 }) : undefined;
  const inputs: tf.SymbolicTensor[] = [];
  const parts: tf.SymbolicTensor[] = [];
  const width = pre.numericColumns.length;
  if (width > 0) {
    const numeric = tf.input({ shape: [width], name: 'numeric' });
    inputs.push(numeric);
    parts.push(numeric);
  }
  pre.cardinalities.forEach((card, f) => {
    const input = tf.input({ shape: [1], dtype: 'int32', name: `cat_${f}` });
    const emb = tf.layers
      .embedding({
        inputDim: card,
        outputDim: embeddingDim(card),
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: rng.seed() }),
        embeddingsRegularizer: reg(),
        name: `emb_${f}`,
      })
      .apply(input) as tf.SymbolicTensor;
    inputs.push(input);
    parts.push(tf.layers.flatten({ name: `emb_flat_${f}` }).apply(emb) as tf.SymbolicTensor);
  });
  const seqShape = pre.sequenceShape;
  if (o.useSequence && seqShape !== null) {
    const [days] = seqShape;
    const seq = tf.input({ shape: seqShape, name: 'sequence' });
    inputs.push(seq);
    if ((o.sequenceBranch ?? 'conv') === 'dense') {
      const flat = tf.layers.flatten({ name: 'seq_flat' }).apply(seq) as tf.SymbolicTensor;
      const dense = tf.layers
        .dense({
          units: o.sequenceFilters,
          activation: 'relu',
          kernelInitializer: glorot(),
          kernelRegularizer: reg(),
          name: 'seq_dense',
        })
        .apply(flat) as tf.SymbolicTensor;
      parts.push(dense);
    } else {
    const conv = tf.layers
      .conv1d({
        filters: o.sequenceFilters,
        kernelSize: Math.min(o.sequenceKernel, days),
        padding: 'same',
        activation: 'relu',
        kernelInitializer: glorot(),
        kernelRegularizer: reg(),
        name: 'seq_conv',
      })
      .apply(seq) as tf.SymbolicTensor;
    // Four pooled windows, not global pooling: when activity fell (last week vs a month ago) is the
    // churn signal, and global pooling would throw the timing away.
    const window = Math.ceil(days / 4);
    const pooled = tf.layers
      .averagePooling1d({ poolSize: window, strides: window, padding: 'same', name: 'seq_pool' })
      .apply(conv) as tf.SymbolicTensor;
    parts.push(tf.layers.flatten({ name: 'seq_flat' }).apply(pooled) as tf.SymbolicTensor);
    }
  }
  if (parts.length === 0) throw new Error('the deep model needs at least one feature');
  let h =
    parts.length === 1 ? parts[0] : (tf.layers.concatenate({ name: 'concat' }).apply(parts) as tf.SymbolicTensor);
  o.hidden.forEach((units, k) => {
    h = tf.layers
      .dense({ units, activation: 'relu', kernelInitializer: glorot(), kernelRegularizer: reg(), name: `hidden_${k}` })
      .apply(h) as tf.SymbolicTensor;
    if (o.dropout > 0) {
      h = new SeededDropout({ rate: o.dropout, seed: rng.seed(), name: `dropout_${k}` }).apply(h) as tf.SymbolicTensor;
    }
  });
  const out = tf.layers
    .dense({ units: 1, activation: 'sigmoid', kernelInitializer: glorot(), name: 'churn' })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: out, name: 'deep_churn' });
}
