import type {
  BinaryMetrics,
  CalibratorState,
  ModelKind,
  PreprocessorState,
  TrainingBaseline,
} from '../../ml';

/** Metrics of one scorer on the evaluation half of the validation snapshot. */
export interface EvaluatedScorer extends BinaryMetrics {
  name: string;
}

/** What `models/<version>/metadata.json` holds beside the model files. */
export interface ModelMetadata {
  version: string;
  kind: ModelKind;
  /** 'logistic', 'mlp' or 'mlp+sequence'. */
  variant: string;
  createdAt: string;
  seed: number;
  backend: string;
  trainingSeconds: number;
  features: { name: string; label: string; description: string; kind: 'numeric' | 'categorical' }[];
  sequence: { days: number; channels: string[] } | null;
  /** Imputation, standardisation and vocabularies, fitted on the training rows only. */
  normalisation: PreprocessorState;
  calibration: CalibratorState;
  /** Decision threshold on the calibrated probability (best F1 on the calibration half). */
  threshold: number;
  split: {
    horizonDays: number;
    trainSnapshots: string[];
    validationSnapshot: string;
    trainRows: number;
    calibrationRows: number;
    evaluationRows: number;
    description: string;
  };
  /**
   * The reference point of every explanation: the training means in the model's input space, and
   * each feature's typical raw value (median, or most frequent category) over the training rows.
   * Absent in models trained before explanations existed (the explanations module rebuilds it).
   */
  explanation?: ExplanationReference;
  /**
   * The risk bands of this version, cut at quantiles of its calibrated probabilities on the calibration
   * half of the validation snapshot and described on the evaluation half. Absent in versions trained
   * before bands (they use DEFAULT_RISK_THRESHOLDS).
   */
  riskLevels?: RiskLevelsMetadata;
  /** sha256 of the training and validation matrices (ids, values, labels). */
  dataFingerprint: string;
  metrics: {
    model: EvaluatedScorer;
    baseline: EvaluatedScorer;
    /** ROC-AUC of the simulator's true probabilities on the same rows (synthetic world only). */
    oracleAuc: number | null;
    /** Every scorer trained in the same run, for the comparison table. */
    compared: EvaluatedScorer[];
  };
}

export interface ExplanationReference {
  baseline: TrainingBaseline;
  typical: Record<string, number | string>;
}

/** A version's risk bands: lower bounds of MEDIUM, HIGH, CRITICAL and what each level means. */
export interface RiskLevelsMetadata {
  thresholds: [number, number, number];
  /** Target shares of subscribers at MEDIUM, HIGH and CRITICAL. */
  targetShares: [number, number, number];
  /** LOW, MEDIUM, HIGH, CRITICAL on the evaluation half. */
  levels: {
    level: string;
    lowerBound: number;
    share: number;
    precision: number;
    lift: number;
    recall: number;
  }[];
  baseRate: number;
}
