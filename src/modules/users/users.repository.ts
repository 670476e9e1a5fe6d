/** Every statement over users. */
import type { Queryable } from '../../common/prepared-query';
import { preparedQuery } from '../../common/prepared-query';
import { User } from './user.entity';
import type { PageIncludeRequest } from './page-includes';

/** Each field of the User shape as a column of users. */
const USER_COLUMN_SQL = {
  id: 'id::text',
  externalId: 'external_id AS "externalId"',
  signupAt: 'signup_at AS "signupAt"',
  country: 'country',
  ageBand: 'age_band AS "ageBand"',
  plan: 'plan',
  monthlyFee: 'monthly_fee::float8 AS "monthlyFee"',
  status: 'status',
  cancelledAt: 'cancelled_at AS "cancelledAt"',
} as const;

export type UserColumn = keyof typeof USER_COLUMN_SQL;

/** Every field of the User shape, `id` first. */
export const USER_FIELDS = Object.keys(USER_COLUMN_SQL) as readonly UserColumn[];

/** A users row as the User shape. */
const USER_COLUMNS = Object.values(USER_COLUMN_SQL).join(', ');

export interface UserFilterValues {
  plan?: string | null;
  status?: string | null;
  country?: string | null;
}

/**
 * A CTE `name` that sets the account columns of subscribers from parameters `$first..$first+4`
 * (id, status, cancelled_at, plan, monthly_fee arrays): the account events module's write.
 */
export function applyAccountsCte(name: string, first: number): string {
  const p = (k: number) => `$${first + k}`;
  return `${name} AS (
    UPDATE users u SET status = x.status::user_status, cancelled_at = x.cancelled_at,
           plan = x.plan::plan, monthly_fee = x.fee
      FROM unnest(${p(0)}::bigint[], ${p(1)}::text[], ${p(2)}::timestamptz[], ${p(3)}::text[],
                  ${p(4)}::numeric[]) AS x(id, status, cancelled_at, plan, fee)
     WHERE u.id = x.id
    RETURNING u.id)`;
}

/**
 * The accounts of subscribers `$1`, locked for the rest of the transaction in id order (concurrent
 * account batches lock alike), as json rows (id, status, plan, monthlyFee, signupAt, cancelledAt).
 * `lastEventExpr` is a scalar expression over `u` for the latest account event's time.
 */
export function lockedAccountsSql(lastEventExpr: string): string {
  return `(SELECT json_agg(x) FROM (
      SELECT u.id::text AS id, u.status, u.plan, u.monthly_fee::float8 AS "monthlyFee", u.signup_at AS "signupAt",
             u.cancelled_at AS "cancelledAt", coalesce(${lastEventExpr}, u.signup_at) AS "lastEventAt"
        FROM users u WHERE u.id = ANY($1::bigint[]) ORDER BY u.id FOR UPDATE) x)`;
}

/**
 * The WHERE clause of a filtered page with only the conditions given, so that each combination is
 * its own prepared statement (at most 16). One statement for all of them (`$1 IS NULL OR plan = $1`
 * ...) got a generic plan that estimated one matching row and so sorted every subscriber for each
 * page instead of walking the primary key: 1 ms of PostgreSQL per page at 5,000 subscribers.
 */
function pageConditions(
  filter: UserFilterValues,
  after: string | null,
): { where: string; values: unknown[] } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (param: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(`$${values.length}`));
  };
  if (filter.plan != null) add((p) => `plan = ${p}::plan`, filter.plan);
  if (filter.status != null) add((p) => `status = ${p}::user_status`, filter.status);
  if (filter.country != null) add((p) => `country = ${p}::text`, filter.country);
  if (after != null) add((p) => `id > ${p}::bigint`, after);
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', values };
}

/**
 * Page statements by shape (filters given, page size, includes): built once, so a page costs no
 * string work. The LIMIT is written into the text, not passed as a parameter: PostgreSQL prices a
 * generic plan for `LIMIT $n` as if it returned a tenth of the table, so it never chose one and
 * planned every page anew (0.1–0.2 ms of its CPU per page, more than running it). With the limit in
 * the text, the unfiltered first page has no parameters and is planned once per connection, and the
 * others switch to their generic plan after PostgreSQL's five custom ones. The limit is the page size
 * rounded up to one of a few sizes (the extra rows are dropped), so a client choosing its page size
 * does not make a statement per size.
 */
