/**
 * Discrete-time hazard model: for a subscriber with features x at a snapshot, the probability of
 * cancelling on day t of the future given they had not before, h(t | x), is constant within
 * periods of `periodDays` days and logit h = f(x, time features of the period). From it,
 * S(t) = Π_{s ≤ t} (1 − h(s | x)) for t = 1 … horizonDays: monotone, S(0) = 1 by construction.
 *
 * Two variants of f: 'logistic' (linear, fitted exactly by Newton's method) and 'deep' (an MLP in
 * tfjs, so effects can change with time). Both train on person-period rows (person-period.ts) built
 * from follow-up that stops at each subject's censoring day, so no row sees past its cutoff.
 */
import type * as tf from '@tensorflow/tfjs';
import { ensureBackend } from '../backend';
import { validateFeatureMatrix, type FeatureMatrix } from '../data/dataset';
import { Preprocessor, type PreprocessorOptions } from '../data/preprocess';
import {
  ARTIFACT_FORMAT_VERSION,
  assertArtifacts,
  loadLayersModel,
  saveLayersModel,
  type LayersModelJson,
  type ModelArtifacts,
} from '../models/artifacts';
import { validateOutcomes, type SurvivalOutcomes } from './follow-up';
import {
  clockValues,
  periodDesign,
  riskScores,
  subjectDesign,
  subjectDesignNames,
  timeFeatureNames,
} from './hazard-design';
import { fitHazardNewton } from './hazard-newton';
import {
  fitHazardNetwork,
  lossPerDay,
  predictLogits,
  type HazardEpoch,
  type HazardRows,
} from './hazard-network';
import { periodBounds, periodMidpoints, periodOfDay, personPeriods } from './person-period';

export type HazardVariant = 'logistic' | 'deep';

export interface DiscreteHazardOptions {
  variant: HazardVariant;
  seed: number;
  /** Days per period of constant hazard. Default 7. */
  periodDays: number;
  /** Length of the curves, in days. Default 180. */
  horizonDays: number;
  /** A numeric feature that grows one a day (tenure in days), or null. Default null. */
  clockFeature: string | null;
  /**
   * Logistic variant: let the effect of the snapshot's features fade with time, through a second
   * fit with the first fit's risk score × log1p(day / 30) as a column. Default true.
   */
  fadingEffects: boolean;
  /** L2 penalty: per subject on the linear weights; on the kernels of the deep variant. */
  l2: number;
  /** Deep variant: units per hidden layer. Default [32, 16]. */
  hidden: number[];
  learningRate: number;
  epochs: number;
  batchSize: number;
  patience: number;
  preprocess?: PreprocessorOptions;
}

export const DISCRETE_HAZARD_DEFAULTS: DiscreteHazardOptions = {
  variant: 'logistic',
  seed: 0,
  periodDays: 7,
  horizonDays: 180,
  clockFeature: null,
  fadingEffects: true,
  l2: 1e-3,
  hidden: [32, 16],
  learningRate: 2e-3,
  epochs: 30,
  batchSize: 512,
  patience: 4,
};

/** Subjects: features at their snapshot and their follow-up from it. */
export interface SurvivalData {
  features: FeatureMatrix;
  outcomes: SurvivalOutcomes;
}

export interface HazardTrainingInfo {
  subjects: number;
  events: number;
  personPeriodRows: number;
  /** Newton iterations (logistic) or epochs run (deep). */
  iterations: number;
  bestEpoch: number | null;
  trainLossPerDay: number;
  /** On the validation subjects, when given. */
  validationLossPerDay: number | null;
  history: HazardEpoch[];
  ms: number;
}

/** Curves and their tails for n subjects. */
export interface SurvivalPrediction {
  /** S(t) for t = 1 … horizonDays. Shape: [n][horizonDays]. */
  curves: Float64Array[];
  /** Daily hazard of the last period, which continues each curve beyond its end. Shape: [n]. */
  tailHazards: Float64Array;
}

/** The first fit's weights on the subject design and the scale of its scores (fading effects). */
interface RiskScale {
  weights: number[];
  mean: number;
  sd: number;
}

interface HazardModelJson {
  options: Omit<DiscreteHazardOptions, 'preprocess'>;
  bounds: number[];
  designColumns: string[];
  linear: { weights: number[]; intercept: number } | null;
  fade: RiskScale | null;
  layers: LayersModelJson | null;
  training: HazardTrainingInfo;
}

export class DiscreteHazardModel {
  readonly kind = 'discrete-hazard';

