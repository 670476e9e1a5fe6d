/**
 * Uplift on a labelled campaign table (CSV): one treatment column naming each row's arm, a control
 * value, a 0/1 outcome. Reports each treatment arm's average effect with its 95% interval and the
 * uplift models' Qini on held-out rows; can train on the whole table and predict one uplift per
 * arm for the rows of another table.
 */
import { TableError, type CsvTable } from '../data/csv';
import { selectRows, type FeatureMatrix } from '../data/dataset';
import { inferTableSchema, tableToData, type TableSchema } from '../data/table-schema';
import { createRng, permutation } from '../random';
import { averageEffect, type AverageEffect } from './average-effect';
import { imbalancedColumns } from './covariate-balance';
import { OutcomeModel } from './outcome-model';
import { qini, type QiniSummary } from './qini';
import { TLearner } from './t-learner';
import { XLearner } from './x-learner';

export interface UpliftTableOptions {
  treatment: string;
  control: string;
  outcome: string;
  /** Columns never used as features (other outcomes, say). */
  ignore?: string[];
  /** Share of each arm held out for the Qini. Default 0.3. */
  holdout?: number;
  seed?: number;
  /** Called as each model is fitted (progress). */
  onFit?: (what: string) => void;
}

export type UpliftLearnerName = 't-learner' | 'x-learner';

export interface ArmReport {
  arm: string;
  effect: AverageEffect;
  /** Held-out Qini of each learner on this arm's and the control's held-out rows. */
  qini: Record<UpliftLearnerName, QiniSummary>;
}

export interface UpliftTableReport {
  rows: number;
  features: { numeric: string[]; categorical: string[] };
  /** Columns set aside: not covariates (dropped by the schema, ignored, or moved by the treatment). */
  setAside: { column: string; reason: string }[];
  arms: ArmReport[];
  controlRows: number;
  /** The learner with the larger mean held-out Qini coefficient. */
  best: UpliftLearnerName;
}

interface PreparedTable {
  schema: TableSchema;
  features: FeatureMatrix;
  outcome: number[];
  arm: string[];
  treatmentArms: string[];
  setAside: { column: string; reason: string }[];
}

/** Effects with intervals and held-out Qini per arm. */
export async function evaluateUpliftTable(
  table: CsvTable,
  options: UpliftTableOptions,
): Promise<UpliftTableReport> {
  const t = prepareUpliftTable(table, options);
  const rng = createRng(options.seed ?? 42);
  const isTest = new Uint8Array(t.arm.length);
  for (const a of [options.control, ...t.treatmentArms]) {
    const rows = t.arm.flatMap((v, i) => (v === a ? [i] : []));
    const order = permutation(rows.length, rng);
    const held = Math.round(rows.length * (options.holdout ?? 0.3));
    for (let k = 0; k < held; k++) isTest[rows[order[k]]] = 1;
  }
  const trainRows = indices(t.arm, (i) => isTest[i] === 0);
  const testRows = indices(t.arm, (i) => isTest[i] === 1);
  const train = subset(t, trainRows);
  const test = subset(t, testRows);
  const learners = await fitLearners(train, options);
  const arms = t.treatmentArms.map((arm): ArmReport => {
    const rows = indices(test.arm, (i) => test.arm[i] === arm || test.arm[i] === options.control);
    const f = selectRows(test.features, rows);
    const treated = rows.map((i) => (test.arm[i] === arm ? 1 : 0));
    const y = rows.map((i) => test.outcome[i]);
    const { tLearner, xLearner } = learners.get(arm)!;
    return {
      arm,
      effect: averageEffect(
        t.outcome.filter((_, i) => t.arm[i] === arm),
        t.outcome.filter((_, i) => t.arm[i] === options.control),
      ),
      qini: {
        't-learner': qini(tLearner.predict(f).uplift, treated, y),
        'x-learner': qini(xLearner.predict(f), treated, y),
      },
    };
  });
  const meanQini = (name: UpliftLearnerName) =>
    arms.reduce((s, a) => s + a.qini[name].qiniCoefficient, 0) / arms.length;
  return {
    rows: t.arm.length,
    features: { numeric: t.features.numericNames, categorical: t.features.categoricalNames },
    setAside: t.setAside,
    arms,
    controlRows: t.arm.filter((a) => a === options.control).length,
    best: meanQini('x-learner') > meanQini('t-learner') ? 'x-learner' : 't-learner',
  };
}

/**
 * Train on the whole table with `learner` and predict, for every row of `testTable`, one uplift
 * per treatment arm. Shape: { arms [k], uplift [m][k] }.
 */
export async function predictUpliftTable(
  table: CsvTable,
  testTable: CsvTable,
  options: UpliftTableOptions & { learner: UpliftLearnerName },
): Promise<{ arms: string[]; uplift: number[][]; ids: string[] }> {
  const t = prepareUpliftTable(table, options);
  const learners = await fitLearners(t, options);
  const test = tableToData(testTable, t.schema, {
    requireTarget: false,
    fileLabel: 'the test file',
  });
  const features = keepColumns(test.features, t.features);
  const perArm = t.treatmentArms.map((arm) => {
    const l = learners.get(arm)!;
    return options.learner === 'x-learner'
      ? l.xLearner.predict(features)
      : l.tLearner.predict(features).uplift;
  });
  return {
    arms: t.treatmentArms,
    ids: test.ids,
    uplift: test.ids.map((_, i) => perArm.map((u) => u[i])),
  };
}

