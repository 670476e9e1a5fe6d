/**
 * Reads of the subscription history other modules build on (survival analysis): when subscribers
 * cancelled, their subscription spells, and where the recorded activity begins. The events module
 * owns `subscription_events` and `viewing_events`; these are the statements over them it exports.
 */
import type { Queryable } from '../../common/prepared-query';

/**
 * The first CANCEL of each subscriber in (after, until], for `userIds` (or everyone). Cancellations
 * after `until` are not read, so a caller that cuts follow-up at `until` cannot see past it.
 */
export async function firstCancellations(
  runner: Queryable,
  after: Date,
  until: Date,
  userIds: readonly string[] | null = null,
): Promise<Map<string, Date>> {
  const rows: { user_id: string; at: Date }[] = await runner.query(
    `SELECT user_id::text, min(at) AS at FROM subscription_events
      WHERE kind = 'CANCEL' AND at > $1 AND at <= $2
        AND ($3::bigint[] IS NULL OR user_id = ANY($3::bigint[]))
      GROUP BY user_id`,
    [after.toISOString(), until.toISOString(), userIds],
  );
  return new Map(rows.map((r) => [r.user_id, new Date(r.at)]));
}

/** One subscription spell: from SIGNUP or REACTIVATE to the next CANCEL (null: still running). */
export interface SubscriptionSpell {
  userId: string;
  startedAt: Date;
  endedAt: Date | null;
  /** The plan named by the starting event ('' when it names none). */
  plan: string;
}

/** Every subscription spell that started before `until`; a CANCEL after `until` is not read. */
export async function subscriptionSpells(
  runner: Queryable,
  until: Date,
): Promise<SubscriptionSpell[]> {
  const rows: { user_id: string; started_at: Date; ended_at: Date | null; plan: string }[] =
    await runner.query(
      `SELECT user_id::text, at AS started_at,
              CASE WHEN next_kind = 'CANCEL' THEN next_at END AS ended_at,
              coalesce(detail->>'plan', '') AS plan
         FROM (SELECT user_id, at, kind, detail,
                      lead(at) OVER w AS next_at, lead(kind) OVER w AS next_kind
                 FROM subscription_events
                WHERE kind IN ('SIGNUP', 'REACTIVATE', 'CANCEL') AND at <= $1
               WINDOW w AS (PARTITION BY user_id ORDER BY at, id)) s
        WHERE kind IN ('SIGNUP', 'REACTIVATE')
        ORDER BY s.user_id, s.at`,
      [until.toISOString()],
    );
  return rows.map((r) => ({
    userId: r.user_id,
    startedAt: new Date(r.started_at),
    endedAt: r.ended_at === null ? null : new Date(r.ended_at),
    plan: r.plan,
  }));
}

/**
 * When recorded activity begins: the earliest viewing event or cancellation (null without any).
 * Spells that began earlier were only seen from then on (signups are kept from before it, but not
 * the subscribers who had already left).
 */
export async function observationStart(runner: Queryable): Promise<Date | null> {
  const [row]: { start: Date | null }[] = await runner.query(
    `SELECT least((SELECT min(started_at) FROM viewing_events),
                  (SELECT min(at) FROM subscription_events WHERE kind = 'CANCEL')) AS start`,
  );
  return row?.start ? new Date(row.start) : null;
}
