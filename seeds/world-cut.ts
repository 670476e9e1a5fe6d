/**
 * Cut a seeded world at an instant C for a replay: every event at or after C is taken out of the event
 * tables and returned (to be sent back through the API in time order), and each subscriber's account is
 * set to what it was at C. Subscribers who signed up at or after C are closed (CANCELLED at their
 * signup) with their events dropped: the API has no signup event, so they take no part in the replay.
 */
import type { PoolClient } from 'pg';

export interface CutViewingEvent {
  userId: string;
  titleId: string;
  startedAt: Date;
  watchedSeconds: number;
  completion: number;
  device: string;
  rating: number | null;
}

export interface CutAccountEvent {
  userId: string;
  kind: string;
  at: Date;
  detail: Record<string, unknown>;
}

export interface WorldCut {
  viewing: CutViewingEvent[];
  account: CutAccountEvent[];
  /** Subscribers active at C. */
  activeAtCut: number;
}

export async function cutWorld(client: PoolClient, at: Date): Promise<WorldCut> {
  const c = at.toISOString();
  const viewing = (
    await client.query(
      `DELETE FROM viewing_events e USING users u
        WHERE e.user_id = u.id AND e.started_at >= $1
        RETURNING e.user_id::text AS "userId", e.title_id::text AS "titleId", e.started_at AS "startedAt",
                  e.watched_seconds AS "watchedSeconds", e.completion, e.device::text AS device, e.rating,
                  u.signup_at >= $1 AS late`,
      [c],
    )
  ).rows.filter((r) => !r.late);
  const account = (
    await client.query(
      `DELETE FROM subscription_events s USING users u
        WHERE s.user_id = u.id AND s.at >= $1
        RETURNING s.user_id::text AS "userId", s.kind::text AS kind, s.at, s.detail, u.signup_at >= $1 AS late`,
      [c],
    )
  ).rows.filter((r) => !r.late && r.kind !== 'SIGNUP');
  // Accounts as of C: the latest lifecycle and plan-setting events before C.
  await client.query(
    `UPDATE users u SET
       status = CASE WHEN u.signup_at >= $1 OR life.kind = 'CANCEL' THEN 'CANCELLED'::user_status
                     ELSE 'ACTIVE'::user_status END,
       cancelled_at = CASE WHEN u.signup_at >= $1 THEN u.signup_at
                           WHEN life.kind = 'CANCEL' THEN life.at ELSE NULL END,
       plan = coalesce((acct.detail->>'to'), (acct.detail->>'plan'), u.plan::text)::plan,
       monthly_fee = coalesce((acct.detail->>'newFee')::numeric, (acct.detail->>'fee')::numeric, u.monthly_fee)
     FROM users u2
     LEFT JOIN LATERAL (SELECT kind::text, at FROM subscription_events s
                         WHERE s.user_id = u2.id AND s.kind IN ('CANCEL', 'REACTIVATE')
                         ORDER BY s.at DESC, s.id DESC LIMIT 1) life ON true
     LEFT JOIN LATERAL (SELECT detail FROM subscription_events s
                         WHERE s.user_id = u2.id AND s.kind IN ('SIGNUP', 'PLAN_CHANGE', 'PRICE_INCREASE', 'REACTIVATE')
                         ORDER BY s.at DESC, s.id DESC LIMIT 1) acct ON true
     WHERE u.id = u2.id`,
    [c],
  );
  const [{ n }] = (
    await client.query(`SELECT count(*)::int AS n FROM users WHERE status = 'ACTIVE'`)
  ).rows;
  return {
    viewing: viewing.map(({ late: _late, ...v }) => ({ ...v, startedAt: new Date(v.startedAt) })),
    account: account.map(({ late: _late, ...a }) => ({ ...a, at: new Date(a.at) })),
    activeAtCut: n,
  };
}
