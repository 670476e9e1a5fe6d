/**
 * DeepLIFT (Rescale rule; Shrikumar, Greenside and Kundaje 2017) for the DeepChurn MLP, from the same
 * training-mean baseline as integrated gradients: numeric inputs from the mean transformed training
 * row, categories from the frequency-weighted mean embedding of each field (one contribution per
 * field, summed over its embedding dimensions). A numeric feature's missing indicator is folded into
 * the feature.
 *
 * Why not integrated gradients here: on a ReLU network the gradient is piecewise constant along the
 * path, so a Riemann sum needs 64 to 1,024 forward and backward passes per subscriber to add up to
 * the score within 0.01 logits; in the live path that was most of the server's CPU per event. The
 * Rescale rule needs one forward pass per subscriber (the baseline's is shared) and one backward
 * pass of multipliers, and its contributions add up to logit(x) − logit(baseline) exactly (to
 * float64 rounding): each ReLU's multiplier is Δoutput / Δinput, so the chain of multipliers
 * telescopes. On a single hidden layer it equals integrated gradients whenever no unit changes sign
 * along the path; with sign changes it splits the change between the inputs in proportion to their
 * share of each unit's input, as the paper describes.
 *
 * Runs in float64 on plain typed arrays: at this size (tens of inputs, 64 and 32 hidden units) the
 * per-call overhead of tensors costs more than the arithmetic. Networks with a sequence branch are
 * explained by integrated gradients (deep-churn-attribution.ts).
 */
import type { FeatureMatrix } from '../data/dataset';
import type { DeepChurn } from '../models/deep-churn';
import { completenessError, type Explanation } from './explanation';
import { numericInputGroups } from './feature-groups';
import { assertBaselineMatches, type TrainingBaseline } from './training-baseline';

