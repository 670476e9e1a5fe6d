/**
 * The uplift model of a strategy, learned from its latest campaign: a T-learner on the churn
 * features at each wave's start (outcome: still subscribed at the horizon), calibrated by the best
 * linear predictor of the true effect given its cross-fitted predictions, so what the planner
 * reads is honest on average however noisy the model is.
 */
import type { FeatureMatrix } from '../../ml';
import {
  TLearner,
  bestLinearPredictor,
  calibratedUplift,
  type LinearCalibration,
} from '../../ml/uplift';
import type { FeatureRow } from '../features/feature.service';
import { featureMatrixOf } from './feature-rows';
import type { FeatureSnapshots } from './feature-snapshots';
import type { ExperimentRow, RetentionRepository } from './retention.repository';

/**
 * L2 penalty of the outcome models: stronger than the churn model's, because the uplift is the
 * difference of two fits and their noise adds up (on the default world 0.05 ranked true effects
 * better than 0.01 for every strategy tried).
 */
const OUTCOME_L2 = 0.05;

export interface StrategyModel {
  experiment: ExperimentRow;
  /** P(retained | treated) and P(retained | control), fitted on every campaign row. */
  model: TLearner;
  calibration: LinearCalibration;
  acceptance: number;
  /** Rows the model learned from. */
  rows: number;
}

/** Predicted churn without the strategy, and the calibrated reduction the strategy brings. */
export function predictStrategy(
  m: StrategyModel,
  features: FeatureMatrix,
  calibration: Pick<LinearCalibration, 'ate' | 'slope' | 'centre'> = m.calibration,
): { churnWithout: Float64Array; churnWith: Float64Array; rawUplift: Float64Array } {
  const p = m.model.predict(features);
  const churnWithout = p.control.map((x) => 1 - x);
  const churnWith = churnWithout.map((c, i) =>
    Math.min(1, Math.max(0, c - calibratedUplift(calibration, p.uplift[i]))),
  );
  return { churnWithout, churnWith, rawUplift: p.uplift };
}

export async function fitStrategyModel(
  experiment: ExperimentRow,
  repository: RetentionRepository,
  snapshots: FeatureSnapshots,
  seed: number,
): Promise<StrategyModel> {
  const data = await campaignRows(experiment, repository, snapshots);
  const matrix = featureMatrixOf(data.rows);
  const oofUplift = new Float64Array(data.rows.length);
  const oofBaseline = new Float64Array(data.rows.length);
  // Two folds by subscriber (a subscriber in several waves stays in one fold).
  const fold = data.rows.map((r) => (Math.imul(Number(r.userId), 0x9e3779b1) >>> 31) & 1);
  for (const f of [0, 1]) {
    const train = indices(fold, (k) => k !== f);
    const test = indices(fold, (k) => k === f);
    const model = await TLearner.fit(
      select(matrix, train),
      train.map((i) => data.treated[i]),
      train.map((i) => data.retained[i]),
      { seed, l2: OUTCOME_L2 },
    );
    const p = model.predict(select(matrix, test));
    test.forEach((i, j) => {
      oofUplift[i] = p.uplift[j];
      oofBaseline[i] = p.control[j];
    });
  }
  const calibration = bestLinearPredictor(data.retained, data.treated, oofUplift, oofBaseline);
  const model = await TLearner.fit(matrix, data.treated, data.retained, { seed, l2: OUTCOME_L2 });
  return {
    experiment,
    model,
    calibration,
    acceptance: experiment.summary.acceptance,
    rows: data.rows.length,
  };
}

/** Every observed assignment with its features at its wave's start. */
async function campaignRows(
  experiment: ExperimentRow,
  repository: RetentionRepository,
  snapshots: FeatureSnapshots,
): Promise<{ rows: FeatureRow[]; treated: number[]; retained: number[] }> {
  const assignments = (await repository.assignments(experiment.id)).filter(
    (a) => a.churned !== null,
  );
  const waves = [...new Set(assignments.map((a) => a.campaignAt.getTime()))];
  const out = { rows: [] as FeatureRow[], treated: [] as number[], retained: [] as number[] };
  for (const wave of waves) {
    const inWave = assignments.filter((a) => a.campaignAt.getTime() === wave);
    const byUser = new Map(inWave.map((a) => [a.userId, a]));
    const rows = await snapshots.at(new Date(wave), experiment.horizonDays, [...byUser.keys()]);
    for (const r of rows) {
      const a = byUser.get(r.userId)!;
      out.rows.push(r);
      out.treated.push(a.treated ? 1 : 0);
      out.retained.push(a.churned ? 0 : 1);
    }
  }
  return out;
}

function indices(values: readonly number[], keep: (v: number) => boolean): number[] {
  return values.flatMap((v, i) => (keep(v) ? [i] : []));
}

function select(m: FeatureMatrix, rows: readonly number[]): FeatureMatrix {
  return {
    ...m,
    numeric: rows.map((i) => m.numeric[i]),
    categorical: rows.map((i) => m.categorical[i]),
  };
}