  private constructor(
    readonly preprocessor: Preprocessor,
    readonly options: Omit<DiscreteHazardOptions, 'preprocess'>,
    readonly bounds: number[],
    readonly designColumns: string[],
    private readonly linear: { weights: Float64Array; intercept: number } | null,
    private readonly network: tf.LayersModel | null,
    readonly training: HazardTrainingInfo,
    private readonly fade: RiskScale | null = null,
  ) {}

  get variant(): HazardVariant {
    return this.options.variant;
  }

  /**
   * Fits the preprocessor on the training subjects and the hazard on their person-period rows.
   * `validation` subjects (their own follow-up) drive the deep variant's early stopping and are
   * reported for both. Shapes: features [n, ·], outcomes [n].
   */
  static async fit(
    train: SurvivalData,
    options: Partial<DiscreteHazardOptions> = {},
    validation?: SurvivalData,
    onEpoch?: (epoch: number, logs: HazardEpoch) => void | Promise<void>,
  ): Promise<DiscreteHazardModel> {
    const start = performance.now();
    const { preprocess, ...o } = { ...DISCRETE_HAZARD_DEFAULTS, ...options };
    const n = validateFeatureMatrix(train.features);
    if (validateOutcomes(train.outcomes) !== n) {
      throw new Error(`${n} subjects' features but ${train.outcomes.time.length} outcomes`);
    }
    const plain = withoutSequence(train.features);
    const pre = Preprocessor.fit(plain, preprocess);
    const bounds = periodBounds(o.horizonDays, o.periodDays);
    const events = Array.from(train.outcomes.event).reduce((a, b) => a + b, 0);
    if (o.variant === 'logistic') {
      const fitLinear = (fade: RiskScale | null) => {
        const rows = hazardRows(pre, o.clockFeature, bounds, { ...train, features: plain }, fade);
        const fit = fitHazardNewton(rows.x, rows.width, rows.exposure, rows.event, {
          l2: o.l2,
          subjects: n,
        });
        return { rows, fit };
      };
      let { rows, fit } = fitLinear(null);
      let fade: RiskScale | null = null;
      if (o.fadingEffects) {
        fade = riskScale(subjectDesign(pre, plain), fit.weights);
        ({ rows, fit } = fitLinear(fade));
      }
      const linear = { weights: fit.weights, intercept: fit.intercept };
      const valRows = validation ? hazardRows(pre, o.clockFeature, bounds, validation, fade) : null;
      const training: HazardTrainingInfo = {
        subjects: n,
        events,
        personPeriodRows: rows.exposure.length,
        iterations: fit.iterations,
        bestEpoch: null,
        trainLossPerDay: fit.lossPerDay,
        validationLossPerDay: valRows ? lossPerDay(linearLogits(linear, valRows), valRows) : null,
        history: [],
        ms: performance.now() - start,
      };
      const columns = [
        ...subjectDesignNames(pre),
        ...timeFeatureNames(o.clockFeature !== null, fade !== null),
      ];
      return new DiscreteHazardModel(pre, o, bounds, columns, linear, null, training, fade);
    }
    const rows = hazardRows(pre, o.clockFeature, bounds, { ...train, features: plain }, null);
    const valRows = validation ? hazardRows(pre, o.clockFeature, bounds, validation, null) : null;
    const designColumns = [
      ...subjectDesignNames(pre),
      ...timeFeatureNames(o.clockFeature !== null),
    ];
    const base = { subjects: n, events, personPeriodRows: rows.exposure.length };
    await ensureBackend();
    const { model, info } = await fitHazardNetwork(rows, valRows, o, onEpoch);
    const training: HazardTrainingInfo = {
      ...base,
      iterations: info.epochs,
      bestEpoch: info.bestEpoch,
      trainLossPerDay: lossPerDay(predictLogits(model, rows.x, rows.width), rows),
      validationLossPerDay: valRows ? info.bestValLoss : null,
      history: info.history,
      ms: performance.now() - start,
    };
    return new DiscreteHazardModel(pre, o, bounds, designColumns, null, model, training);
  }

