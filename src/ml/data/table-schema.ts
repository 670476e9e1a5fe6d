/**
 * Reads meaning into a user's churn table: which column is the target, which is an id, which
 * columns are numeric or categorical, and which to drop. Every way a table can be unusable ends in a
 * TableError whose message says what is wrong and where, in words the uploader can act on.
 */
import { TableError, type CsvTable } from './csv';
import type { FeatureMatrix } from './dataset';

export interface TableSchema {
  /** The target column as spelled in the file. */
  target: string;
  /** The identifier column, or null (rows are then identified by their row number). */
  id: string | null;
  numeric: string[];
  categorical: string[];
  dropped: { column: string; reason: string }[];
}

export interface TableData {
  features: FeatureMatrix;
  /** 0/1 per row, null where the table has no target column or the cell is blank. */
  labels: (0 | 1 | null)[] | null;
  ids: string[];
  /** 1-based data row number per row (header excluded). */
  rows: number[];
}

const NA_TOKENS = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?', '#n/a']);
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const POSITIVE = new Set([
  'yes',
  'y',
  'true',
  't',
  '1',
  '1.0',
  'churned',
  'churn',
  'left',
  'cancelled',
  'canceled',
]);
const NEGATIVE = new Set([
  'no',
  'n',
  'false',
  'f',
  '0',
  '0.0',
  'stayed',
  'retained',
  'active',
  'not churned',
]);
/** A column is numeric-looking (garbage is then an error, not a category) from this share on. */
const NUMERIC_SHARE = 0.9;

function isBlank(value: string): boolean {
  return NA_TOKENS.has(value.trim().toLowerCase());
}

/** Parses a numeric cell: a finite number, NaN for a blank/NA cell, undefined for anything else. */
function parseNumber(value: string): number | undefined {
  if (isBlank(value)) return NaN;
  const s = value.trim();
  return NUMBER.test(s) ? Number(s) : undefined;
}

/** Parses a target cell into 0/1, null when blank; throws TableError on anything unrecognised. */
export function parseTarget(value: string, column: string, row: number): 0 | 1 | null {
  const v = value.trim().toLowerCase();
  if (v === '') return null;
  if (POSITIVE.has(v)) return 1;
  if (NEGATIVE.has(v)) return 0;
  throw new TableError(
    `Target column '${column}' has '${value}' on row ${row}; expected Yes/No, True/False, 1/0 or ` +
      'Churned/Stayed (any case).',
  );
}

function resolveColumn(header: string[], name: string): string | undefined {
  return (
    header.find((h) => h === name) ??
    header.find((h) => h.toLowerCase() === name.trim().toLowerCase())
  );
}

function listColumns(header: string[]): string {
  return header.map((h) => `'${h}'`).join(', ');
}

function looksLikeIdName(name: string): boolean {
  const s = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (
    s === 'id' ||
    (s.endsWith('id') && /(customer|user|subscriber|account|client|member)id$/.test(s))
  );
}

/**
 * Decides the role and type of every column of a training table.
 * `target` and `id` are matched exactly, then case-insensitively; with no `id`, a uniquely valued
 * column named like an identifier (customerID, user_id…) is taken as the id.
 */
