/**
 * L2-regularised logistic regression, trained with Adam in TensorFlow.js and scored in plain JS.
 * Coefficients live in the standardised design space (numeric z-scores, missing indicators, one-hot
 * categories), so the exact attribution of feature k to a score is coefficients[k] · (x_k − base_k).
 */
import * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '../backend';
import { validateFeatureMatrix, type FeatureMatrix } from '../data/dataset';
import {
  Preprocessor,
  type PreprocessorOptions,
  type TransformedFeatures,
} from '../data/preprocess';
import { createRng, permutation } from '../random';
import { sigmoid } from '../calibration/platt';
import { ARTIFACT_FORMAT_VERSION, assertArtifacts, type ModelArtifacts } from './artifacts';

export interface LogisticRegressionOptions {
  /** λ in mean log loss + (λ/2)·‖w‖² (intercept unpenalised). Default 1e-3. */
  l2?: number;
  /** Initial Adam step size; lowered 5× each time progress stalls. Default 0.05. */
  learningRate?: number;
  /** Cap on optimisation steps over all stages. Default 3000. */
  maxIterations?: number;
  /** A stage ends when 20 steps improve the loss by less than this (relative). Default 1e-7. */
  tolerance?: number;
  /** Rows per step; null for full batch (the default: deterministic and fast at this size). */
  batchSize?: number | null;
  /** Seeds the mini-batch order (full-batch training starts from zeros and needs no seed). */
  seed?: number;
  preprocess?: PreprocessorOptions;
}

export interface LogisticTrainingInfo {
  iterations: number;
  /** Final penalised training loss (nats per row). */
  loss: number;
  /** Euclidean norm of the penalised loss gradient at the end: ~0 means converged. */
  gradientNorm: number;
  ms: number;
}

interface LogisticModelJson {
  options: Required<Omit<LogisticRegressionOptions, 'preprocess'>>;
  designColumns: string[];
  coefficients: number[];
  intercept: number;
  training: LogisticTrainingInfo;
}

const STAGES = 4;

/** Dense design matrix from transformed features. Shape: [n, d] row-major. */
function buildDesign(t: TransformedFeatures, cards: number[]): Float32Array {
  const d = t.numericWidth + cards.reduce((a, b) => a + b, 0);
  const x = new Float32Array(t.n * d);
  for (let i = 0; i < t.n; i++) {
    const row = i * d;
    for (let k = 0; k < t.numericWidth; k++) x[row + k] = t.numeric[i * t.numericWidth + k];
    let offset = t.numericWidth;
    cards.forEach((card, f) => {
      x[row + offset + t.categorical[f][i]] = 1;
      offset += card;
    });
  }
  return x;
}

export class LogisticRegression {
  readonly kind = 'logistic-regression';

  private constructor(
    readonly preprocessor: Preprocessor,
    /** Names of the design columns, aligned with `coefficients`. */
    readonly designColumns: string[],
    /** Shape: [d], in the standardised design space. */
    readonly coefficients: Float64Array,
    readonly intercept: number,
    readonly options: Required<Omit<LogisticRegressionOptions, 'preprocess'>>,
    readonly training: LogisticTrainingInfo,
  ) {}

