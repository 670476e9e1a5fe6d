/**
 * The deep churn model (tfjs layers API): standardised numerics and one embedding per categorical
 * field, optionally joined by a convolutional branch over recent daily activity, into a small MLP.
 *
 * Loss: plain binary cross-entropy, not class-weighted. Downstream code multiplies probabilities by
 * money (expected loss, retention ROI), so they must stay honest; weighting would inflate them and
 * need undoing, while ranking quality (AUC) is barely affected by it. Pick a decision threshold
 * (bestF1Threshold) instead.
 *
 * Reproducible: every initializer and dropout mask is seeded from `seed`, and batches are shuffled
 * with the seeded PRNG (tfjs's own shuffle uses Math.random). Early stopping restores the weights of
 * the best validation epoch, snapshotted by hand since tfjs has no restoreBestWeights.
 */
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '../backend';
import { selectLabels, selectRows, validateFeatureMatrix, type FeatureMatrix } from '../data/dataset';
import { stratifiedSplit } from '../data/folds';
import { Preprocessor, type PreprocessorOptions, type TransformedFeatures } from '../data/preprocess';
import { sigmoid } from '../calibration/platt';
import { logLoss } from '../metrics/calibration-metrics';
import { rocAuc } from '../metrics/ranking';
import { createRng, permutation } from '../random';
import { ARTIFACT_FORMAT_VERSION, assertArtifacts, loadLayersModel, saveLayersModel, type LayersModelJson, type ModelArtifacts } from './artifacts';
import { buildNetwork } from './deep-churn-network';
import { isPlainMlp, plainLogits } from './deep-churn-plain';

export interface DeepEpochLogs {
  /** Mean training loss over the epoch's batches (nats). */
  loss: number;
  /** Validation log loss (nats), the early-stopping criterion. */
  valLoss: number;
  valAuc: number;
  ms: number;
}

export interface DeepChurnOptions {
  /** Add the convolutional branch over `features.sequence`. Default false. */
  useSequence: boolean;
  seed: number;
  /** Maximum epochs. Default 60. */
  epochs: number;
  batchSize: number;
  /** Epochs without a validation improvement before stopping. Default 8. */
  patience: number;
  /** Units per hidden layer. Default [64, 32]. */
  hidden: number[];
  dropout: number;
  learningRate: number;
  /** L2 penalty on dense kernels and embeddings. Default 1e-4. */
  l2: number;
  /** Filters of the sequence convolution. Default 16. */
  /**
   * 'dense': one dense layer over the flattened [T, c] window (position-specific weights, so it sees
   * when activity fell; cheap, all-native kernels). 'conv': Conv1D + four pooled windows (weight
   * sharing across days; its gradients run in JS on the WASM backend, ~4x slower). Default 'dense'.
   */
  sequenceBranch: 'dense' | 'conv';
  sequenceFilters: number;
  /** Days covered by one convolution window. Default 5. */
  sequenceKernel: number;
  /** Held out for early stopping when fit() gets no validation set. Default 0.15. */
  validationFraction: number;
  preprocess?: PreprocessorOptions;
  onEpoch?: (epoch: number, logs: DeepEpochLogs) => void | Promise<void>;
}

export { embeddingDim } from './deep-churn-network';

export const DEEP_CHURN_DEFAULTS: DeepChurnOptions = {
  useSequence: false,
  seed: 0,
  epochs: 60,
  batchSize: 128,
  patience: 8,
  hidden: [64, 32],
  dropout: 0.2,
  learningRate: 2e-3,
  l2: 1e-4,
  sequenceBranch: 'dense',
  sequenceFilters: 16,
  sequenceKernel: 5,
  validationFraction: 0.15,
};

export type StoredOptions = Omit<DeepChurnOptions, 'onEpoch'>;

export interface DeepTrainingInfo {
  epochs: number;
  bestEpoch: number;
  bestValLoss: number;
  bestValAuc: number;
  history: DeepEpochLogs[];
  ms: number;
  backend: string;
}

interface DeepModelJson {
  options: StoredOptions;
  layers: LayersModelJson;
  training: DeepTrainingInfo;
}

const PREDICT_CHUNK = 16384;

export class DeepChurn {
  readonly kind = 'deep-churn';

  private constructor(
    readonly preprocessor: Preprocessor,
    readonly model: tf.LayersModel,
    readonly options: StoredOptions,
    readonly training: DeepTrainingInfo,
  ) {}