  /** Survival curves and tail hazards. Shape: features [n, ·] → curves [n][horizonDays]. */
  predict(features: FeatureMatrix): SurvivalPrediction {
    const plain = withoutSequence(features);
    const n = validateFeatureMatrix(plain);
    const periods = this.bounds.length - 1;
    const subjects = new Int32Array(n * periods);
    const period = new Int32Array(n * periods);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < periods; k++) {
        subjects[i * periods + k] = i;
        period[i * periods + k] = k;
      }
    }
    const subject = subjectDesign(this.preprocessor, plain);
    const design = periodDesign(
      subject,
      clockValues(plain, this.options.clockFeature),
      periodMidpoints(this.bounds),
      subjects,
      period,
      this.fade ? riskScores(subject, this.fade.weights, this.fade) : null,
    );
    const z = this.linear
      ? linearLogits(this.linear, design)
      : predictLogits(this.network!, design.x, design.width);
    const H = this.options.horizonDays;
    const dayPeriod = Array.from({ length: H }, (_, t) => periodOfDay(this.bounds, t + 1));
    const curves: Float64Array[] = [];
    const tailHazards = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const curve = new Float64Array(H);
      let s = 1;
      for (let t = 0; t < H; t++) {
        s *= 1 - sigmoid(z[i * periods + dayPeriod[t]]);
        curve[t] = s;
      }
      curves.push(curve);
      tailHazards[i] = sigmoid(z[i * periods + periods - 1]);
    }
    return { curves, tailHazards };
  }

  async toArtifacts(): Promise<ModelArtifacts<HazardModelJson>> {
    const saved = this.network ? await saveLayersModel(this.network) : null;
    return {
      manifest: {
        kind: 'discrete-hazard',
        formatVersion: ARTIFACT_FORMAT_VERSION,
        preprocessor: this.preprocessor.toJSON(),
        model: {
          options: structuredClone(this.options),
          bounds: [...this.bounds],
          designColumns: [...this.designColumns],
          linear: this.linear
            ? { weights: Array.from(this.linear.weights), intercept: this.linear.intercept }
            : null,
          fade: this.fade ? structuredClone(this.fade) : null,
          layers: saved?.json ?? null,
          training: structuredClone(this.training),
        },
      },
      weights: saved?.weights ?? new ArrayBuffer(0),
    };
  }

  static async fromArtifacts(artifacts: ModelArtifacts): Promise<DiscreteHazardModel> {
    assertArtifacts(artifacts, 'discrete-hazard');
    const m = artifacts.manifest.model as HazardModelJson;
    let network: tf.LayersModel | null = null;
    if (m.layers) {
      await ensureBackend();
      network = await loadLayersModel(m.layers, artifacts.weights);
    }
    return new DiscreteHazardModel(
      Preprocessor.fromJSON(artifacts.manifest.preprocessor),
      m.options,
      m.bounds,
      m.designColumns,
      m.linear
        ? { weights: Float64Array.from(m.linear.weights), intercept: m.linear.intercept }
        : null,
      network,
      m.training,
      m.fade ?? null,
    );
  }

  /** Frees the deep variant's weights (nothing to free for the linear one). */
  dispose(): void {
    this.network?.dispose();
  }
}

/** Person-period design rows of subjects over `bounds`. */
function hazardRows(
  pre: Preprocessor,
  clockFeature: string | null,
  bounds: number[],
  data: SurvivalData,
  fade: RiskScale | null,
): HazardRows {
  const plain = withoutSequence(data.features);
  const pp = personPeriods(data.outcomes, bounds);
  const subject = subjectDesign(pre, plain);
  const design = periodDesign(
    subject,
    clockValues(plain, clockFeature),
    periodMidpoints(bounds),
    pp.subject,
    pp.period,
    fade ? riskScores(subject, fade.weights, fade) : null,
  );
  return { x: design.x, width: design.width, exposure: pp.exposure, event: pp.event };
}

/** The scale of a first fit's scores over the training subjects. */
function riskScale(subject: { x: Float64Array; width: number }, weights: Float64Array): RiskScale {
  const w = Array.from(weights.subarray(0, subject.width));
  const raw = riskScores(subject, w, { mean: 0, sd: 1 });
  const mean = raw.reduce((a, b) => a + b, 0) / Math.max(1, raw.length);
  const sd = Math.sqrt(raw.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, raw.length));
  return { weights: w, mean, sd: sd > 0 ? sd : 1 };
}

function linearLogits(
  linear: { weights: Float64Array; intercept: number },
  rows: { x: Float64Array; width: number },
): Float64Array {
  const r = rows.x.length / rows.width;
  const out = new Float64Array(r);
  for (let k = 0; k < r; k++) {
    let z = linear.intercept;
    for (let j = 0; j < rows.width; j++) z += rows.x[k * rows.width + j] * linear.weights[j];
    out[k] = z;
  }
  return out;
}

function withoutSequence(features: FeatureMatrix): FeatureMatrix {
  return { ...features, sequence: undefined, sequenceChannels: undefined };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