  /**
   * Fits the preprocessor and the model on training rows. Shapes: features [n, ·], labels [n] (0/1).
   */
  static async fit(
    features: FeatureMatrix,
    labels: ArrayLike<number>,
    options: LogisticRegressionOptions = {},
  ): Promise<LogisticRegression> {
    const start = performance.now();
    await ensureBackend();
    const opts = {
      l2: options.l2 ?? 1e-3,
      learningRate: options.learningRate ?? 0.05,
      maxIterations: options.maxIterations ?? 3000,
      tolerance: options.tolerance ?? 1e-7,
      batchSize: options.batchSize ?? null,
      seed: options.seed ?? 0,
    };
    const n = validateFeatureMatrix(features, labels);
    const pre = Preprocessor.fit(features, options.preprocess);
    const cards = pre.cardinalities;
    const design = buildDesign(pre.transform(features), cards);
    const d = design.length / Math.max(n, 1);
    let pos = 0;
    for (let i = 0; i < n; i++) pos += labels[i];
    // Starting the intercept at the log-odds of the base rate skips the slowest part of the descent.
    const prior = Math.min(Math.max(pos / n, 1e-6), 1 - 1e-6);
    const x = tf.tensor2d(design, [n, d]);
    const y = tf.tensor2d(Float32Array.from(labels), [n, 1]);
    // tidy frees the initial values; the variables themselves survive it.
    const w = tf.tidy(() => tf.variable(tf.zeros([d, 1])));
    const b = tf.tidy(() => tf.variable(tf.scalar(Math.log(prior / (1 - prior)))));
    const lossOf = (xb: tf.Tensor2D, yb: tf.Tensor2D): tf.Scalar =>
      tf.tidy(() => {
        const z = tf.add(tf.matMul(xb, w), b);
        // Stable mean log loss: max(z,0) − z·y + log(1 + e^−|z|).
        const nll = tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, yb)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))));
        return tf.add(nll, tf.mul(opts.l2 / 2, tf.sum(tf.square(w)))) as tf.Scalar;
      });
    const rng = createRng(opts.seed);
    let iterations = 0;
    let loss = Infinity;
    let gradientNorm = NaN;
    try {
      for (let stage = 0; stage < STAGES && iterations < opts.maxIterations; stage++) {
        // Full-batch Adam keeps stepping by ~lr near the optimum; a fresh, 5× smaller step per stage
        // settles it instead of letting it hover.
        const optimizer = tf.train.adam(opts.learningRate / 5 ** stage);
        let windowStart = Infinity;
        try {
          while (iterations < opts.maxIterations) {
            if (opts.batchSize === null || opts.batchSize >= n) {
              optimizer.minimize(() => lossOf(x, y));
            } else {
              miniBatchEpoch(x, y, n, opts.batchSize, rng, optimizer, lossOf);
            }
            iterations++;
            if (iterations % 20 === 0) {
              loss = tf.tidy(() => lossOf(x, y).dataSync()[0]);
              if (windowStart - loss < opts.tolerance * Math.max(1, Math.abs(loss))) break;
              windowStart = loss;
            }
          }
        } finally {
          optimizer.dispose();
        }
      }
      [loss, gradientNorm] = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => lossOf(x, y), [w, b]);
        const norm = tf.sqrt(tf.add(tf.sum(tf.square(grads[w.name])), tf.square(grads[b.name])));
        return [value.dataSync()[0], norm.dataSync()[0]];
      });
      const coefficients = Float64Array.from(await w.data());
      const intercept = (await b.data())[0];
      const training = { iterations, loss, gradientNorm, ms: performance.now() - start };
      return new LogisticRegression(pre, designColumnNames(pre), coefficients, intercept, opts, training);
    } finally {
      tf.dispose([x, y, w, b]);
    }
  }

  /** The design matrix the coefficients apply to. Shape: [n, d] row-major. */
  design(features: FeatureMatrix): Float32Array {
    return buildDesign(this.preprocessor.transform(features), this.preprocessor.cardinalities);
  }

  /**
   * Log-odds of churn in pure JS (no tensors): intercept + Σ coefficient · design value, without
   * materialising one-hot columns. Shape: features [n, ·] → [n].
   */
  predictLogits(features: FeatureMatrix): Float64Array {
    return this.logitsFromTransformed(this.preprocessor.transform(features));
  }

  /** Churn probabilities. Shape: features [n, ·] → [n]. */
  predictProba(features: FeatureMatrix): Float64Array {
    return this.predictLogits(features).map(sigmoid);
  }

  /** Log-odds from an already transformed batch (see Preprocessor.transform). Shape: [n]. */
  logitsFromTransformed(t: TransformedFeatures): Float64Array {
    const { coefficients: c, intercept } = this;
    const w = t.numericWidth;
    const cards = this.preprocessor.cardinalities;
    const offsets = cards.map((_, f) => w + cards.slice(0, f).reduce((a, b) => a + b, 0));
    const out = new Float64Array(t.n);
    for (let i = 0; i < t.n; i++) {
      let z = intercept;
      const row = i * w;
      for (let k = 0; k < w; k++) z += c[k] * t.numeric[row + k];
      for (let f = 0; f < offsets.length; f++) z += c[offsets[f] + t.categorical[f][i]];
      out[i] = z;
    }
    return out;
  }

  toArtifacts(): ModelArtifacts<LogisticModelJson> {
    return {
      manifest: {
        kind: 'logistic-regression',
        formatVersion: ARTIFACT_FORMAT_VERSION,
        preprocessor: this.preprocessor.toJSON(),
        model: {
          options: { ...this.options },
          designColumns: [...this.designColumns],
          coefficients: Array.from(this.coefficients),
          intercept: this.intercept,
          training: { ...this.training },
        },
      },
      // Weights are few and float64; JSON keeps them exact, so the blob stays empty.
      weights: new ArrayBuffer(0),
    };
  }

  static fromArtifacts(artifacts: ModelArtifacts): LogisticRegression {
    assertArtifacts(artifacts, 'logistic-regression');
    const m = artifacts.manifest.model as LogisticModelJson;
    return new LogisticRegression(
      Preprocessor.fromJSON(artifacts.manifest.preprocessor),
      [...m.designColumns],
      Float64Array.from(m.coefficients),
      m.intercept,
      { ...m.options },
      { ...m.training },
    );
  }
}

/** Column names of the design matrix: numeric inputs, then `field=category` one-hots. */
export function designColumnNames(pre: Preprocessor): string[] {
  const names = [...pre.numericColumns];
  for (const field of pre.state.categorical) {
    names.push(`${field.name}=(other)`, ...field.vocabulary.map((v) => `${field.name}=${v}`));
  }
  return names;
}

function miniBatchEpoch(
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  n: number,
  batchSize: number,
  rng: ReturnType<typeof createRng>,
  optimizer: tf.Optimizer,
  lossOf: (xb: tf.Tensor2D, yb: tf.Tensor2D) => tf.Scalar,
): void {
  const order = permutation(n, rng);
  for (let s = 0; s < n; s += batchSize) {
    const idx = tf.tensor1d(order.subarray(s, Math.min(n, s + batchSize)), 'int32');
    const xb = tf.gather(x, idx);
    const yb = tf.gather(y, idx);
    optimizer.minimize(() => lossOf(xb, yb));
    tf.dispose([idx, xb, yb]);
  }
}
