/**
 * The deep discrete-time hazard: an MLP from a (subject, period) design row to the logit of the
 * daily hazard, so the effect of a feature may change with time and with the other features.
 * Trained with tfjs on the person-period binomial loss e·softplus(−z) + (n − e)·softplus(z) (n days
 * exposed, e the event), with Adam, seeded initialisers and batch order, and early stopping on a
 * validation set's loss with the best epoch's weights restored.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, permutation } from '../random';

export interface HazardNetworkOptions {
  /** Units per hidden layer. */
  hidden: number[];
  /** L2 penalty on the dense kernels. */
  l2: number;
  learningRate: number;
  epochs: number;
  batchSize: number;
  /** Epochs without a validation improvement before stopping. */
  patience: number;
  seed: number;
}

/** Person-period rows as the network sees them. */
export interface HazardRows {
  /** Shape: [r, width] row-major. */
  x: Float64Array;
  width: number;
  /** Days exposed per row. Shape: [r]. */
  exposure: ArrayLike<number>;
  /** 0/1 per row. Shape: [r]. */
  event: ArrayLike<number>;
}

export interface HazardEpoch {
  loss: number;
  /** Validation negative log-likelihood per exposed day. */
  valLoss: number;
  ms: number;
}

export interface HazardNetworkInfo {
  epochs: number;
  bestEpoch: number;
  bestValLoss: number;
  history: HazardEpoch[];
}

const PREDICT_CHUNK = 16384;

/** Fits the network; `validation` drives early stopping (the training rows when null). */
export async function fitHazardNetwork(
  train: HazardRows,
  validation: HazardRows | null,
  options: HazardNetworkOptions,
  onEpoch?: (epoch: number, logs: HazardEpoch) => void | Promise<void>,
): Promise<{ model: tf.LayersModel; info: HazardNetworkInfo }> {
  const rng = createRng(options.seed);
  const model = buildNetwork(train, options, () => rng.seed());
  // A hand-written step, not model.fit: the target is two numbers per row (days exposed, event)
  // while the output is one logit, a shape fit() refuses.
  const optimizer = tf.train.adam(options.learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernels = model.trainableWeights
    .filter((w) => w.name.includes('kernel'))
    .map((w) => w.read());
  const val = validation ?? train;
  const r = train.exposure.length;
  const history: HazardEpoch[] = [];
  let best = { epoch: -1, valLoss: Infinity, weights: [] as tf.Tensor[] };
  let sinceBest = 0;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const t0 = performance.now();
      const order = permutation(r, rng);
      let lossSum = 0;
      for (let from = 0; from < r; from += options.batchSize) {
        const idx = order.subarray(from, Math.min(r, from + options.batchSize));
        const xb = tf.tensor2d(gatherRows(train.x, train.width, idx), [idx.length, train.width]);
        const nb = tf.tensor2d(
          Float32Array.from(idx, (i) => train.exposure[i]),
          [idx.length, 1],
        );
        const eb = tf.tensor2d(
          Float32Array.from(idx, (i) => train.event[i]),
          [idx.length, 1],
        );
        const cost = optimizer.minimize(
          () =>
            tf.tidy(() => {
              const z = model.apply(xb, { training: true }) as tf.Tensor;
              const nll = tf.mean(
                tf.add(tf.mul(eb, tf.softplus(tf.neg(z))), tf.mul(tf.sub(nb, eb), tf.softplus(z))),
              );
              const penalty = kernels.reduce(
                (sum: tf.Tensor, k) => tf.add(sum, tf.sum(tf.square(k))),
                tf.scalar(0),
              );
              return tf.add(nll, tf.mul(options.l2, penalty)) as tf.Scalar;
            }),
          true,
          variables,
        );
        lossSum += (cost?.dataSync()[0] ?? 0) * idx.length;
        tf.dispose([xb, nb, eb, cost as tf.Tensor]);
      }
      const logs: HazardEpoch = {
        loss: lossSum / r,
        valLoss: lossPerDay(predictLogits(model, val.x, val.width), val),
        ms: performance.now() - t0,
      };
      history.push(logs);
      if (onEpoch) await onEpoch(epoch, logs);
      if (logs.valLoss < best.valLoss - 1e-7) {
        tf.dispose(best.weights);
        best = { epoch, valLoss: logs.valLoss, weights: model.getWeights().map((w) => w.clone()) };
        sinceBest = 0;
      } else if (++sinceBest >= options.patience) break;
    }
    if (best.weights.length > 0) model.setWeights(best.weights);
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    tf.dispose(best.weights);
    optimizer.dispose();
  }
  return {
    model,
    info: { epochs: history.length, bestEpoch: best.epoch, bestValLoss: best.valLoss, history },
  };
}

/** Logits of the daily hazard per row. Shapes: x [r, width] → [r]. */
export function predictLogits(model: tf.LayersModel, x: Float64Array, width: number): Float64Array {
  const r = x.length / width;
  const out = new Float64Array(r);
  for (let from = 0; from < r; from += PREDICT_CHUNK) {
    const to = Math.min(r, from + PREDICT_CHUNK);
    const chunk = tf.tensor2d(Float32Array.from(x.subarray(from * width, to * width)), [
      to - from,
      width,
    ]);
    const z = model.predict(chunk) as tf.Tensor;
    out.set(z.dataSync(), from);
    tf.dispose([chunk, z]);
  }
  return out;
}

/** Negative log-likelihood per exposed day of logits `z` on `rows`. */
export function lossPerDay(
  z: ArrayLike<number>,
  rows: Pick<HazardRows, 'exposure' | 'event'>,
): number {
  let loss = 0;
  let days = 0;
  for (let k = 0; k < z.length; k++) {
    const e = rows.event[k];
    const n = rows.exposure[k];
    loss += e * softplus(-z[k]) + (n - e) * softplus(z[k]);
    days += n;
  }
  return loss / Math.max(days, 1);
}

function buildNetwork(
  train: HazardRows,
  o: HazardNetworkOptions,
  nextSeed: () => number,
): tf.LayersModel {
  let days = 0;
  let events = 0;
  for (let k = 0; k < train.exposure.length; k++) {
    days += train.exposure[k];
    events += train.event[k];
  }
  const pooled = Math.min(Math.max(events / Math.max(days, 1), 1e-9), 1 - 1e-9);
  const model = tf.sequential();
  o.hidden.forEach((units, k) =>
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        inputShape: k === 0 ? [train.width] : undefined,
        kernelInitializer: tf.initializers.heNormal({ seed: nextSeed() }),
        name: `hidden_${k}`,
      }),
    ),
  );
  model.add(
    tf.layers.dense({
      units: 1,
      inputShape: o.hidden.length === 0 ? [train.width] : undefined,
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      // Start at the pooled daily hazard, so the first epochs learn differences, not the base rate.
      biasInitializer: tf.initializers.constant({ value: Math.log(pooled / (1 - pooled)) }),
      name: 'logit',
    }),
  );
  return model;
}

function gatherRows(x: Float64Array, width: number, order: Int32Array): Float32Array {
  const out = new Float32Array(order.length * width);
  for (let k = 0; k < order.length; k++) {
    const from = order[k] * width;
    for (let j = 0; j < width; j++) out[k * width + j] = x[from + j];
  }
  return out;
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
