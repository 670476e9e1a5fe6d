/**
 * Reads the stored world's generation options back from `sim.worlds` (the table the loader
 * writes), so a branch of the same world can be rebuilt in memory.
 */
import type { HazardParams } from './world/hazard';
import type { WorldOptions } from './world/world';

/** Anything that runs SQL and resolves to rows (a TypeORM DataSource or EntityManager). */
export interface RowSource {
  query(sql: string, parameters?: unknown[]): Promise<Record<string, unknown>[]>;
}

/** The stored world's options, with its start; null when no world was seeded (an import, say). */
export async function readWorldOptions(
  db: RowSource,
): Promise<(WorldOptions & { start: Date; end: Date }) | null> {
  const [present] = await db.query(`SELECT to_regclass('sim.worlds') IS NOT NULL AS exists`);
  if (!present?.exists) return null;
  const rows = await db.query(
    `SELECT seed, users, days, start_at, end_at, horizon_days, params FROM sim.worlds WHERE id = 1`,
  );
  if (rows.length === 0) return null;
  const r = rows[0];
  const params = r.params as {
    titles: number;
    snapshotEveryDays: number;
    hazard: { params: HazardParams };
  };
  return {
    seed: Number(r.seed),
    users: Number(r.users),
    days: Number(r.days),
    start: new Date(r.start_at as string),
    end: new Date(r.end_at as string),
    horizonDays: Number(r.horizon_days),
    titles: params.titles,
    snapshotEveryDays: params.snapshotEveryDays,
    hazard: params.hazard.params,
  };
}

/**
 * The world's true 30-day churn probabilities at a snapshot for `userIds` (an oracle for evaluation),
 * or null when the database holds no world truth.
 */
export async function readChurnTruth(
  db: RowSource,
  snapshot: Date,
  userIds: readonly string[],
): Promise<Map<string, number> | null> {
  const [present] = await db.query(`SELECT to_regclass('sim.churn_truth') IS NOT NULL AS exists`);
  if (!present?.exists) return null;
  const rows = await db.query(
    'SELECT user_id::text AS id, probability FROM sim.churn_truth WHERE snapshot_at = $1 AND user_id = ANY($2::bigint[])',
    [snapshot.toISOString(), userIds],
  );
  return new Map(rows.map((r) => [r.id as string, Number(r.probability)]));
}

/** A subscriber as the live simulation continues them: the account now and the world's latent traits. */
export interface LiveWorldSubscriberRow {
  id: string;
  signup_at: Date;
  status: string;
  plan: string;
  fee: number;
  last_event_at: Date | null;
  engagement: number | null;
  price_sensitivity: number | null;
  taste: number[] | null;
}

/** A title with its views so far, for the live simulation's popularity. */
export interface LiveWorldTitleRow {
  id: string;
  genres: string[];
  runtimeMinutes: number;
  views: number;
}

/** The state `churn simulate` continues the world from: every subscriber and title as stored now. */
export async function readLiveWorld(
  db: RowSource,
): Promise<{ subscribers: LiveWorldSubscriberRow[]; titles: LiveWorldTitleRow[] }> {
  const subscribers = (await db.query(
    `SELECT u.id::text AS id, u.signup_at, u.status, u.plan, u.monthly_fee::float8 AS fee,
            (SELECT max(s.at) FROM subscription_events s WHERE s.user_id = u.id) AS last_event_at,
            l.engagement, l.price_sensitivity, l.taste
       FROM users u LEFT JOIN sim.user_latent l ON l.user_id = u.id`,
  )) as unknown as LiveWorldSubscriberRow[];
  const titles = (await db.query(
    `SELECT t.id::text AS id, t.genres, t.runtime_minutes AS "runtimeMinutes", coalesce(v.views, 0)::int AS views
       FROM titles t LEFT JOIN (SELECT title_id, count(*) AS views FROM viewing_events GROUP BY 1) v
         ON v.title_id = t.id`,
  )) as unknown as LiveWorldTitleRow[];
  return { subscribers, titles };
}
