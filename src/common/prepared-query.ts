/**
 * Named prepared statements for the hot paths (ingest and live rescoring). Some of their queries
 * take several times longer to plan than to run (the account-state laterals of the online features
 * plan in ~6 ms and execute in <1 ms); a named statement is planned once per connection and reused.
 * Inside a transaction the statement runs on the transaction's own pg connection; on a DataSource,
 * on its pg pool (each connection prepares it once).
 */
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

export type Queryable = Pick<DataSource | EntityManager, 'query'>;

interface PgClient {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `churn_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Above this many rows a statement over array parameters is planned for its own values (unnamed).
 * After five executions PostgreSQL may switch a named statement to a generic plan, which cannot see
 * how long the `unnest($n)` arrays are and estimates a handful of rows: joins of those sets then
 * become nested loops, fine for a live batch of 20 subscribers but quadratic for a time-driven claim
 * of 5,000 (the rescoring write went from 0.3 s to 3–4 s per claim). Planning costs milliseconds; at
 * that size it is nothing beside the statement.
 */
export const GENERIC_PLAN_MAX_ROWS = 256;

/**
 * A statement for one key where it takes an array of keys: each `$n::<type>[]` whose value is an
 * array of one element becomes `ARRAY[$n::<type>]` with that element. PostgreSQL's generic plan
 * assumes ten elements in an array parameter, so for the commonest batch of a DataLoader (one key: a
 * subscriber's detail) the generic plan looked ten times dearer than a custom one and PostgreSQL
 * planned the statement at every call (0.1–0.8 ms of its CPU each, more than running it); it sees
 * the length of an ARRAY[...] written out, so the one-key statement keeps one generic plan per connection.
 */
const ARRAY_PARAM = /\$(\d+)::(bigint|text|int|uuid)\[\]/g;

export function singleKeyForm(
  text: string,
  values: unknown[],
): { text: string; values: unknown[] } {
  if (!values.some((v) => Array.isArray(v) && v.length === 1)) return { text, values };
  const unwrapped = new Set<number>();
  const rewritten = text.replace(ARRAY_PARAM, (match, n: string, type: string) => {
    const value = values[Number(n) - 1];
    if (!Array.isArray(value) || value.length !== 1) return match;
    unwrapped.add(Number(n) - 1);
    return `ARRAY[$${n}::${type}]`;
  });
  return {
    text: rewritten,
    values: values.map((v, i) => (unwrapped.has(i) ? (v as unknown[])[0] : v)),
  };
}

export async function preparedQuery<T>(
  runner: Queryable,
  statement: string,
  params: unknown[],
  options: { rows?: number } = {},
): Promise<T[]> {
  const { text, values } = singleKeyForm(statement, params);
  const name = (options.rows ?? 0) > GENERIC_PLAN_MAX_ROWS ? undefined : nameOf(text);
  const queryRunner = (runner as Partial<EntityManager>).queryRunner;
  if (queryRunner?.isTransactionActive) {
    const client = (await queryRunner.connect()) as PgClient;
    const result = await client.query({ name, text, values });
    return result.rows as T[];
  }
  // Outside a transaction, straight to the driver's pg pool: a DataSource query otherwise builds and
  // connects a query runner per call.
  const pool = ((runner as Partial<DataSource>).driver as { master?: PgClient } | undefined)
    ?.master;
  if (pool) {
    const result = await pool.query({ name, text, values });
    return result.rows as T[];
  }
  return runner.query(text, values);
}
