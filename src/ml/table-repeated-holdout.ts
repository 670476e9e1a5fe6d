/** Repeated stratified train/held-out splits of a churn table: mean and spread of every model's figures. */
import { TableError } from './data/csv';
import { selectLabels, selectRows, type FeatureMatrix } from './data/dataset';
import { stratifiedSplit } from './data/folds';
import { type TableSchema } from './data/table-schema';
import { evaluateBinary, type BinaryMetrics } from './metrics/evaluate';
import { fitAndPredict, pickBest } from './table-fit';
import {
  MODELS,
  type EvaluateTableOptions,
  type FitOutput,
  type RepeatedHoldout,
  type RepeatedMetric,
  type TableEvaluation,
  type TableModelName,
  type TableModelReport,
} from './table-evaluation.types';

/** Repeated stratified train/held-out splits: every model's figures per repeat, with their means. */
export async function repeatedHoldout(
  features: FeatureMatrix,
  labels: number[],
  positives: number,
  schema: TableSchema,
  warnings: string[],
  options: EvaluateTableOptions,
  start: number,
): Promise<TableEvaluation> {
  const { seed = 42, repeats = 5, holdout = 0.3, onProgress } = options;
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new TableError(`repeats must be ≥ 1, got ${repeats}`);
  if (!(holdout > 0 && holdout < 1))
    throw new TableError(`holdout must be in (0, 1), got ${holdout}`);
  const perRepeat: Map<TableModelName, BinaryMetrics[]> = new Map(MODELS.map((m) => [m, []]));
  const reports: FitOutput['reports'][] = [];
  let heldOut = 0;
  for (let r = 0; r < repeats; r++) {
    onProgress?.(`repeat ${r + 1}/${repeats}`);
    const split = stratifiedSplit(labels, holdout, seed + 7919 * (r + 1));
    const test = selectLabels(labels, split.test);
    const out = await fitAndPredict(
      selectRows(features, split.train),
      selectLabels(labels, split.train),
      selectRows(features, split.test),
      options,
      seed + 1000 * (r + 1),
    );
    heldOut = split.test.length;
    for (const m of MODELS) {
      perRepeat.get(m)!.push(evaluateBinary(out.probabilities[m], test, out.reports[m].threshold));
    }
    reports.push(out.reports);
  }
  const summary = (values: number[]): RepeatedMetric => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(
      values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1),
    );
    return { mean, sd, values };
  };
  const repeated: RepeatedHoldout = {
    repeats,
    holdout,
    models: MODELS.map((m) => ({
      model: m,
      rocAuc: summary(perRepeat.get(m)!.map((x) => x.rocAuc)),
      brier: summary(perRepeat.get(m)!.map((x) => x.brier)),
    })),
  };
  const models: TableModelReport[] = MODELS.map((m) => {
    const thresholds = reports.map((f) => f[m].threshold);
    return {
      model: m,
      description: reports[0][m].description,
      metrics: meanMetrics(perRepeat.get(m)!),
      calibration: reports.map((f) => f[m].calibration),
      thresholds,
      fitMs: reports.reduce((a, f) => a + f[m].fitMs, 0),
      predictMs: reports.reduce((a, f) => a + f[m].predictMs, 0),
    };
  });
  return {
    mode: 'repeated-holdout',
    schema,
    trainRows: labels.length,
    trainPositives: positives,
    testRows: heldOut,
    models,
    best: pickBest(models),
    repeated,
    predictions: [],
    warnings,
    ms: performance.now() - start,
  };
}

/** Every scalar metric averaged over the repeats (confusion counts summed, reliability pooled by bin). */
function meanMetrics(list: readonly BinaryMetrics[]): BinaryMetrics {
  const out = structuredClone(list[0]) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(list[0])) {
    if (typeof value === 'number') {
      out[key] =
        list.reduce((a, m) => a + (m as unknown as Record<string, number>)[key], 0) / list.length;
    }
  }
  const confusion = { ...list[0].confusion };
  for (const m of list.slice(1)) {
    for (const k of Object.keys(confusion) as (keyof typeof confusion)[])
      confusion[k] += m.confusion[k];
  }
  out.confusion = confusion;
  return out as unknown as BinaryMetrics;
}
