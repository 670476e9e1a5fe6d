/** Every statement over users. */
import type { Queryable } from '../../common/prepared-query';
import { preparedQuery } from '../../common/prepared-query';
import type { User } from './user.entity';

/** A users row as the User shape. */
const USER_COLUMNS = `id::text, external_id AS "externalId", signup_at AS "signupAt", country, age_band AS "ageBand",
  plan, monthly_fee::float8 AS "monthlyFee", status, cancelled_at AS "cancelledAt"`;

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
   * page follows). Null filters match everything, so the statement is one prepared plan.
   */
  async page(filter: UserFilterValues, first: number, after: string | null): Promise<User[]> {
    return preparedQuery(
      this.db,
      `SELECT ${USER_COLUMNS} FROM users
        WHERE ($1::plan IS NULL OR plan = $1::plan) AND ($2::user_status IS NULL OR status = $2::user_status)
          AND ($3::text IS NULL OR country = $3) AND ($4::bigint IS NULL OR id > $4::bigint)
        ORDER BY users.id LIMIT $5`,
      [filter.plan ?? null, filter.status ?? null, filter.country ?? null, after, first + 1],
    );
  }

  async count(filter: UserFilterValues): Promise<number> {
    const [{ n }] = await preparedQuery<{ n: number }>(
      this.db,
      `SELECT count(*)::int AS n FROM users
        WHERE ($1::plan IS NULL OR plan = $1::plan) AND ($2::user_status IS NULL OR status = $2::user_status)
          AND ($3::text IS NULL OR country = $3)`,
      [filter.plan ?? null, filter.status ?? null, filter.country ?? null],
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
