import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { EvaluatedScorer } from './model-metadata';
import type { ModelVersionRow } from './model-version.entity';
import { RiskLevelBand, riskLevelBands } from './risk-level-band.types';

@ObjectType()
export class ConfusionMatrix {
  @Field(() => Int, { description: 'Churners flagged.' }) tp!: number;
  @Field(() => Int, { description: 'Stayers flagged.' }) fp!: number;
  @Field(() => Int, { description: 'Stayers not flagged.' }) tn!: number;
  @Field(() => Int, { description: 'Churners missed.' }) fn!: number;
}

@ObjectType({ description: 'One bin of the reliability table: predicted against observed churn.' })
export class ReliabilityBin {
  @Field(() => Float) lower!: number;
  @Field(() => Float) upper!: number;
  @Field(() => Int) count!: number;
  @Field(() => Float, { nullable: true }) meanPredicted!: number | null;
  @Field(() => Float, { nullable: true }) observedRate!: number | null;
}

@ObjectType({
  description: 'Metrics of one scorer on the evaluation half of the validation snapshot.',
})
export class ModelMetrics {
  @Field() name!: string;
  @Field(() => Int) rows!: number;
  @Field(() => Int) positives!: number;
  @Field(() => Float) prevalence!: number;
  @Field(() => Float) rocAuc!: number;
  @Field(() => Float, { description: 'Average precision.' }) prAuc!: number;
  @Field(() => Float) accuracy!: number;
  @Field(() => Float) precision!: number;
  @Field(() => Float) recall!: number;
  @Field(() => Float) f1!: number;
  @Field(() => Float, { description: 'Decision threshold on the calibrated probability.' })
  threshold!: number;
  @Field(() => Float) brier!: number;
  @Field(() => Float) logLoss!: number;
  @Field(() => Float, { description: 'Expected calibration error, 10 bins.' }) ece!: number;
  @Field(() => Float, { description: 'Churn rate of the top 10% by score over the overall rate.' })
  topDecileLift!: number;
  @Field(() => ConfusionMatrix) confusionMatrix!: ConfusionMatrix;
  @Field(() => [ReliabilityBin]) reliability!: ReliabilityBin[];
}

@ObjectType()
export class FeatureInfo {
  @Field() name!: string;
  @Field() label!: string;
  @Field() description!: string;
  @Field() kind!: string;
}

@ObjectType({ description: 'A trained churn model version (files under MODEL_DIR/<version>/).' })
export class ModelVersion {
  @Field() version!: string;
  @Field({ description: 'logistic-regression or deep-churn.' }) kind!: string;
  @Field({ description: 'logistic, mlp or mlp+sequence.' }) variant!: string;
  @Field() createdAt!: Date;
  @Field() active!: boolean;
  @Field(() => Date, { nullable: true }) activatedAt!: Date | null;
  @Field(() => Int) seed!: number;
  @Field() backend!: string;
  @Field(() => Float) trainingSeconds!: number;
  @Field(() => Float) threshold!: number;
  @Field() calibration!: string;
  @Field() dataFingerprint!: string;
  @Field(() => [Date]) trainSnapshots!: Date[];
  @Field() validationSnapshot!: Date;
  @Field(() => Int) horizonDays!: number;
  @Field() splitDescription!: string;
  @Field(() => ModelMetrics) metrics!: ModelMetrics;
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
  @Field(() => [FeatureInfo]) features!: FeatureInfo[];
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
