import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { EvaluatedScorer } from './model-metadata';
import type { ModelVersionRow } from './model-version.entity';
import { RiskLevelBand, riskLevelBands } from './risk-level-band.types';

@ObjectType({ description: 'Counts of flagged and missed subscribers at the decision threshold.' })
export class ConfusionMatrix {
  @Field(() => Int, { description: 'Churners flagged.' }) tp!: number;
  @Field(() => Int, { description: 'Stayers flagged.' }) fp!: number;
  @Field(() => Int, { description: 'Stayers not flagged.' }) tn!: number;
  @Field(() => Int, { description: 'Churners missed.' }) fn!: number;
}

@ObjectType({ description: 'One bin of the reliability table: predicted against observed churn.' })
export class ReliabilityBin {
  @Field(() => Float, { description: "Lower bound of the bin's predicted probability." })
  lower!: number;
  @Field(() => Float, { description: "Upper bound of the bin's predicted probability." })
  upper!: number;
  @Field(() => Int, { description: 'Evaluation rows in the bin.' }) count!: number;
  @Field(() => Float, {
    nullable: true,
    description: "Mean predicted probability of the bin's rows; null when it is empty.",
  })
  meanPredicted!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: "Share of the bin's rows that churned; null when it is empty.",
  })
  observedRate!: number | null;
}

@ObjectType({
  description: 'Metrics of one scorer on the evaluation half of the validation snapshot.',
})
export class ModelMetrics {
  @Field({ description: 'Which scorer: a model variant, the baseline or the oracle.' })
  name!: string;
  @Field(() => Int, {
    description:
      'Evaluation rows (subscribers active at the validation snapshot, evaluation half).',
  })
  rows!: number;
  @Field(() => Int, { description: 'Of them, those who cancelled within the horizon.' })
  positives!: number;
  @Field(() => Float, { description: 'positives / rows.' }) prevalence!: number;
  @Field(() => Float, {
    description: 'Area under the ROC curve (0.5 is chance, 1 is perfect ranking).',
  })
  rocAuc!: number;
  @Field(() => Float, { description: 'Average precision.' }) prAuc!: number;
  @Field(() => Float, { description: 'Share of rows classified right at the threshold.' })
  accuracy!: number;
  @Field(() => Float, {
    description: 'Of the subscribers flagged at the threshold, the share who churned.',
  })
  precision!: number;
  @Field(() => Float, { description: 'Of the churners, the share flagged at the threshold.' })
  recall!: number;
  @Field(() => Float, { description: 'Harmonic mean of precision and recall at the threshold.' })
  f1!: number;
  @Field(() => Float, { description: 'Decision threshold on the calibrated probability.' })
  threshold!: number;
  @Field(() => Float, { description: 'Mean squared error of the probabilities (lower is better).' })
  brier!: number;
  @Field(() => Float, {
    description: 'Mean negative log-likelihood of the labels (lower is better).',
  })
  logLoss!: number;
  @Field(() => Float, { description: 'Expected calibration error, 10 bins.' }) ece!: number;
  @Field(() => Float, { description: 'Churn rate of the top 10% by score over the overall rate.' })
  topDecileLift!: number;
  @Field(() => ConfusionMatrix, { description: 'Counts at the threshold.' })
  confusionMatrix!: ConfusionMatrix;
  @Field(() => [ReliabilityBin], {
    description: 'Predicted against observed churn in 10 probability bins.',
  })
  reliability!: ReliabilityBin[];
}

@ObjectType({ description: 'A feature a model reads.' })
export class FeatureInfo {
  @Field({ description: 'Feature name, as in explanations and importance.' }) name!: string;
  @Field({ description: 'Human label.' }) label!: string;
  @Field({ description: 'What it measures, and over which window.' }) description!: string;
  @Field({ description: 'numeric or categorical.' }) kind!: string;
}