  /**
   * Fits the preprocessor (training rows only) and the network. Without `validation`, a stratified
   * `validationFraction` of the training rows is held out for early stopping.
   * Shapes: features [n, ·] (sequence [n][T][c] when useSequence), labels [n] (0/1).
   */
  static async fit(
    features: FeatureMatrix,
    labels: ArrayLike<number>,
    options: Partial<DeepChurnOptions> = {},
    validation?: { features: FeatureMatrix; labels: ArrayLike<number> },
  ): Promise<DeepChurn> {
    const start = performance.now();
    const backend = await ensureBackend();
    const { onEpoch, ...stored } = { ...DEEP_CHURN_DEFAULTS, ...options };
    validateFeatureMatrix(features, labels);
    if (stored.useSequence && features.sequence === undefined) {
      throw new Error('useSequence is set but the features have no sequence');
    }
    let train = { features, labels: Array.from(labels) };
    let val = validation && { features: validation.features, labels: Array.from(validation.labels) };
    if (val === undefined) {
      const split = stratifiedSplit(labels, stored.validationFraction, stored.seed + 7);
      train = { features: selectRows(features, split.train), labels: selectLabels(labels, split.train) };
      val = { features: selectRows(features, split.test), labels: selectLabels(labels, split.test) };
    }
    const withSequence = (f: FeatureMatrix): FeatureMatrix =>
      stored.useSequence ? f : { ...f, sequence: undefined, sequenceChannels: undefined };
    const pre = Preprocessor.fit(withSequence(train.features), stored.preprocess);
    const tr = pre.transform(withSequence(train.features));
    const va = pre.transform(withSequence(val.features));
    const rng = createRng(stored.seed);
    const model = buildNetwork(pre, stored, rng);
    model.compile({ optimizer: tf.train.adam(stored.learningRate), loss: 'binaryCrossentropy' });
    const yTrain = Float32Array.from(train.labels);
    const history: DeepEpochLogs[] = [];
    let best = { epoch: -1, valLoss: Infinity, valAuc: NaN, weights: [] as tf.Tensor[] };
    let sinceBest = 0;
    try {
      for (let epoch = 0; epoch < stored.epochs; epoch++) {
        const t0 = performance.now();
        const order = permutation(tr.n, rng);
        const xs = toInputs(pre, reorder(tr, order));
        const ys = tf.tensor2d(Float32Array.from(order, (i) => yTrain[i]), [tr.n, 1]);
        const h = await model.fit(xs, ys, {
          epochs: 1,
          batchSize: stored.batchSize,
          shuffle: false,
          verbose: 0,
        });
        tf.dispose([...xs, ys]);
        const valProbs = predictTransformed(pre, model, va);
        const logs: DeepEpochLogs = {
          loss: Number(h.history.loss[0]),
          valLoss: logLoss(valProbs, val.labels),
          valAuc: rocAuc(valProbs, val.labels),
          ms: performance.now() - t0,
        };
        history.push(logs);
        if (onEpoch !== undefined) await onEpoch(epoch, logs);
        if (logs.valLoss < best.valLoss - 1e-6) {
          tf.dispose(best.weights);
          best = { epoch, valLoss: logs.valLoss, valAuc: logs.valAuc, weights: snapshot(model) };
          sinceBest = 0;
        } else if (++sinceBest >= stored.patience) {
          break;
        }
      }
      if (best.weights.length > 0) model.setWeights(best.weights);
    } catch (err) {
      model.dispose();
      throw err;
    } finally {
      tf.dispose(best.weights);
      // The model does not own an optimizer passed as an object, and Adam's moments are not needed
      // after training: free them here or they leak two tensors per weight.
      model.optimizer.dispose();
    }
    const training: DeepTrainingInfo = {
      epochs: history.length,
      bestEpoch: best.epoch,
      bestValLoss: best.valLoss,
      bestValAuc: best.valAuc,
      history,
      ms: performance.now() - start,
      backend,
    };
    return new DeepChurn(pre, model, stored, training);
  }

  /** Churn probabilities. Shape: features [n, ·] → [n]. */
  predictProba(features: FeatureMatrix): Float64Array {
    const f = this.options.useSequence
      ? features
      : { ...features, sequence: undefined, sequenceChannels: undefined };
    const t = this.preprocessor.transform(f);
    // An MLP runs in plain float64 (deep-churn-plain.ts); a sequence branch needs tfjs.
    if (isPlainMlp(this)) return plainLogits(this, t).map(sigmoid);
    return predictTransformed(this.preprocessor, this.model, t);
  }

