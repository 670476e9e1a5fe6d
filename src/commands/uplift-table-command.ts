/**
 * `churn evaluate-uplift`: average effects and uplift models on a labelled campaign table (CSV),
 * and optionally one predicted uplift per treatment arm for the rows of a test table.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { createProgress } from '../common/progress';
import { decodeCsvBytes, parseCsv, TableError, type CsvTable } from '../ml';
import { evaluateUpliftTable, predictUpliftTable, type UpliftTableReport } from '../ml/uplift';
import { integerArg } from './cli-args';
import { CliInputError } from './evaluate-table';

interface EvaluateUpliftFlags {
  table: string;
  treatment: string;
  control: string;
  outcome: string;
  ignore?: string;
  test?: string;
  predictions?: string;
  seed: number;
}

function readTable(file: string, what: string): CsvTable {
  if (!fs.existsSync(file)) throw new CliInputError(`${what} file not found: ${file}`);
  return parseCsv(decodeCsvBytes(fs.readFileSync(file)));
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const pp = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)} pp`;

/** The report as the command prints it. */
export function formatUpliftReport(r: UpliftTableReport, outcome: string): string {
  const lines = [
    `${r.rows} rows, ${r.controlRows} in the control; covariates: ${[...r.features.numeric, ...r.features.categorical].join(', ')}`,
    `set aside: ${r.setAside.map((s) => `${s.column} (${s.reason})`).join('; ') || 'nothing'}`,
    '',
    `average effect on ${outcome} (difference in means, 95% interval):`,
  ];
  for (const a of r.arms) {
    const e = a.effect;
    lines.push(
      `  ${a.arm}: ${pct(e.treatedMean)} vs ${pct(e.controlMean)} → ${pp(e.effect)} ` +
        `[${pp(e.lower)}, ${pp(e.upper)}]  (${e.treatedRows} vs ${e.controlRows} rows)`,
    );
  }
  lines.push(
    '',
    'uplift models on held-out rows (Qini coefficient; AUUC beside random targeting):',
  );
  for (const a of r.arms) {
    for (const [name, q] of Object.entries(a.qini)) {
      lines.push(
        `  ${a.arm} · ${name}: Qini ${q.qiniCoefficient.toFixed(5)}  AUUC ${q.auuc.toFixed(5)} vs random ${q.randomAuuc.toFixed(5)}`,
      );
    }
  }
  lines.push(`best learner on held-out rows: ${r.best}`);
  return lines.join('\n');
}

export function registerEvaluateUplift(program: Command): void {
  program
    .command('evaluate-uplift')
    .description(
      'average effect per arm with 95% intervals and held-out Qini of uplift models on a campaign table (CSV)',
    )
    .requiredOption('--table <file>', 'the campaign table (CSV with a header row)')
    .requiredOption('--treatment <column>', 'column naming each row’s arm')
    .requiredOption('--control <value>', 'value of the treatment column for the control arm')
    .requiredOption('--outcome <column>', '0/1 outcome column (e.g. visit)')
    .option('--ignore <columns>', 'comma-separated columns never used as features')
    .option('--test <file>', 'train on the whole table and predict these rows')
    .option('--predictions <file>', 'with --test: write one uplift per treatment arm per row')
    .option('--seed <n>', 'random seed', integerArg(0, 2 ** 31 - 1), 42)
    .action(async (flags: EvaluateUpliftFlags) => {
      if (flags.predictions && !flags.test)
        throw new CliInputError('--predictions needs --test FILE');
      try {
        await evaluateUplift(flags);
      } catch (error) {
        if (error instanceof TableError) throw new CliInputError(error.message);
        throw error;
      }
    });
}

async function evaluateUplift(flags: EvaluateUpliftFlags): Promise<void> {
  const started = Date.now();
  const table = readTable(flags.table, 'Table');
  const testTable = flags.test ? readTable(flags.test, 'Test') : null;
  const options = {
    treatment: flags.treatment,
    control: flags.control,
    outcome: flags.outcome,
    ignore: flags.ignore ? flags.ignore.split(',').map((c) => c.trim()) : [],
    seed: flags.seed,
  };
  const arms = new Set(table.rows.map((r) => r[table.header.indexOf(flags.treatment)])).size;
  const progress = createProgress({
    label: 'evaluate-uplift',
    total: testTable ? 2 * arms : arms,
    unit: 'models',
  });
  const report = await evaluateUpliftTable(table, { ...options, onFit: () => progress.tick() });
  let written = '';
  if (testTable) {
    const predicted = await predictUpliftTable(table, testTable, {
      ...options,
      learner: report.best,
      onFit: () => progress.tick(),
    });
    const header = ['id', ...predicted.arms].map(csvCell).join(',');
    const body = predicted.uplift.map((u, i) =>
      [csvCell(predicted.ids[i]), ...u.map((v) => v.toFixed(6))].join(','),
    );
    const out = [header, ...body].join('\n') + '\n';
    if (flags.predictions) {
      fs.writeFileSync(flags.predictions, out);
      written = `; ${predicted.uplift.length} rows of predicted uplift (${report.best}) written to ${flags.predictions}`;
    } else {
      written = `; ${predicted.uplift.length} test rows predicted (pass --predictions to write them)`;
    }
  }
  progress.done();
  process.stdout.write(`${formatUpliftReport(report, flags.outcome)}\n`);
  const effects = report.arms.map((a) => `${a.arm} ${pp(a.effect.effect)}`).join(', ');
  process.stdout.write(
    `evaluate-uplift: done in ${((Date.now() - started) / 1000).toFixed(1)}s — ${effects}${written}\n`,
  );
}

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