@ObjectType({ description: 'A trained churn model version (files under MODEL_DIR/<version>/).' })
export class ModelVersion {
  @Field({ description: 'Version name (its directory under MODEL_DIR).' }) version!: string;
  @Field({ description: 'logistic-regression or deep-churn.' }) kind!: string;
  @Field({ description: 'logistic, mlp or mlp+sequence.' }) variant!: string;
  @Field({ description: 'When it was trained.' }) createdAt!: Date;
  @Field({ description: 'Whether it serves scores now.' }) active!: boolean;
  @Field(() => Date, {
    nullable: true,
    description: 'When it last became the active model; null if never.',
  })
  activatedAt!: Date | null;
  @Field(() => Int, { description: 'Random seed of the fit.' }) seed!: number;
  @Field({ description: 'TensorFlow.js backend it was trained on (wasm or cpu).' })
  backend!: string;
  @Field(() => Float, { description: 'Wall-clock seconds the fit took.' }) trainingSeconds!: number;
  @Field(() => Float, {
    description:
      'Decision threshold on the calibrated probability (maximises F1 on the calibration half).',
  })
  threshold!: number;
  @Field({ description: 'Calibration of the raw scores: identity, platt or isotonic.' })
  calibration!: string;
  @Field({ description: 'SHA-256 of the training and validation matrices (ids, values, labels).' })
  dataFingerprint!: string;
  @Field(() => [Date], { description: 'Snapshot dates of the training rows.' })
  trainSnapshots!: Date[];
  @Field({ description: 'Snapshot date of the validation rows.' }) validationSnapshot!: Date;
  @Field(() => Int, {
    description:
      'Label horizon: a row is a churner when the subscriber cancels within this many days of its snapshot.',
  })
  horizonDays!: number;
  @Field({ description: 'The time split, in words.' }) splitDescription!: string;
  @Field(() => ModelMetrics, {
    description: 'This model on the evaluation half of the validation snapshot.',
  })
  metrics!: ModelMetrics;
  @Field(() => ModelMetrics, {
    description: 'The naive baseline (recency alone) on the same rows.',
  })
  baseline!: ModelMetrics;
  @Field(() => Float, {
    nullable: true,
    description: 'AUC of the true probabilities on the same rows (synthetic world).',
  })
  oracleAuc!: number | null;
  @Field(() => [ModelMetrics], { description: 'Every model trained in the same run.' })
  compared!: ModelMetrics[];
  @Field(() => [FeatureInfo], { description: 'The features it reads, in order.' })
  features!: FeatureInfo[];
  @Field(() => [RiskLevelBand], {
    description:
      'The risk levels this version cuts its probabilities into (chosen on its validation snapshot) and what each means; empty for versions trained before.',
  })
  riskLevels!: RiskLevelBand[];
}

/** NaN (undefined metrics) is not a GraphQL Float: report 0 instead. */
const finite = (x: number) => (Number.isFinite(x) ? x : 0);

export function toModelMetrics(m: EvaluatedScorer): ModelMetrics {
  return {
    name: m.name,
    rows: m.n,
    positives: m.positives,
    prevalence: finite(m.prevalence),
    rocAuc: finite(m.rocAuc),
    prAuc: finite(m.prAuc),
    accuracy: finite(m.accuracy),
    precision: finite(m.precision),
    recall: finite(m.recall),
    f1: finite(m.f1),
    threshold: finite(m.threshold),
    brier: finite(m.brier),
    logLoss: finite(m.logLoss),
    ece: finite(m.ece),
    topDecileLift: finite(m.topDecileLift),
    confusionMatrix: m.confusion,
    reliability: m.reliability,
  };
}

export function toModelVersion(row: ModelVersionRow): ModelVersion {
  const md = row.metadata;
  return {
    version: row.version,
    kind: row.kind,
    variant: md.variant,
    createdAt: row.createdAt,
    active: row.active,
    activatedAt: row.activatedAt,
    seed: md.seed,
    backend: md.backend,
    trainingSeconds: md.trainingSeconds,
    threshold: md.threshold,
    calibration: md.calibration.kind,
    dataFingerprint: md.dataFingerprint,
    trainSnapshots: md.split.trainSnapshots.map((s) => new Date(s)),
    validationSnapshot: new Date(md.split.validationSnapshot),
    horizonDays: md.split.horizonDays,
    splitDescription: md.split.description,
    metrics: toModelMetrics(md.metrics.model),
    baseline: toModelMetrics(md.metrics.baseline),
    oracleAuc: md.metrics.oracleAuc,
    compared: md.metrics.compared.map(toModelMetrics),
    features: md.features,
    riskLevels: riskLevelBands(md),
  };
}
