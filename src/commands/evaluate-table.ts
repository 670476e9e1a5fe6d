/**
 * `churn evaluate-table`: train both churn models on any labelled customer table (CSV) and report
 * honest metrics: stratified k-fold cross-validation, or a held-out test file. Optionally writes one
 * probability per test (or out-of-fold) row.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { integerArg } from './cli-args';
import { createProgress } from '../common/progress';
import {
  decodeCsvBytes,
  ensureBackend,
  evaluateTable,
  TableError,
  type TableEvaluation,
} from '../ml';

export class CliInputError extends Error {}

function readCsv(file: string, what: string): string {
  if (!fs.existsSync(file)) throw new CliInputError(`${what} file not found: ${file}`);
  return decodeCsvBytes(fs.readFileSync(file));
}

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '—');

export function formatTableEvaluation(result: TableEvaluation): string {
  const mode = {
    'cross-validation': 'stratified cross-validation (out-of-fold)',
    'train-test': 'train → test',
    'repeated-holdout': `repeated held-out splits (${result.repeated?.repeats} × ${Math.round(100 * (result.repeated?.holdout ?? 0))}% held out; means)`,
  }[result.mode];
  const lines = [
    `${mode}: ` +
      `${result.trainRows} training rows (${result.trainPositives} positive)` +
      (result.testRows > 0 ? `, ${result.testRows} test rows` : ''),
    `columns: ${result.schema.numeric.length} numeric, ${result.schema.categorical.length} categorical` +
      (result.schema.dropped.length > 0
        ? `; dropped ${result.schema.dropped.map((d) => `${d.column} (${d.reason})`).join(', ')}`
        : ''),
  ];
  const header = [
    'model',
    'ROC-AUC',
    'PR-AUC',
    'accuracy',
    'F1',
    'Brier',
    'ECE',
    'lift@10%',
    'fit s',
  ];
  const rows = result.models.map((m) =>
    m.metrics
      ? [
          m.model,
          f4(m.metrics.rocAuc),
          f4(m.metrics.prAuc),
          f4(m.metrics.accuracy),
          f4(m.metrics.f1),
          f4(m.metrics.brier),
          f4(m.metrics.ece),
          m.metrics.topDecileLift.toFixed(2),
          (m.fitMs / 1000).toFixed(1),
        ]
      : [m.model, '—', '—', '—', '—', '—', '—', '—', (m.fitMs / 1000).toFixed(1)],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt));
  for (const m of result.models.filter(
    (m) => m.metrics && (m.model === 'logistic-regression' || m.model === 'deep-churn'),
  )) {
    const c = m.metrics!.confusion;
    lines.push(
      `${m.model} at threshold ~${f4(m.metrics!.threshold)}: tp ${c.tp} fp ${c.fp} tn ${c.tn} fn ${c.fn}`,
    );
  }
  if (result.repeated) {
    lines.push('per repeat (ROC-AUC / Brier), mean ± sd:');
    for (const m of result.repeated.models) {
      lines.push(
        `  ${m.model.padEnd(20)} ${m.rocAuc.values.map(f4).join(' ')}  → ${f4(m.rocAuc.mean)} ± ${f4(m.rocAuc.sd)}` +
          `   Brier ${f4(m.brier.mean)} ± ${f4(m.brier.sd)}`,
      );
    }
  }
  if (result.best) lines.push(`best: ${result.best}`);
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

/** One row per scored row: id, the chosen probability, and each model's. */
export function predictionsCsv(result: TableEvaluation, idColumn: string): string {
  const pick = (p: TableEvaluation['predictions'][number]) =>
    // No labels to choose by: the ensemble (the mean of the two learned models, recalibrated).
    p.probabilities[result.best ?? 'ensemble'];
  const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [`${quote(idColumn)},probability,logistic_regression,deep_churn,ensemble`];
  for (const p of result.predictions) {
    lines.push(
      [
        quote(p.id),
        pick(p).toFixed(6),
        p.probabilities['logistic-regression'].toFixed(6),
        p.probabilities['deep-churn'].toFixed(6),
        p.probabilities.ensemble.toFixed(6),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function registerEvaluateTable(program: Command): void {
  program
    .command('evaluate-table')
    .description('train and evaluate both churn models on a labelled customer table (CSV)')
    .requiredOption('--train <file>', 'training table (CSV with a header row)')
    .option('--test <file>', 'held-out table to score (its target column is optional)')
    .requiredOption('--target <column>', 'the churn label column (Yes/No, 1/0, true/false)')
    .option('--id <column>', 'identifier column (guessed from names like customerID when omitted)')
    .option(
      '--predictions <file>',
      'write one probability per test row (or per training row, out-of-fold)',
    )
    .option('--seed <n>', 'random seed', integerArg(0, 2 ** 31 - 1), 42)
    .option('--folds <n>', 'cross-validation folds', integerArg(2, 20), 5)
    .option(
      '--repeats <n>',
      'instead of cross-validation: repeated stratified held-out splits (mean ± sd)',
      integerArg(1, 100),
    )
    .option('--holdout <percent>', 'held-out share of each repeated split', integerArg(5, 95), 30)
    .action(
      async (flags: {
        train: string;
        test?: string;
        target: string;
        id?: string;
        predictions?: string;
        seed: number;
        folds: number;
        repeats?: number;
        holdout: number;
      }) => {
        if (flags.repeats !== undefined && (flags.test || flags.predictions)) {
          throw new CliInputError(
            '--repeats evaluates on held-out splits of --train: it takes neither --test nor --predictions',
          );
        }
        const trainCsv = readCsv(flags.train, 'training');
        const testCsv = flags.test ? readCsv(flags.test, 'test') : undefined;
        await ensureBackend();
        const steps = createProgress({
          label: 'evaluate-table',
          total: flags.test ? 2 : (flags.repeats ?? flags.folds),
          unit: 'fits',
        });
        let result: TableEvaluation;
        try {
          result = await evaluateTable({
            trainCsv,
            testCsv,
            target: flags.target,
            id: flags.id,
            seed: flags.seed,
            folds: flags.folds,
            repeats: flags.repeats,
            holdout: flags.holdout / 100,
            onProgress: (message) => {
              if (/fold|fit|repeat/i.test(message)) steps.tick();
              process.stderr.write(`evaluate-table: ${message}\n`);
            },
          });
        } catch (err) {
          if (err instanceof TableError) throw new CliInputError(err.message);
          throw err;
        }
        steps.done(`${(result.ms / 1000).toFixed(1)}s`);
        process.stdout.write(`${formatTableEvaluation(result)}\n`);
        if (flags.predictions) {
          const idColumn = result.schema.id ?? 'row';
          fs.writeFileSync(flags.predictions, predictionsCsv(result, idColumn));
          process.stdout.write(
            `wrote ${result.predictions.length} predictions to ${flags.predictions}\n`,
          );
        }
      },
    );
}
