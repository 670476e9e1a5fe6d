import {
  calibratorFromJSON,
  DeepChurn,
  LogisticRegression,
  type Calibrator,
  type FeatureMatrix,
  type ModelArtifacts,
} from '../../ml';
import type { ModelMetadata } from './model-metadata';

/** A served model: raw model + its calibration; `predict` returns calibrated 30-day churn probabilities. */
export class ChurnModel {
  private constructor(
    readonly metadata: ModelMetadata,
    private readonly model: LogisticRegression | DeepChurn,
    private readonly calibrator: Calibrator,
  ) {}

  static async load(artifacts: ModelArtifacts, metadata: ModelMetadata): Promise<ChurnModel> {
    const model =
      metadata.kind === 'logistic-regression'
        ? LogisticRegression.fromArtifacts(artifacts)
        : await DeepChurn.fromArtifacts(artifacts);
    return new ChurnModel(metadata, model, calibratorFromJSON(metadata.calibration));
  }

  static fromTrained(
    model: LogisticRegression | DeepChurn,
    calibrator: Calibrator,
    metadata: ModelMetadata,
  ): ChurnModel {
    return new ChurnModel(metadata, model, calibrator);
  }

  get version(): string {
    return this.metadata.version;
  }

  /** Shape: features [n, ·] → [n] calibrated probabilities. */
  predict(features: FeatureMatrix): Float64Array {
    if (features.numeric.length === 0 && features.categorical.length === 0)
      return new Float64Array(0);
    return this.calibrator.transform(this.model.predictProba(features));
  }

  /** The underlying model (explanations need its parameters). */
  get raw(): LogisticRegression | DeepChurn {
    return this.model;
  }

  dispose(): void {
    if (this.model instanceof DeepChurn) this.model.dispose();
  }
}