/** One dense layer: out = act(in · kernel + bias). kernel is row-major [inputs, units]. */
interface DenseLayer {
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

/** The layers of the MLP that buildNetwork makes; dropout is the identity at inference. */
const MLP_LAYER = /^(numeric|concat|churn|(cat|emb|emb_flat)_\d+|(hidden|dropout)_\d+)$/;

/**
 * Whether the network is an MLP DeepLIFT handles here: only the layers buildNetwork makes for one
 * (no sequence branch, nothing unknown), ReLU hidden layers.
 */
export function supportsDeepLift(model: DeepChurn): boolean {
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

const supportCache = new WeakMap<DeepChurn, boolean>();

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

/** Pre-activations of every layer and the ReLU outputs of the hidden ones, for one input. */
interface Trace {
  /** z[k]: pre-activations of hidden layer k; the last entry is the output layer's [1]. */
  z: Float64Array[];
  /** a[k]: relu(z[k]) for the hidden layers; a[-1] is the input. */
  a: Float64Array[];
}

function dense(layer: DenseLayer, input: Float64Array, out: Float64Array): void {
  const { inputs, units, kernel, bias } = layer;
  out.set(bias);
  for (let i = 0; i < inputs; i++) {
    const x = input[i];
    if (x === 0) continue;
    const row = i * units;
    for (let j = 0; j < units; j++) out[j] += x * kernel[row + j];
  }
}

function trace(net: PlainDeepChurn, input: Float64Array): Trace {
  const z: Float64Array[] = [];
  const a: Float64Array[] = [input];
  let h = input;
  for (const layer of net.hidden) {
    const pre = new Float64Array(layer.units);
    dense(layer, h, pre);
    const post = new Float64Array(layer.units);
    for (let j = 0; j < layer.units; j++) post[j] = pre[j] > 0 ? pre[j] : 0;
    z.push(pre);
    a.push(post);
    h = post;
  }
  const logit = new Float64Array(1);
  dense(net.output, h, logit);
  z.push(logit);
  return { z, a };
}

/** The concatenated input of row i of the transformed features. */
function inputOf(
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

/** The baseline input: numeric training means, then each field's frequency-weighted mean embedding. */
function baselineInput(net: PlainDeepChurn, baseline: TrainingBaseline): Float64Array {
  const v = new Float64Array(net.width);
  for (let k = 0; k < net.numericWidth; k++) v[k] = baseline.numeric[k];
  let at = net.numericWidth;
  net.embeddings.forEach((e, f) => {
    const freq = baseline.categorical[f].frequencies;
    for (let c = 0; c < e.card; c++) {
      if (freq[c] === 0) continue;
      for (let d = 0; d < e.dim; d++) v[at + d] += freq[c] * e.table[c * e.dim + d];
    }
    at += e.dim;
  });
  return v;
}

/**
 * Multipliers of the logit with respect to each input (Rescale rule), given the row's and the
 * baseline's traces. Shape: [width].
 */
function inputMultipliers(net: PlainDeepChurn, row: Trace, base: Trace): Float64Array {
  // d logit / d a_last = the output kernel (linear layer).
  let g: Float64Array = Float64Array.from(net.output.kernel);
  for (let k = net.hidden.length - 1; k >= 0; k--) {
    const layer = net.hidden[k];
    const z = row.z[k];
    const z0 = base.z[k];
    const a = row.a[k + 1];
    const a0 = base.a[k + 1];
    const gz = new Float64Array(layer.units);
    for (let j = 0; j < layer.units; j++) {
      const dz = z[j] - z0[j];
      // Rescale: Δa / Δz; where Δz vanishes so does Δa, and the gradient stands in for the ratio.
      const m = Math.abs(dz) > 1e-12 ? (a[j] - a0[j]) / dz : z[j] > 0 ? 1 : 0;
      gz[j] = g[j] * m;
    }
    const gin = new Float64Array(layer.inputs);
    for (let i = 0; i < layer.inputs; i++) {
      const row_ = i * layer.units;
      let s = 0;
      for (let j = 0; j < layer.units; j++) s += layer.kernel[row_ + j] * gz[j];
      gin[i] = s;
    }
    g = gin;
  }
  return g;
}

/**
 * Explains rows of a DeepChurn MLP in logit space with DeepLIFT (Rescale). Shapes: rows [n, ·] →
 * n explanations over p numeric + q categorical features. Throws for a network with a sequence
 * branch (see supportsDeepLift).
 */
export function explainDeepChurnDeepLift(
  model: DeepChurn,
  baseline: TrainingBaseline,
  rows: FeatureMatrix,
): Explanation[] {
  if (!supportsDeepLift(model))
    throw new Error('DeepLIFT here needs a ReLU MLP without a sequence');
  const pre = model.preprocessor;
  assertBaselineMatches(baseline, pre);
  const net = plainDeepChurn(model);
  const t = pre.transform(rows);
  const v0 = baselineInput(net, baseline);
  const base = trace(net, v0);
  const baselineLogit = base.z[base.z.length - 1][0];
  const numericGroups = net.numericWidth > 0 ? numericInputGroups(pre) : [];
  const features = [
    ...numericGroups.map((g) => g.feature),
    ...pre.state.categorical.map((c) => c.name),
  ];
  const v = new Float64Array(net.width);
  const out: Explanation[] = [];
  for (let i = 0; i < t.n; i++) {
    inputOf(net, t.numeric, t.categorical, i, v);
    const row = trace(net, v);
    const logit = row.z[row.z.length - 1][0];
    const g = inputMultipliers(net, row, base);
    const contributions: number[] = [];
    for (const group of numericGroups) {
      let s = 0;
      for (const c of group.columns) s += (v[c] - v0[c]) * g[c];
      contributions.push(s);
    }
    let at = net.numericWidth;
    for (const e of net.embeddings) {
      let s = 0;
      for (let d = 0; d < e.dim; d++) s += (v[at + d] - v0[at + d]) * g[at + d];
      contributions.push(s);
      at += e.dim;
    }
    out.push({
      method: 'deeplift-rescale',
      features: [...features],
      contributions,
      baselineLogit,
      logit,
      completenessError: completenessError(contributions, logit, baselineLogit),
    });
  }
  return out;
}
