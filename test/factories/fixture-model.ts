/**
 * A served churn model with known behaviour, for the live tests: a logistic regression whose
 * preprocessing is fitted like any other (on plausible feature rows) but whose coefficients are set by
 * hand, so a test knows which events raise or lower a subscriber's risk. Registered and activated
 * through the real registry (files under MODEL_DIR, row in model_versions).
 */
import { evaluateBinary, LogisticRegression, type FeatureMatrix } from '../../src/ml';
import {
  CATEGORICAL_FEATURES,
  FEATURES,
  NUMERIC_FEATURES,
  SEQUENCE_CHANNELS,
} from '../../src/modules/features/feature-definitions';
import { explanationReference } from '../../src/modules/model-registry/explanation-reference';
import type { ModelMetadata } from '../../src/modules/model-registry/model-metadata';
import type { Services } from '../../src/app/services';

/**
 * Logit = intercept + Σ weight × raw value / scale: the weighted features are given identity-like
 * preprocessing (mean 0, std = scale, no log), so the weights read in raw units.
 */
export interface FixtureWeights {
  intercept: number;
  weights: Partial<Record<string, { weight: number; scale: number }>>;
}

/**
 * Default: logit = −4 + 5 × abandoned share (30 d) + days since the last view / 10.
 * A 10-day subscriber who never watched: −3 (p 0.05, LOW). Three abandoned views: ≈ +1 (p 0.73,
 * CRITICAL). Finished views: ≈ −4 (p 0.02, LOW). Thresholds are the defaults 0.1 / 0.25 / 0.5.
 */
export const DEFAULT_FIXTURE: FixtureWeights = {
  intercept: -4,
  weights: {
    abandoned_share_30d: { weight: 5, scale: 1 },
    days_since_last_view: { weight: 1, scale: 10 },
  },
};

function plausibleRows(n: number): FeatureMatrix {
  let s = 7;
  const rand = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
  const numeric = Array.from({ length: n }, () =>
    NUMERIC_FEATURES.map((name) => {
      if (name === 'abandoned_share_30d') return rand();
      if (name === 'days_since_last_view') return rand() * 40;
      if (name.startsWith('mean_completion')) return rand();
      return rand() * 20;
    }),
  );
  const categorical = Array.from({ length: n }, (_, i) =>
    CATEGORICAL_FEATURES.map((name) =>
      name === 'plan'
        ? ['BASIC', 'STANDARD', 'PREMIUM'][i % 3]
        : name === 'country'
          ? 'DE'
          : '25-34',
    ),
  );
  return {
    numeric,
    numericNames: [...NUMERIC_FEATURES],
    categorical,
    categoricalNames: [...CATEGORICAL_FEATURES],
    sequence: Array.from({ length: n }, () => []),
    sequenceChannels: [...SEQUENCE_CHANNELS],
  };
}

export async function installFixtureModel(
  services: Services,
  fixture: FixtureWeights = DEFAULT_FIXTURE,
  version = `fixture-${Date.now().toString(36)}`,
): Promise<string> {
  const rows = plausibleRows(200);
  const labels = rows.numeric.map((_, i) => i % 2);
  const fitted = await LogisticRegression.fit(rows, labels, { maxIterations: 5, seed: 1 });
  const artifacts = fitted.toArtifacts();
  const model = artifacts.manifest.model;
  model.coefficients = model.designColumns.map((c) => fixture.weights[c]?.weight ?? 0);
  model.intercept = fixture.intercept;
  for (const column of artifacts.manifest.preprocessor.numeric) {
    const w = fixture.weights[column.name];
    if (w) Object.assign(column, { log1p: false, mean: 0, std: w.scale, median: 0 });
  }
  const metrics = { name: 'fixture', ...evaluateBinary([0.2, 0.8], [0, 1]) };
  // The reference of explanations: the fitted preprocessor (with the weighted columns reset) over the rows.
  const served = LogisticRegression.fromArtifacts(artifacts);
  const metadata: ModelMetadata = {
    version,
    kind: 'logistic-regression',
    variant: 'logistic',
    createdAt: new Date().toISOString(),
    seed: 1,
    backend: 'js',
    trainingSeconds: 0,
    features: FEATURES.map((f) => ({
      name: f.name,
      label: f.label,
      description: f.description,
      kind: f.kind,
    })),
    sequence: null,
    normalisation: artifacts.manifest.preprocessor,
    calibration: { kind: 'identity' },
    threshold: 0.5,
    split: {
      horizonDays: 30,
      trainSnapshots: [],
      validationSnapshot: new Date().toISOString(),
      trainRows: 200,
      calibrationRows: 0,
      evaluationRows: 2,
      description: 'hand-set coefficients for tests',
    },
    explanation: explanationReference(served.preprocessor, rows),
    dataFingerprint: 'fixture',
    metrics: { model: metrics, baseline: metrics, oracleAuc: null, compared: [metrics] },
  };
  await services.registry.register(artifacts, metadata);
  await services.registry.activate(version);
  return version;
}