  async toArtifacts(): Promise<ModelArtifacts<DeepModelJson>> {
    const { json, weights } = await saveLayersModel(this.model);
    return {
      manifest: {
        kind: 'deep-churn',
        formatVersion: ARTIFACT_FORMAT_VERSION,
        preprocessor: this.preprocessor.toJSON(),
        model: { options: structuredClone(this.options), layers: json, training: structuredClone(this.training) },
      },
      weights,
    };
  }

  static async fromArtifacts(artifacts: ModelArtifacts): Promise<DeepChurn> {
    assertArtifacts(artifacts, 'deep-churn');
    await ensureBackend();
    const m = artifacts.manifest.model as DeepModelJson;
    const model = await loadLayersModel(m.layers, artifacts.weights);
    return new DeepChurn(Preprocessor.fromJSON(artifacts.manifest.preprocessor), model, m.options, m.training);
  }

  /** Frees the network's weights. The object is unusable afterwards. */
  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Trains the model with and without the sequence branch on the same split and keeps the one with
 * the lower validation log loss (the other is disposed). Shapes as in DeepChurn.fit.
 */
export async function fitDeepChurnVariants(
  features: FeatureMatrix,
  labels: ArrayLike<number>,
  validation: { features: FeatureMatrix; labels: ArrayLike<number> },
  options: Partial<DeepChurnOptions> = {},
): Promise<{ best: DeepChurn; valLoss: { withSequence: number; withoutSequence: number } }> {
  const plain = await DeepChurn.fit(features, labels, { ...options, useSequence: false }, validation);
  if (features.sequence === undefined) {
    return { best: plain, valLoss: { withSequence: NaN, withoutSequence: plain.training.bestValLoss } };
  }
  const seq = await DeepChurn.fit(features, labels, { ...options, useSequence: true }, validation);
  const valLoss = { withSequence: seq.training.bestValLoss, withoutSequence: plain.training.bestValLoss };
  const [best, other] = valLoss.withSequence < valLoss.withoutSequence ? [seq, plain] : [plain, seq];
  other.dispose();
  return { best, valLoss };
}

function snapshot(model: tf.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => w.clone());
}

/** Rows of a transformed batch in a new order (a copy). */
function reorder(t: TransformedFeatures, order: Int32Array): TransformedFeatures {
  const w = t.numericWidth;
  const numeric = new Float32Array(t.numeric.length);
  order.forEach((src, dst) => numeric.set(t.numeric.subarray(src * w, src * w + w), dst * w));
  let sequence: Float32Array | null = null;
  if (t.sequence !== null) {
    const s = t.sequence.length / t.n;
    sequence = new Float32Array(t.sequence.length);
    order.forEach((src, dst) => sequence!.set(t.sequence!.subarray(src * s, src * s + s), dst * s));
  }
  return {
    n: t.n,
    numeric,
    numericWidth: w,
    categorical: t.categorical.map((c) => Int32Array.from(order, (i) => c[i])),
    sequence,
  };
}

/** Tensors in the network's input order for rows [from, to). */
function toInputs(pre: Preprocessor, t: TransformedFeatures, from = 0, to = t.n): tf.Tensor[] {
  const n = to - from;
  const w = t.numericWidth;
  const xs: tf.Tensor[] = [];
  if (w > 0) xs.push(tf.tensor2d(t.numeric.subarray(from * w, to * w), [n, w]));
  for (const c of t.categorical) xs.push(tf.tensor2d(c.subarray(from, to), [n, 1], 'int32'));
  const shape = pre.sequenceShape;
  if (t.sequence !== null && shape !== null) {
    const s = shape[0] * shape[1];
    xs.push(tf.tensor3d(t.sequence.subarray(from * s, to * s), [n, shape[0], shape[1]]));
  }
  return xs;
}

function predictTransformed(pre: Preprocessor, model: tf.LayersModel, t: TransformedFeatures): Float64Array {
  const out = new Float64Array(t.n);
  for (let from = 0; from < t.n; from += PREDICT_CHUNK) {
    const to = Math.min(t.n, from + PREDICT_CHUNK);
    const xs = toInputs(pre, t, from, to);
    // predict() would otherwise run its default batches of 32 rows: ~50x slower at this size.
    const y = model.predict(xs, { batchSize: to - from }) as tf.Tensor;
    out.set(y.dataSync(), from);
    tf.dispose([...xs, y]);
  }
  return out;
}
