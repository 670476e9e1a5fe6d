/** The BPR factorisation's options, their defaults, and what a fit reports. */
import { FOLD_IN_DEFAULTS, type FoldInOptions } from './fold-in';
export interface BprEpochLogs {
  /** Mean weighted BPR loss over the epoch's batches (nats), without the L2 term. */
  loss: number;
  ms: number;
}

export interface BprOptions {
  /** Latent dimensions d. */
  factors: number;
  epochs: number;
  batchSize: number;
  /** Adam step size. */
  learningRate: number;
  /** L2 penalty per example on the user vector; item rows get the same at their touch rate. */
  l2: number;
  /** Negatives sampled per batch, shared by its examples. */
  negatives: number;
  negativeMode: 'each' | 'hardest';
  /** c = floor + (1 − floor) · completion. */
  confidenceFloor: number;
  combiner: 'mean' | 'sum';
  /** Learn a per-item id embedding on top of the features (false: a pure feature model). */
  itemIds: boolean;
  /** Standard deviation of the initial user, id and feature vectors. */
  initScale: number;
  seed: number;
  /** Fold-in settings stored with the model (its scale is calibrated after training). */
  foldIn: FoldInOptions;
  onEpoch?: (epoch: number, logs: BprEpochLogs) => void | Promise<void>;
}

export const BPR_DEFAULTS: Omit<BprOptions, 'onEpoch'> = {
  factors: 32,
  epochs: 30,
  batchSize: 1024,
  learningRate: 0.01,
  l2: 0.03,
  negatives: 64,
  negativeMode: 'each',
  confidenceFloor: 0.25,
  combiner: 'mean',
  itemIds: true,
  initScale: 0.1,
  seed: 0,
  foldIn: FOLD_IN_DEFAULTS,
};

export type StoredOptions = Omit<BprOptions, 'onEpoch'>;

export interface BprTrainingInfo {
  epochs: number;
  history: BprEpochLogs[];
  /** Distinct (user, item) pairs trained on. */
  interactions: number;
  /** Fold-in scale s (fold-in-calibration.ts). */
  foldInScale: number;
  ms: number;
  backend: string;
}
