/**
 * Fit every candidate scorer of one training run and evaluate them the same way: calibration and the
 * decision threshold come from the calibration half of the validation snapshot, every reported metric
 * from the other (evaluation) half, which nothing was fitted or tuned on.
 */
import {
  activeBackend,
  bestF1Threshold,
  DeepChurn,
  evaluateBinary,
  LogisticRegression,
  logLoss,
  PlattScaling,
  selectCalibrator,
  type Calibrator,
  type FeatureMatrix,
} from '../../ml';
import type { EvaluatedScorer } from '../model-registry/model-metadata';

export interface LabelledMatrix {
  features: FeatureMatrix;
  labels: number[];
}

export interface Candidate {
  name: string;
  variant: 'logistic' | 'mlp' | 'mlp+sequence';
  model: LogisticRegression | DeepChurn;
  calibrator: Calibrator;
  threshold: number;
  evaluation: EvaluatedScorer;
  trainingSeconds: number;
  /** Validation log loss on the calibration half (what decides between deep variants). */
  calibrationLogLoss: number;
}

export interface FitReporter {
  step(message: string): void;
  epoch(
    model: string,
    epoch: number,
    logs: { loss: number; valLoss: number; valAuc: number; ms: number },
  ): void;
}

export interface FitOptions {
  seed: number;
  maxEpochs: number;
  /** Also train the MLP with the 28-day sequence branch. */
  withSequence: boolean;
}

/** Calibrate raw probabilities on `cal`, pick the F1 threshold there, evaluate on `evalSet`. */
export function calibrateAndEvaluate(
  name: string,
  rawCal: ArrayLike<number>,
  cal: LabelledMatrix,
  rawEval: ArrayLike<number>,
  evalSet: LabelledMatrix,
  seed: number,
): { calibrator: Calibrator; threshold: number; evaluation: EvaluatedScorer } {
  const { calibrator } = selectCalibrator(rawCal, cal.labels, { seed });
  const { threshold } = bestF1Threshold(calibrator.transform(rawCal), cal.labels);
  const evaluation = {
    name,
    ...evaluateBinary(calibrator.transform(rawEval), evalSet.labels, threshold),
  };
  return { calibrator, threshold, evaluation };
}

export async function fitCandidates(
  train: LabelledMatrix,
  cal: LabelledMatrix,
  evalSet: LabelledMatrix,
  options: FitOptions,
  report: FitReporter,
): Promise<Candidate[]> {
  const out: Candidate[] = [];

  report.step(`logistic regression: fitting on ${train.labels.length} rows (${activeBackend()})`);
  let started = Date.now();
  const lr = await LogisticRegression.fit(train.features, train.labels, {
    seed: options.seed,
    l2: 1e-3,
  });
  const lrSeconds = (Date.now() - started) / 1000;
  const lrCal = lr.predictProba(cal.features);
  out.push({
    name: 'logistic regression',
    variant: 'logistic',
    model: lr,
    trainingSeconds: lrSeconds,
    calibrationLogLoss: logLoss(lrCal, cal.labels),
    ...calibrateAndEvaluate(
      'logistic regression',
      lrCal,
      cal,
      lr.predictProba(evalSet.features),
      evalSet,
      options.seed,
    ),
  });

  const variants: ('mlp' | 'mlp+sequence')[] = options.withSequence
    ? ['mlp', 'mlp+sequence']
    : ['mlp'];
  for (const variant of variants) {
    const name = variant === 'mlp' ? 'deep (MLP)' : 'deep (MLP + 28-day sequence)';
    report.step(
      `${name}: fitting on ${train.labels.length} rows, early stopping on the calibration half`,
    );
    started = Date.now();
    const deep = await DeepChurn.fit(
      train.features,
      train.labels,
      {
        useSequence: variant === 'mlp+sequence',
        seed: options.seed,
        epochs: options.maxEpochs,
        patience: 5,
        batchSize: 256,
        onEpoch: (epoch, logs) => report.epoch(name, epoch, logs),
      },
      cal,
    );
    const seconds = (Date.now() - started) / 1000;
    const rawCal = deep.predictProba(cal.features);
    out.push({
      name,
      variant,
      model: deep,
      trainingSeconds: seconds,
      calibrationLogLoss: logLoss(rawCal, cal.labels),
      ...calibrateAndEvaluate(
        name,
        rawCal,
        cal,
        deep.predictProba(evalSet.features),
        evalSet,
        options.seed,
      ),
    });
  }
  return out;
}

/** The naive baseline: recency alone (days since last view), Platt-calibrated on the calibration half. */
export function recencyBaseline(
  cal: LabelledMatrix,
  evalSet: LabelledMatrix,
  recencyColumn: number,
): EvaluatedScorer {
  // Platt works on logits: feed σ(days/30 − 2), whose logit is the (rescaled) recency itself.
  const score = (m: FeatureMatrix) =>
    m.numeric.map((row) => 1 / (1 + Math.exp(-(Number(row[recencyColumn]) / 30 - 2))));
  const platt = PlattScaling.fit(score(cal.features), cal.labels);
  const calProbs = platt.transform(score(cal.features));
  const { threshold } = bestF1Threshold(calProbs, cal.labels);
  return {
    name: 'baseline: days since last view',
    ...evaluateBinary(platt.transform(score(evalSet.features)), evalSet.labels, threshold),
  };
}
