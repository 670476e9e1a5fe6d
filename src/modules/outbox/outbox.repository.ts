/**
 * Every statement over score_outbox: the queue of subscribers to rescore. Rows are written in the
 * statement that commits their cause (a viewing batch, an account batch, or a time-driven pass), leased
 * by a claim, and deleted by the statement that stores their scores, so each row becomes one score even
 * across crashes: a lease that expires unfinished is claimed again.
 */
import type { Queryable } from '../../common/prepared-query';
import { preparedQuery } from '../../common/prepared-query';

export type ScoreCause = 'VIEWING' | 'ACCOUNT' | 'TIME';

/**
 * A CTE named `name` that enqueues the rows of `select`, which yields (user_id, cause, event_id,
 * account_event_id). Returns (id, user_id). For composing into a cause's own write statement.
 */
export function enqueueCte(name: string, select: string): string {
  return `${name} AS (
    INSERT INTO score_outbox (user_id, cause, event_id, account_event_id)
    ${select}
    RETURNING id, user_id)`;
}

/** What a claim selects: given outbox ids, or unleased rows older than an age (the sweep). */
export type ClaimTarget = { kind: 'ids'; ids: string[] } | { kind: 'any'; olderThanMs: number };

/**
 * A CTE `claimed` (id, user_id, cause, event_id, account_event_id) leasing the target's rows to
 * token `$tokenParam` for `$leaseParam` seconds. Rows another claim holds (row lock or live lease)
 * are skipped. The target's own parameters are `$idsParam` (ids) or `$ageParam`, `$limitParam`.
 */
export function claimCte(
  target: ClaimTarget['kind'],
  p: { token: string; lease: string; ids: string; age: string; limit: string },
): string {
  const free = `(lease_until IS NULL OR lease_until < now())`;
  const where =
    target === 'ids'
      ? `id = ANY(${p.ids}::bigint[]) AND ${free}`
      : `${free} AND enqueued_at <= now() - make_interval(secs => ${p.age}) ORDER BY id LIMIT ${p.limit}`;
  return `claimed AS (
    UPDATE score_outbox o SET lease_token = ${p.token}::uuid,
                              lease_until = now() + make_interval(secs => ${p.lease})
     WHERE o.id IN (SELECT id FROM score_outbox WHERE ${where} FOR UPDATE SKIP LOCKED)
    RETURNING o.id, o.user_id, o.cause, o.event_id, o.account_event_id)`;
}

/** A CTE `done` (user_id) deleting the leased rows `$idsParam` still held by `$tokenParam`. */
export function completeCte(idsParam: string, tokenParam: string): string {
  return `done AS (
    DELETE FROM score_outbox WHERE id = ANY(${idsParam}::bigint[]) AND lease_token = ${tokenParam}::uuid
    RETURNING user_id)`;
}

export class OutboxRepository {
  constructor(private readonly db: Queryable) {}

  /** Rows waiting or leased (all instances). */
  async depth(): Promise<number> {
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM score_outbox');
    return n;
  }

  /** Milliseconds until the latest live lease expires (0 when no row is leased). */
  async leaseRemainingMs(): Promise<number> {
    const [{ ms }] = await this.db.query(
      `SELECT coalesce(extract(epoch FROM max(lease_until) - now()) * 1000, 0)::float8 AS ms
         FROM score_outbox WHERE lease_until > now()`,
    );
    return Math.max(0, ms);
  }

  /** Age of the oldest row in seconds (0 when empty): how far rescoring lags. */
  async lagSeconds(): Promise<number> {
    const [{ s }] = await this.db.query(
      'SELECT coalesce(extract(epoch FROM now() - min(enqueued_at)), 0)::float8 AS s FROM score_outbox',
    );
    return s;
  }

  /**
   * Enqueue a time-driven rescore for up to `limit` ACTIVE subscribers whose latest score is older
   * than `$before` (or who have none), oldest first, skipping those already waiting. `dueSelect` is the
   * scoring module's statement yielding user_id in due order. Returns how many were enqueued.
   */
  async enqueueDue(dueSelect: string, params: unknown[]): Promise<number> {
    const rows: { n: number }[] = await preparedQuery(
      this.db,
      `WITH ${enqueueCte(
        'q',
        `SELECT d.user_id, 'TIME'::score_cause, NULL::bigint, NULL::bigint FROM (${dueSelect}) d
          WHERE NOT EXISTS (SELECT 1 FROM score_outbox o WHERE o.user_id = d.user_id)`,
      )}
       SELECT count(*)::int AS n FROM q`,
      params,
    );
    return rows[0].n;
  }
}
