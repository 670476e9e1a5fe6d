/**
 * "Bring your own churn table": from CSV text to cross-validated (or held-out) metrics for the
 * logistic and deep models beside two naive baselines, plus a probability for every row.
 *
 * Inside each training set a stratified inner split (20%) serves early stopping and calibration,
 * so no row that is scored ever influenced the model, its calibration or its threshold.
 */
import { parseCsv, TableError } from './data/csv';
import { selectLabels, selectRows } from './data/dataset';
import { stratifiedKFold } from './data/folds';
import { inferTableSchema, tableToData, type TableSchema } from './data/table-schema';
import { fitAndPredict, pickBest, report } from './table-fit';
import { repeatedHoldout } from './table-repeated-holdout';
import {
  MODELS,
  type EvaluateTableOptions,
  type FitOutput,
  type TableEvaluation,
  type TableModelName,
} from './table-evaluation.types';

export type * from './table-evaluation.types';

/**
 * Trains and evaluates both models on a churn table. Throws TableError for unusable input.
 * Without `testCsv` runs stratified k-fold cross-validation and returns out-of-fold predictions.
 */
export async function evaluateTable(options: EvaluateTableOptions): Promise<TableEvaluation> {
  const start = performance.now();
  const { seed = 42, folds = 5, onProgress } = options;
  const warnings: string[] = [];
  const trainTable = parseCsv(options.trainCsv);
  const schema = inferTableSchema(trainTable, { target: options.target, id: options.id });
  const train = tableToData(trainTable, schema, {
    requireTarget: true,
    fileLabel: 'the training file',
  });
  const keep = train.labels!.flatMap((y, i) => (y === null ? [] : [i]));
  if (keep.length < train.labels!.length) {
    warnings.push(
      `${train.labels!.length - keep.length} training rows with a blank target were left out.`,
    );
  }
  const features = selectRows(train.features, keep);
  const labels = keep.map((i) => train.labels![i] as number);
  const positives = labels.reduce((a, b) => a + b, 0);
  if (positives === 0 || positives === labels.length) {
    const only = positives === 0 ? 'non-churners (0/No)' : 'churners (1/Yes)';
    throw new TableError(
      `Target column '${schema.target}' has only one class: all ${labels.length} rows are ${only}. ` +
        'A churn model needs examples of both customers who left and customers who stayed.',
    );
  }
  if (Math.min(positives, labels.length - positives) < 2 * folds) {
    throw new TableError(
      `Too few examples of the rarer class (${Math.min(positives, labels.length - positives)}) to ` +
        `evaluate: need at least ${2 * folds}.`,
    );
  }
  dropped(schema).forEach((w) => warnings.push(w));
  const ids = keep.map((i) => train.ids[i]);
  const rows = keep.map((i) => train.rows[i]);

  if (options.testCsv === undefined && options.repeats !== undefined) {
    return repeatedHoldout(features, labels, positives, schema, warnings, options, start);
  }

  if (options.testCsv === undefined) {
    const oof = Object.fromEntries(
      MODELS.map((m) => [m, new Float64Array(labels.length)]),
    ) as Record<TableModelName, Float64Array>;
    const foldOf = new Int32Array(labels.length);
    const perFold: FitOutput['reports'][] = [];
    const splits = stratifiedKFold(labels, folds, seed);
    for (const [f, split] of splits.entries()) {
      onProgress?.(`fold ${f + 1}/${folds}`);
      const out = await fitAndPredict(
        selectRows(features, split.train),
        selectLabels(labels, split.train),
        selectRows(features, split.test),
        options,
        seed + 1000 * (f + 1),
      );
      for (const m of MODELS) split.test.forEach((i, j) => (oof[m][i] = out.probabilities[m][j]));
      split.test.forEach((i) => (foldOf[i] = f));
      perFold.push(out.reports);
    }
    const models = MODELS.map((m) => report(m, perFold, oof[m], labels));
    return {
      mode: 'cross-validation',
      schema,
      trainRows: labels.length,
      trainPositives: positives,
      testRows: 0,
      models,
      best: pickBest(models),
      predictions: labels.map((y, i) => ({
        id: ids[i],
        row: rows[i],
        fold: foldOf[i],
        label: y as 0 | 1,
        probabilities: Object.fromEntries(MODELS.map((m) => [m, oof[m][i]])) as Record<
          TableModelName,
          number
        >,
      })),
      warnings,
      ms: performance.now() - start,
    };
  }

  const testTable = parseCsv(options.testCsv);
  const test = tableToData(testTable, schema, { requireTarget: false, fileLabel: 'the test file' });
  if (test.labels === null) warnings.push('The test file has no target column: predictions only.');
  onProgress?.('training on the whole training file');
  const out = await fitAndPredict(features, labels, test.features, options, seed);
  const labelled =
    test.labels === null ? [] : test.labels.flatMap((y, i) => (y === null ? [] : [i]));
  const models = MODELS.map((m) =>
    report(
      m,
      [out.reports],
      labelled.length > 0 ? Float64Array.from(labelled, (i) => out.probabilities[m][i]) : null,
      labelled.map((i) => test.labels![i] as number),
    ),
  );
  return {
    mode: 'train-test',
    schema,
    trainRows: labels.length,
    trainPositives: positives,
    testRows: test.ids.length,
    models,
    best: pickBest(models),
    predictions: test.ids.map((id, i) => ({
      id,
      row: test.rows[i],
      fold: null,
      label: test.labels?.[i] ?? null,
      probabilities: Object.fromEntries(MODELS.map((m) => [m, out.probabilities[m][i]])) as Record<
        TableModelName,
        number
      >,
    })),
    warnings,
    ms: performance.now() - start,
  };
}

function dropped(schema: TableSchema): string[] {
  return schema.dropped.map((d) => `Column '${d.column}' is not used: ${d.reason}.`);
}
