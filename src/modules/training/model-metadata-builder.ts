/**
 * What a registered model version records about itself (models/<version>/metadata.json): its features,
 * preprocessing, calibration, threshold, the split it was fitted and judged on, its risk bands and
 * its measured figures beside the baseline and the oracle.
 */
import { activeBackend } from '../../ml';
import { FEATURES, SEQUENCE_CHANNELS, SEQUENCE_DAYS } from '../features/feature-definitions';
import type { SnapshotPlan } from '../features/snapshot-plan';
import { explanationReference } from '../model-registry/explanation-reference';
import type { EvaluatedScorer, ModelMetadata } from '../model-registry/model-metadata';
import type { Candidate, LabelledMatrix } from './fit-candidates';
import { riskLevelsOf } from './risk-levels-fit';
import type { TrainOptions } from './training.service';

const SPLIT_DESCRIPTION =
  'Fit on the training snapshots; the validation snapshot (labels entirely after every training label) ' +
  'is split by user into a calibration half (early stopping, calibration, threshold, deep-variant choice) ' +
  'and an evaluation half (every reported metric, and the comparison with the active model).';

export function metadataFor(
  c: Candidate,
  options: TrainOptions,
  plan: SnapshotPlan,
  sets: { train: LabelledMatrix; cal: LabelledMatrix; evalSet: LabelledMatrix },
  fingerprint: string,
  baseline: EvaluatedScorer,
  oracleAuc: number | null,
  compared: EvaluatedScorer[],
): ModelMetadata {
  const created = new Date();
  const kind = c.variant === 'logistic' ? 'logistic-regression' : 'deep-churn';
  return {
    version: `${created.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${c.variant === 'logistic' ? 'logistic' : c.variant.replace('+', '-')}`,
    kind,
    variant: c.variant,
    createdAt: created.toISOString(),
    seed: options.seed,
    backend: activeBackend(),
    trainingSeconds: c.trainingSeconds,
    features: FEATURES.map((f) => ({
      name: f.name,
      label: f.label,
      description: f.description,
      kind: f.kind,
    })),
    sequence:
      c.variant === 'mlp+sequence'
        ? { days: SEQUENCE_DAYS, channels: [...SEQUENCE_CHANNELS] }
        : null,
    normalisation: c.model.preprocessor.toJSON(),
    calibration: c.calibrator.toJSON(),
    threshold: c.threshold,
    split: {
      horizonDays: plan.horizonDays,
      trainSnapshots: plan.train.map((t) => t.toISOString()),
      validationSnapshot: plan.validation.toISOString(),
      trainRows: sets.train.labels.length,
      calibrationRows: sets.cal.labels.length,
      evaluationRows: sets.evalSet.labels.length,
      description: SPLIT_DESCRIPTION,
    },
    explanation: explanationReference(c.model.preprocessor, sets.train.features),
    riskLevels: riskLevelsOf(c, sets.cal, sets.evalSet),
    dataFingerprint: fingerprint,
    metrics: { model: c.evaluation, baseline, oracleAuc, compared },
  };
}
