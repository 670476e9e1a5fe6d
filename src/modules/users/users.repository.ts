/** Every statement over users. */
import type { Queryable } from '../../db/prepared-query';

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

  async countActive(): Promise<number> {
    const [{ n }] = await this.db.query(
      `SELECT count(*)::int AS n FROM users WHERE status = 'ACTIVE'`,
    );
    return n;
  }
}