const PAGE_LIMITS = [6, 11, 21, 26, 51, 101];

interface PageStatement {
  sql: string;
  /** Each include's column names, and the result columns that hold them (`i<k>:<name>`). */
  names: string[][];
  keys: string[][];
}

const pageStatements = new Map<string, PageStatement>();

function pageStatement(
  where: string,
  limit: number,
  fields: readonly UserColumn[],
  includes: readonly PageIncludeRequest[],
): PageStatement {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`bad page limit ${limit}`);
  const includeShape = includes.map(({ include, shape }) => `${include.field}(${shape})`).join(',');
  const shape = `${where}|${limit}|${fields.join(',')}|${includeShape}`;
  let statement = pageStatements.get(shape);
  if (statement === undefined) {
    const joined = includes.map(({ include }, k) => include.joins('page.key', `i${k}`));
    const columns = includes.map(({ include, shape }, k) => include.columns(`i${k}`, shape));
    const selectedColumns = columns.flatMap((list, k) =>
      list.map(([name, expr]) => `${expr} AS "i${k}:${name}"`),
    );
    const sql = `SELECT ${['page.*', ...selectedColumns].join(', ')} FROM (
         SELECT ${fields.map((f) => USER_COLUMN_SQL[f]).join(', ')}, id AS key FROM users ${where}
          ORDER BY users.id LIMIT ${limit}) page
       ${joined.join('\n       ')}
       ORDER BY page.key`;
    const names = columns.map((list) => list.map(([name]) => name));
    const keys = names.map((list, k) => list.map((name) => `i${k}:${name}`));
    pageStatements.set(shape, (statement = { sql, names, keys }));
  }
  return statement;
}

export class UsersRepository {
  constructor(private readonly db: Queryable) {}

  async findByIds(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    return preparedQuery(
      this.db,
      `SELECT ${USER_COLUMNS} FROM users WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /**
   * A page of users ordered by id after `after` (one more than `first`, to tell whether another
   * page follows), read through the primary key whatever the table's size. Each
   * include adds its subquery's row for every user of the page to the same statement (`included[k]`
   * for `includes[k]`; null when it had none). Only `fields` of each user are read (`id` always),
   * as the client selected them: a page is the API's hottest list, and every unread column is one
   * the database need not format nor the driver parse (timestamps especially).
   */
  async page(
    filter: UserFilterValues,
    first: number,
    after: string | null,
    includes: readonly PageIncludeRequest[] = [],
    fields: readonly UserColumn[] = USER_FIELDS,
  ): Promise<{ user: User; included: (Record<string, unknown> | null)[] }[]> {
    const { where, values } = pageConditions(filter, after);
    const read = USER_FIELDS.filter((f) => f === 'id' || fields.includes(f));
    const limit = PAGE_LIMITS.find((l) => l > first) ?? first + 1;
    const { sql, names, keys: prefixed } = pageStatement(where, limit, read, includes);
    const rows = (await preparedQuery<Record<string, unknown>>(this.db, sql, values)).slice(
      0,
      first + 1,
    );
    return rows.map((row) => {
      const included = includes.map((_, k) => {
        const keys = prefixed[k];
        if (row[keys[0]] == null) return null;
        const value: Record<string, unknown> = {};
        for (let c = 0; c < keys.length; c++) value[names[k][c]] = row[keys[c]];
        return value;
      });
      // An instance of the entity class, so type-graphql hands field resolvers this very object
      // instead of copying it into a new instance for each field.
      const user = Object.create(User.prototype) as Record<string, unknown>;
      for (const key of read) user[key] = row[key];
      return { user: user as unknown as User, included };
    });
  }

  async count(filter: UserFilterValues): Promise<number> {
    const { where, values } = pageConditions(filter, null);
    const [{ n }] = await preparedQuery<{ n: number }>(
      this.db,
      `SELECT count(*)::int AS n FROM users ${where}`,
      values,
    );
    return n;
  }

  async activeIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id::text FROM users WHERE status = 'ACTIVE' ORDER BY users.id`,
    );
    return rows.map((r) => r.id);
  }

  async countActive(): Promise<number> {
    const [{ n }] = await this.db.query(
      `SELECT count(*)::int AS n FROM users WHERE status = 'ACTIVE'`,
    );
    return n;
  }
}