/** Check the columns and values, infer the covariates, set aside what is not one. */
export function prepareUpliftTable(table: CsvTable, options: UpliftTableOptions): PreparedTable {
  const column = (name: string, flag: string) => {
    const j = table.header.indexOf(name);
    if (j < 0)
      throw new TableError(
        `${flag} column '${name}' not found. Available columns: ${table.header.join(', ')}.`,
      );
    return j;
  };
  const tj = column(options.treatment, 'Treatment');
  column(options.outcome, 'Outcome');
  for (const c of options.ignore ?? []) column(c, 'Ignored');
  const arm = table.rows.map((r) => r[tj].trim());
  const values = [...new Set(arm)].sort();
  if (!values.includes(options.control)) {
    throw new TableError(
      `Control value '${options.control}' not found in column '${options.treatment}'. ` +
        `Values: ${values.map((v) => `'${v}'`).join(', ')}.`,
    );
  }
  const treatmentArms = values.filter((v) => v !== options.control);
  if (treatmentArms.length === 0)
    throw new TableError(`Column '${options.treatment}' has no value besides the control.`);
  const schema = inferTableSchema(table, { target: options.outcome });
  const ignored = new Set([options.treatment, ...(options.ignore ?? [])]);
  const setAside = [
    ...schema.dropped,
    ...[...ignored].map((c) => ({
      column: c,
      reason: c === options.treatment ? 'the treatment' : 'ignored',
    })),
  ];
  schema.numeric = schema.numeric.filter((c) => !ignored.has(c));
  schema.categorical = schema.categorical.filter((c) => !ignored.has(c));
  const data = tableToData(table, schema, { requireTarget: true });
  const outcome = data.labels!.map((y, i) => {
    if (y === null) throw new TableError(`Outcome '${options.outcome}' is blank in row ${i + 1}.`);
    return y;
  });
  const moved = imbalancedColumns(data.features, arm, options.control);
  for (const m of moved) {
    setAside.push({
      column: m.column,
      reason: `differs between arms (|z| = ${m.z.toFixed(1)}): measured after the treatment`,
    });
  }
  const keep = new Set(moved.map((m) => m.column));
  schema.numeric = schema.numeric.filter((c) => !keep.has(c));
  schema.categorical = schema.categorical.filter((c) => !keep.has(c));
  const features = keepColumns(data.features, {
    numericNames: schema.numeric,
    categoricalNames: schema.categorical,
  });
  return { schema, features, outcome, arm, treatmentArms, setAside };
}

async function fitLearners(
  t: Pick<PreparedTable, 'features' | 'outcome' | 'arm' | 'treatmentArms'>,
  options: UpliftTableOptions,
): Promise<Map<string, { tLearner: TLearner; xLearner: XLearner }>> {
  const seed = options.seed ?? 42;
  const controlIdx = indices(t.arm, (i) => t.arm[i] === options.control);
  options.onFit?.('control');
  const control = await OutcomeModel.fit(
    selectRows(t.features, controlIdx),
    controlIdx.map((i) => t.outcome[i]),
    { seed },
  );
  const out = new Map<string, { tLearner: TLearner; xLearner: XLearner }>();
  for (const arm of t.treatmentArms) {
    options.onFit?.(arm);
    const rows = indices(t.arm, (i) => t.arm[i] === arm || t.arm[i] === options.control);
    const f = selectRows(t.features, rows);
    const treated = rows.map((i) => (t.arm[i] === arm ? 1 : 0));
    const y = rows.map((i) => t.outcome[i]);
    const tLearner = await TLearner.fit(f, treated, y, { seed, control });
    out.set(arm, { tLearner, xLearner: XLearner.fit(f, treated, y, tLearner) });
  }
  return out;
}

function subset(t: PreparedTable, rows: number[]) {
  return {
    features: selectRows(t.features, rows),
    outcome: rows.map((i) => t.outcome[i]),
    arm: rows.map((i) => t.arm[i]),
    treatmentArms: t.treatmentArms,
  };
}

function indices(arm: readonly string[], keep: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < arm.length; i++) if (keep(i)) out.push(i);
  return out;
}

/** The named columns of `features`, in the order of `names`. */
function keepColumns(
  features: FeatureMatrix,
  names: Pick<FeatureMatrix, 'numericNames' | 'categoricalNames'>,
): FeatureMatrix {
  const num = names.numericNames.map((c) => features.numericNames.indexOf(c));
  const cat = names.categoricalNames.map((c) => features.categoricalNames.indexOf(c));
  return {
    numeric: features.numeric.map((row) => num.map((j) => row[j])),
    numericNames: [...names.numericNames],
    categorical: features.categorical.map((row) => cat.map((j) => row[j])),
    categoricalNames: [...names.categoricalNames],
  };
}
