/** Options, reports and constants of the churn-table evaluation (table-evaluation.ts). */
import type { CalibratorKind } from './calibration/calibrator';
import type { TableSchema } from './data/table-schema';
import type { BinaryMetrics } from './metrics/evaluate';
import type { DeepChurnOptions } from './models/deep-churn';
import type { LogisticRegressionOptions } from './models/logistic-regression';

export type TableModelName =
  'logistic-regression' | 'deep-churn' | 'ensemble' | 'prior' | 'best-single-feature';

export const MODELS: TableModelName[] = [
  'logistic-regression',
  'deep-churn',
  'ensemble',
  'prior',
  'best-single-feature',
];
/** The learned models, one of which is `best`. */
export const LEARNED = ['logistic-regression', 'deep-churn', 'ensemble'] as const;
export type LearnedTableModel = (typeof LEARNED)[number];

/**
 * Spline knots of the logistic regression's numeric columns. Measured on the Telco table (5-fold
 * CV): plain 0.849 AUC / 0.134 Brier, 3 knots 0.851, 4 knots 0.851, 5 knots 0.852 / 0.132;
 * numeric × category interactions lost 0.004 AUC and are left out.
 */
export const SPLINE_KNOTS = 5;

export interface EvaluateTableOptions {
  /** Training table as CSV text (decode bytes with decodeCsvBytes). */
  trainCsv: string;
  /** Optional test table; it may lack the target column (then only predictions come back). */
  testCsv?: string;
  /** Target column name (matched exactly, then case-insensitively). */
  target: string;
  /** Identifier column; guessed from names like customerID when omitted. */
  id?: string;
  seed?: number;
  /** Cross-validation folds when there is no test table. Default 5. */
  folds?: number;
  /**
   * Instead of cross-validation: this many stratified train/held-out splits with different seeds,
   * each model fitted on the training part and scored on the held-out part (mean and spread reported).
   */
  repeats?: number;
  /** Held-out share of each repeated split. Default 0.3. */
  holdout?: number;
  logistic?: LogisticRegressionOptions;
  deep?: Partial<DeepChurnOptions>;
  onProgress?: (message: string) => void;
}

export interface TableModelReport {
  model: TableModelName;
  description: string;
  /** Out-of-fold (cross-validation) or test metrics; null when the test table has no target. */
  metrics: BinaryMetrics | null;
  /** Calibration chosen in each fit (one per fold). */
  calibration: CalibratorKind[];
  /** F1-maximising threshold chosen on each fit's inner validation rows. */
  thresholds: number[];
  /** Milliseconds spent fitting (all folds together) and scoring. */
  fitMs: number;
  predictMs: number;
}

export interface TablePrediction {
  id: string;
  /** 1-based data row number in its file. */
  row: number;
  /** Cross-validation fold the row was scored in; null for a test table. */
  fold: number | null;
  label: 0 | 1 | null;
  probabilities: Record<TableModelName, number>;
}

/** Mean and standard deviation of a metric over repeated held-out splits. */
export interface RepeatedMetric {
  mean: number;
  sd: number;
  values: number[];
}

export interface RepeatedHoldout {
  repeats: number;
  holdout: number;
  models: { model: TableModelName; rocAuc: RepeatedMetric; brier: RepeatedMetric }[];
}

export interface TableEvaluation {
  mode: 'cross-validation' | 'train-test' | 'repeated-holdout';
  schema: TableSchema;
  trainRows: number;
  trainPositives: number;
  testRows: number;
  models: TableModelReport[];
  /** The learned model with the highest ROC-AUC (the simpler one on a tie); null without metrics. */
  best: LearnedTableModel | null;
  /** Per-repeat figures in repeated-holdout mode (then `models` holds their means). */
  repeated?: RepeatedHoldout;
  predictions: TablePrediction[];
  warnings: string[];
  ms: number;
}

export interface FitOutput {
  probabilities: Record<TableModelName, Float64Array>;
  reports: Record<
    TableModelName,
    {
      description: string;
      calibration: CalibratorKind;
      threshold: number;
      fitMs: number;
      predictMs: number;
    }
  >;
}