export function inferTableSchema(
  table: CsvTable,
  options: { target: string; id?: string },
): TableSchema {
  const { header, rows } = table;
  const target = resolveColumn(header, options.target);
  if (target === undefined) {
    throw new TableError(
      `Target column '${options.target}' not found. Available columns: ${listColumns(header)}.`,
    );
  }
  let id: string | null = null;
  if (options.id !== undefined) {
    id = resolveColumn(header, options.id) ?? null;
    if (id === null) {
      throw new TableError(
        `Id column '${options.id}' not found. Available columns: ${listColumns(header)}.`,
      );
    }
  } else {
    id = header.find((h, j) => h !== target && looksLikeIdName(h) && allUnique(rows, j)) ?? null;
  }
  const schema: TableSchema = { target, id, numeric: [], categorical: [], dropped: [] };
  header.forEach((column, j) => {
    if (column === target || column === id) return;
    if (header.indexOf(column) !== j) {
      schema.dropped.push({ column, reason: 'duplicate column name' });
      return;
    }
    let blank = 0;
    let numbers = 0;
    let firstBad = -1;
    const distinct = new Set<string>();
    rows.forEach((row, r) => {
      const v = row[j];
      if (isBlank(v)) {
        blank++;
        return;
      }
      distinct.add(v.trim());
      if (parseNumber(v) !== undefined) numbers++;
      else if (firstBad < 0) firstBad = r;
    });
    const present = rows.length - blank;
    if (present === 0) {
      schema.dropped.push({ column, reason: 'every value is blank' });
    } else if (distinct.size === 1) {
      schema.dropped.push({ column, reason: 'the same value in every row' });
    } else if (numbers === present) {
      schema.numeric.push(column);
    } else if (numbers / present >= NUMERIC_SHARE) {
      const share = ((100 * numbers) / present).toFixed(1);
      throw new TableError(
        `Column '${column}' looks numeric (${share}% of its non-blank values are numbers) but row ` +
          `${firstBad + 1} has '${rows[firstBad][j]}'. Correct that value or leave it blank ` +
          '(blank numeric values are filled in automatically).',
      );
    } else if (distinct.size > 20 && distinct.size > 0.5 * present) {
      // Mostly unique strings carry no pattern a model can learn from and would leak row identity.
      schema.dropped.push({
        column,
        reason: `probably an identifier or free text (${distinct.size} distinct values in ${present} rows)`,
      });
      if (id === null && distinct.size === rows.length) {
        id = column;
        schema.id = column;
      }
    } else {
      schema.categorical.push(column);
    }
  });
  return schema;
}

function allUnique(rows: string[][], j: number): boolean {
  const seen = new Set<string>();
  for (const row of rows) {
    const v = row[j].trim();
    if (v === '' || seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}

/**
 * Builds features (and labels when the target column is present) from a table, by column name, so
 * a test file may order its columns differently. `requireTarget` makes a missing target an error.
 */
export function tableToData(
  table: CsvTable,
  schema: TableSchema,
  options: { requireTarget: boolean; fileLabel?: string },
): TableData {
  const { header, rows } = table;
  const where = options.fileLabel === undefined ? '' : ` in ${options.fileLabel}`;
  const find = (column: string): number => header.findIndex((h) => h === column);
  const featureColumns = [...schema.numeric, ...schema.categorical];
  const missing = featureColumns.filter((c) => resolveColumn(header, c) === undefined);
  if (missing.length > 0) {
    throw new TableError(
      `Column(s) ${listColumns(missing)} missing${where}. Available columns: ${listColumns(header)}.`,
    );
  }
  const at = (column: string): number => find(resolveColumn(header, column)!);
  const numIdx = schema.numeric.map(at);
  const catIdx = schema.categorical.map(at);
  const targetName = resolveColumn(header, schema.target);
  if (targetName === undefined && options.requireTarget) {
    throw new TableError(
      `Target column '${schema.target}' not found${where}. Available columns: ${listColumns(header)}.`,
    );
  }
  const targetIdx = targetName === undefined ? -1 : find(targetName);
  const idName = schema.id === null ? undefined : resolveColumn(header, schema.id);
  const idIdx = idName === undefined ? -1 : find(idName);
  const numeric: Float64Array[] = [];
  const categorical: string[][] = [];
  const labels: (0 | 1 | null)[] = [];
  const ids: string[] = [];
  const rowNumbers: number[] = [];
  rows.forEach((row, r) => {
    const values = new Float64Array(numIdx.length);
    numIdx.forEach((j, k) => {
      const v = parseNumber(row[j]);
      if (v === undefined) {
        throw new TableError(
          `Column '${header[j]}' is numeric but row ${r + 1}${where} has '${row[j]}'. Correct that ` +
            'value or leave it blank (blank numeric values are filled in automatically).',
        );
      }
      values[k] = v;
    });
    numeric.push(values);
    categorical.push(catIdx.map((j) => (isBlank(row[j]) ? '' : row[j].trim())));
    if (targetIdx >= 0) labels.push(parseTarget(row[targetIdx], header[targetIdx], r + 1));
    ids.push(idIdx >= 0 ? row[idIdx].trim() : String(r + 1));
    rowNumbers.push(r + 1);
  });
  return {
    features: {
      numeric,
      numericNames: schema.numeric,
      categorical,
      categoricalNames: schema.categorical,
    },
    labels: targetIdx >= 0 ? labels : null,
    ids,
    rows: rowNumbers,
  };
}
