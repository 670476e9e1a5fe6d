/**
 * Loading the synthetic world into real PostgreSQL: the same seed gives byte-identical tables in
 * any fresh database, another seed gives other tables, a populated database is refused unless
 * `replace`, and the load leaves the schema as the migrations made it (indexes, keys, sequences).
 */
import type { Pool } from 'pg';
import { seedWorld } from '../../seeds';
import { createTestDatabase } from '../support/test-database';

const END = new Date('2025-06-01T00:00:00Z');
const WORLD = { users: 300, days: 90, end: END };

/** md5 per table over every column except the load-time ones (ingested_at, generated_at). */
const HASHES: Record<string, string> = {
  users: `SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM users t`,
  titles: `SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM titles t`,
  viewing_events: `SELECT md5(string_agg((id, client_event_id, user_id, title_id, started_at, watched_seconds,
                     completion, device, rating)::text, ',' ORDER BY id)) FROM viewing_events`,
  subscription_events: `SELECT md5(string_agg((id, user_id, at, kind, detail, client_event_id)::text, ',' ORDER BY id))
                          FROM subscription_events`,
  user_latent: `SELECT md5(string_agg(t::text, ',' ORDER BY user_id)) FROM sim.user_latent t`,
  churn_truth: `SELECT md5(string_agg(t::text, ',' ORDER BY snapshot_at, user_id)) FROM sim.churn_truth t`,
  worlds: `SELECT md5((seed, users, days, start_at, end_at, horizon_days, params)::text) FROM sim.worlds`,
};

async function tableHashes(pool: Pool): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, sql] of Object.entries(HASHES)) {
    const { rows } = await pool.query<{ md5: string }>(sql);
    out[table] = rows[0].md5;
  }
  return out;
}

describe('seedWorld', () => {
  let first: Awaited<ReturnType<typeof createTestDatabase>>;
  let second: Awaited<ReturnType<typeof createTestDatabase>>;
  let firstHashes: Record<string, string>;

  beforeAll(async () => {
    first = await createTestDatabase();
    second = await createTestDatabase();
  });

  afterAll(async () => {
    await first?.drop();
    await second?.drop();
  });

  it('loads a world whose row counts match its summary', async () => {
    const summary = await seedWorld(first.pool, { ...WORLD, seed: 42 }, { silent: true });
    const { rows } = await first.pool.query(
      `SELECT (SELECT count(*)::int FROM users) AS users,
              (SELECT count(*)::int FROM titles) AS titles,
              (SELECT count(*)::int FROM viewing_events) AS viewings,
              (SELECT count(*)::int FROM subscription_events) AS subscriptions,
              (SELECT count(*)::int FROM subscription_events WHERE kind = 'CANCEL') AS cancels,
              (SELECT count(*)::int FROM sim.churn_truth) AS truths,
              (SELECT count(*)::int FROM sim.user_latent) AS latent`,
    );
    expect(rows[0]).toEqual({
      users: 300,
      titles: summary.titles,
      viewings: summary.viewingEvents,
      subscriptions: summary.subscriptionEvents,
      cancels: summary.cancellations,
      truths: summary.truthRows,
      latent: 300,
    });
    expect(summary.viewingEvents).toBeGreaterThan(5000);
    expect(summary.elapsedMs).toBeGreaterThan(0);
    firstHashes = await tableHashes(first.pool);
  });

  it('keeps its rows inside the world and consistent with the schema', async () => {
    const { rows } = await first.pool.query(
      `SELECT (SELECT count(*)::int FROM viewing_events v JOIN users u ON u.id = v.user_id
                WHERE v.started_at < u.signup_at OR v.started_at >= $1) AS misplaced,
              (SELECT count(*)::int FROM users u WHERE u.status = 'CANCELLED' AND NOT EXISTS
                (SELECT 1 FROM subscription_events s
                  WHERE s.user_id = u.id AND s.kind = 'CANCEL' AND s.at = u.cancelled_at)) AS unexplained,
              (SELECT count(*)::int FROM subscription_events WHERE at >= $1) AS future,
              (SELECT jsonb_array_length(params->'hazard'->'drivers') FROM sim.worlds) AS drivers`,
      [END],
    );
    expect(rows[0]).toEqual({
      misplaced: 0,
      unexplained: 0,
      future: 0,
      drivers: expect.any(Number),
    });
    expect(rows[0].drivers).toBeGreaterThanOrEqual(8);
  });

  it('restores the viewing indexes and keys and moves the identities past the seeded ids', async () => {
    const { rows: indexes } = await first.pool.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'viewing_events' ORDER BY 1`,
    );
    expect(indexes.map((r) => r.indexname)).toEqual([
      'viewing_events_client_event_id_key',
      'viewing_events_pkey',
      'viewing_events_user_started_idx',
      'viewing_events_user_title_idx',
    ]);
    const { rows: keys } = await first.pool.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE conrelid = 'viewing_events'::regclass AND contype = 'f' ORDER BY 1`,
    );
    expect(keys.map((r) => r.conname)).toEqual([
      'viewing_events_title_id_fkey',
      'viewing_events_user_id_fkey',
    ]);
    const { rows: inserted } = await first.pool.query(
      `INSERT INTO users (external_id, signup_at, country, age_band, plan, monthly_fee)
       VALUES ('after-seed', now(), 'US', '25-34', 'BASIC', 7.99) RETURNING id::int`,
    );
    expect(inserted[0].id).toBe(301);
    await first.pool.query(`DELETE FROM users WHERE external_id = 'after-seed'`);
  });

  it('refuses a database that already holds subscribers unless asked to replace them', async () => {
    await expect(seedWorld(first.pool, { ...WORLD, seed: 42 }, { silent: true })).rejects.toThrow(
      /already holds 300 users/,
    );
  });

  it('gives byte-identical tables for the same seed, in a fresh database and on replace', async () => {
    await seedWorld(second.pool, { ...WORLD, seed: 42 }, { silent: true });
    expect(await tableHashes(second.pool)).toEqual(firstHashes);
    await seedWorld(first.pool, { ...WORLD, seed: 42, replace: true }, { silent: true });
    expect(await tableHashes(first.pool)).toEqual(firstHashes);
  });

  it('gives different tables for another seed', async () => {
    await seedWorld(second.pool, { ...WORLD, seed: 43, replace: true }, { silent: true });
    const other = await tableHashes(second.pool);
    for (const table of [
      'users',
      'viewing_events',
      'subscription_events',
      'churn_truth',
      'titles',
    ]) {
      expect(other[table]).not.toBe(firstHashes[table]);
    }
  });

  it('rolls back everything when the load fails part-way', async () => {
    // An invalid option fails before any COPY; the database keeps the previous world intact.
    await expect(
      seedWorld(second.pool, { ...WORLD, seed: 44, days: 0, replace: true }, { silent: true }),
    ).rejects.toThrow(/days/);
    const { rows } = await second.pool.query(`SELECT seed FROM sim.worlds`);
    expect(rows).toEqual([{ seed: 43 }]);
  });
});
