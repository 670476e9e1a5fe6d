import {
  calibratorFromJSON,
  checkCompleteness,
  DeepChurn,
  explainDeepChurn,
  explainDeepChurnDeepLift,
  explainLogistic,
  kernelShap,
  LogisticRegression,
  selectRows,
  supportsDeepLift,
  type Calibrator,
  type Explanation,
  type FeatureMatrix,
  type ModelArtifacts,
} from '../../ml';
import type { ExplanationReference, ModelMetadata } from './model-metadata';

/** Coalitions per KernelSHAP explanation (the fallback when integrated gradients miss the tolerance). */
const KERNEL_SHAP_SAMPLES = 2048;

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

  /**
   * Attributions of each row in the raw model's logit space, relative to `reference` (see
   * ModelMetadata.explanation): exact for the logistic regression, DeepLIFT (Rescale, one backward
   * pass) for the deep MLP, integrated gradients for a deep model with a sequence branch, KernelSHAP
   * (against the typical subscriber) for any row whose attributions still miss the completeness
   * tolerance. Every explanation returned has passed its completeness check.
   * Shape: features [n, ·] → n explanations.
   */
  explain(features: FeatureMatrix, reference: ExplanationReference): Explanation[] {
    const n = features.numeric.length || features.categorical.length;
    if (n === 0) return [];
    const first =
      this.model instanceof LogisticRegression
        ? explainLogistic(this.model, reference.baseline, features)
        : supportsDeepLift(this.model)
          ? explainDeepChurnDeepLift(this.model, reference.baseline, features)
          : explainDeepChurn(this.model, reference.baseline, features);
    const failed = first.flatMap((e, i) => (checkCompleteness(e).ok ? [] : [i]));
    if (failed.length === 0) return first;
    const fallback = kernelShap(
      (rows) => this.logits(rows),
      typicalRow(features, reference),
      selectRows(features, failed),
      { samples: KERNEL_SHAP_SAMPLES, seed: 1 },
    );
    failed.forEach((row, k) => {
      const check = checkCompleteness(fallback[k]);
      if (!check.ok) {
        throw new Error(
          `internal: no explanation of row ${row} passes its completeness check (error ${check.error})`,
        );
      }
      first[row] = fallback[k];
    });
    return first;
  }

  /**
   * Integrated-gradients attributions of a deep model (`steps` interpolation steps, no fallback), to
   * compare with what `explain` serves (bench:why). Null for the logistic regression.
   */
  integratedGradients(
    features: FeatureMatrix,
    reference: ExplanationReference,
    steps: number,
  ): Explanation[] | null {
    if (this.model instanceof LogisticRegression) return null;
    return explainDeepChurn(this.model, reference.baseline, features, { steps, maxSteps: steps });
  }

  /** Raw (uncalibrated) log-odds. Shape: [n, ·] → [n]. */
  logits(features: FeatureMatrix): Float64Array {
    if (this.model instanceof LogisticRegression) return this.model.predictLogits(features);
    return this.model.predictProba(features).map((p) => {
      const q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
      return Math.log(q / (1 - q));
    });
  }

  /** The probability the served model gives a raw logit (calibration applied). */
  calibrated(logit: number): number {
    return this.calibrator.transform([1 / (1 + Math.exp(-logit))])[0];
  }

  /** The underlying model (explanations need its parameters). */
  get raw(): LogisticRegression | DeepChurn {
    return this.model;
  }

  dispose(): void {
    if (this.model instanceof DeepChurn) this.model.dispose();
  }
}

/** One row holding every feature's typical value (the KernelSHAP background). */
function typicalRow(like: FeatureMatrix, reference: ExplanationReference): FeatureMatrix {
  const seqLen = like.sequence?.[0]?.length ?? 0;
  const channels = like.sequenceChannels ?? [];
  return {
    numeric: [like.numericNames.map((name) => Number(reference.typical[name] ?? 0))],
    numericNames: [...like.numericNames],
    categorical: [like.categoricalNames.map((name) => String(reference.typical[name] ?? ''))],
    categoricalNames: [...like.categoricalNames],
    // The mean day of the training rows is not kept in raw units: an idle window stands in.
    sequence: [Array.from({ length: seqLen }, () => channels.map(() => 0))],
    sequenceChannels: [...channels],
  };
}
