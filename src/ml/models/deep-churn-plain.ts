/**
 * The DeepChurn MLP in plain float64 on typed arrays: its weights read once per model, the input of
 * a transformed row (numerics, then each field's embedding), and the forward pass to the logit.
 * Serving predicts with it and DeepLIFT (explain/deep-churn-deeplift.ts) traces it: at this size
 * (tens of inputs, 64 and 32 hidden units) a tfjs call's fixed cost is most of the work (about
 * 0.7 ms of the 1.1 ms a one-subscriber live rescore spent scoring, by the CPU profile's split).
 */
import type { TransformedFeatures } from '../data/preprocess';
import type { DeepChurn } from './deep-churn';

/** One dense layer: out = act(in · kernel + bias). kernel is row-major [inputs, units]. */
export interface DenseLayer {
  inputs: number;
  units: number;
  kernel: Float64Array;
  bias: Float64Array;
}

/** The MLP's weights as plain arrays: the embeddings, the ReLU layers, the linear logit layer. */
export interface PlainDeepChurn {
  numericWidth: number;
  /** Per categorical field, [card, dim] row-major. */
  embeddings: { card: number; dim: number; table: Float64Array }[];
  hidden: DenseLayer[];
  output: DenseLayer;
  /** Width of the concatenated input: numericWidth + Σ dim. */
  width: number;
}

const plainCache = new WeakMap<DeepChurn, PlainDeepChurn>();
const supportCache = new WeakMap<DeepChurn, boolean>();

/** The layers of the MLP that buildNetwork makes; dropout is the identity at inference. */
const MLP_LAYER = /^(numeric|concat|churn|(cat|emb|emb_flat)_\d+|(hidden|dropout)_\d+)$/;

/**
 * Whether the network is an MLP this file runs: only the layers buildNetwork makes for one (no
 * sequence branch, nothing unknown), ReLU hidden layers.
 */
export function isPlainMlp(model: DeepChurn): boolean {
  // Asked on every scored batch: the answer is the model's, read once.
  let supported = supportCache.get(model);
  if (supported === undefined) {
    supported =
      model.model.layers.every((l) => MLP_LAYER.test(l.name)) &&
      model.model.layers
        .filter((l) => /^hidden_\d+$/.test(l.name))
        .every((l) => (l.getConfig() as { activation?: string }).activation === 'relu');
    supportCache.set(model, supported);
  }
  return supported;
}

/** The network's weights, read once per model. */
export function plainDeepChurn(model: DeepChurn): PlainDeepChurn {
  const cached = plainCache.get(model);
  if (cached) return cached;
  const net = model.model;
  const names = new Set(net.layers.map((l) => l.name));
  const pre = model.preprocessor;
  const numericWidth = names.has('numeric') ? pre.numericColumns.length : 0;
  const embeddings = pre.cardinalities.map((card, f) => {
    const [table] = net.getLayer(`emb_${f}`).getWeights();
    const [rows, dim] = table.shape as [number, number];
    if (rows !== card) throw new Error(`emb_${f} has ${rows} rows, the vocabulary ${card}`);
    return { card, dim, table: Float64Array.from(table.dataSync()) };
  });
  const dense = (name: string): DenseLayer => {
    const [kernel, bias] = net.getLayer(name).getWeights();
    const [inputs, units] = kernel.shape as [number, number];
    return {
      inputs,
      units,
      kernel: Float64Array.from(kernel.dataSync()),
      bias: Float64Array.from(bias.dataSync()),
    };
  };
  const hidden: DenseLayer[] = [];
  for (let k = 0; names.has(`hidden_${k}`); k++) hidden.push(dense(`hidden_${k}`));
  const output = dense('churn');
  const width = numericWidth + embeddings.reduce((s, e) => s + e.dim, 0);
  const plain = { numericWidth, embeddings, hidden, output, width };
  let inputs = width;
  for (const layer of [...hidden, output]) {
    if (layer.inputs !== inputs) throw new Error('internal: DeepChurn layers do not chain');
    inputs = layer.units;
  }
  plainCache.set(model, plain);
  return plain;
}

/** out = in · kernel + bias (no activation). Shapes: input [inputs], out [units]. */
export function denseInto(layer: DenseLayer, input: Float64Array, out: Float64Array): void {
  const { inputs, units, kernel, bias } = layer;
  out.set(bias);
  for (let i = 0; i < inputs; i++) {
    const x = input[i];
    if (x === 0) continue;
    const row = i * units;
    for (let j = 0; j < units; j++) out[j] += x * kernel[row + j];
  }
}

/** The concatenated input of row i of the transformed features. */
export function inputOf(
  net: PlainDeepChurn,
  numeric: ArrayLike<number>,
  categorical: ArrayLike<number>[],
  i: number,
  out: Float64Array,
): void {
  const w = net.numericWidth;
  for (let k = 0; k < w; k++) out[k] = numeric[i * w + k];
  let at = w;
  net.embeddings.forEach((e, f) => {
    const c = categorical[f][i];
    for (let d = 0; d < e.dim; d++) out[at + d] = e.table[c * e.dim + d];
    at += e.dim;
  });
}

/** Logits of transformed rows. Throws for a network isPlainMlp refuses. Shape: [t.n]. */
export function plainLogits(model: DeepChurn, t: TransformedFeatures): Float64Array {
  if (!isPlainMlp(model)) throw new Error('plainLogits needs a ReLU MLP without a sequence');
  const net = plainDeepChurn(model);
  const width = Math.max(net.width, ...net.hidden.map((l) => l.units));
  const a = new Float64Array(width);
  const b = new Float64Array(width);
  const logit = new Float64Array(1);
  const out = new Float64Array(t.n);
  for (let i = 0; i < t.n; i++) {
    inputOf(net, t.numeric, t.categorical, i, a);
    let h = a;
    let next = b;
    for (const layer of net.hidden) {
      denseInto(layer, h, next);
      for (let j = 0; j < layer.units; j++) if (!(next[j] > 0)) next[j] = 0;
      [h, next] = [next, h];
    }
    denseInto(net.output, h, logit);
    out[i] = logit[0];
  }
  return out;
}
