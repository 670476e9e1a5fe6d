/**
 * The set-based live path: a batch costs a constant number of statements whatever it touches, and
 * concurrent bursts lose nothing and score each subscriber's latest event once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../../src/app/start-app';
import { createTitle, viewEvent } from '../factories';
import { installFixtureModel } from '../factories/fixture-model';
import { countQueries } from '../support/count-queries';
import { RECORD_VIEWS } from '../support/documents';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp } from '../support/test-app';

let db: TestDatabase;
let app: App;
let titleId: string;
let users: string[];
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-livepath-'));

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db.url, { MODEL_DIR: modelDir, LOG_LEVEL: 'error' });
  titleId = (await createTitle(db.dataSource, { runtimeMinutes: 100 })).id;
  await installFixtureModel(app.services);
  users = (
    await db.dataSource.query(
      `INSERT INTO users (external_id, signup_at, country, age_band, plan, monthly_fee)
       SELECT 'bulk-' || g, now() - interval '20 days', 'DE', '25-34', 'STANDARD', 13.99
         FROM generate_series(1, 1000) g RETURNING id::text`,
    )
  ).map((r: { id: string }) => r.id);
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  fs.rmSync(modelDir, { recursive: true, force: true });
});

describe('the set-based live path', () => {
  it('records and rescores a batch over 1,000 subscribers with as many statements as one over 1', async () => {
    // Warm caches (the genre catalogue, the active model) so both measurements see the same state.
    await gql(app.url, RECORD_VIEWS, { events: [viewEvent(users[0], titleId, 0.5)] });
    const one = await countQueries(async () => {
      const res = await gql(app.url, RECORD_VIEWS, { events: [viewEvent(users[1], titleId, 0.5)] });
      expect(res.data!.recordViewingEvents.scores).toHaveLength(1);
    });
    const many = await countQueries(async () => {
      const res = await gql(app.url, RECORD_VIEWS, {
        events: users.map((u) => viewEvent(u, titleId, 0.7)),
      });
      expect(res.errors).toBeUndefined();
      expect(res.data!.recordViewingEvents.scores).toHaveLength(1000);
    });
    // The active model is re-read at most once a second (another instance may activate one): time-
    // driven, not per batch, so it is left out of the comparison.
    // A one-key array parameter is written ARRAY[$n] (singleKeyForm): the same statement.
    const perBatch = (queries: string[]) =>
      queries
        .filter((q) => !q.includes('"ModelVersionRow"'))
        .map((q) => q.replace(/ARRAY\[(\$\d+::\w+)\]/g, '$1[]').slice(0, 60));
    expect(perBatch(many)).toEqual(perBatch(one));
    // Validation read, one write, the claim, the score write.
    expect(perBatch(one)).toHaveLength(4);
  });

  it('loses nothing in a concurrent burst from 8 clients and scores every subscriber’s latest event once', async () => {
    const touched = users.slice(0, 200);
    const clients = Array.from({ length: 8 }, (_, c) =>
      (async () => {
        for (let b = 0; b < 5; b++) {
          const events = Array.from({ length: 50 }, (_, i) =>
            viewEvent(
              touched[(c * 37 + b * 11 + i * 7) % touched.length],
              titleId,
              ((c + i) % 10) / 10,
              {
                minutesAgo: 300 + (((c * 5 + b) * 50 + i) % 600),
              },
            ),
          );
          const res = await gql(app.url, RECORD_VIEWS, { events });
          expect(res.errors).toBeUndefined();
          expect(res.data!.recordViewingEvents.accepted).toBe(50);
        }
      })(),
    );
    await Promise.all(clients);
    await app.services.rescoring.drainAll();
    expect(await app.services.rescoring.backlog()).toBe(0);
    const [{ events }] = await db.dataSource.query(
      `SELECT count(*)::int AS events FROM viewing_events WHERE client_event_id LIKE 'view-%'`,
    );
    expect(events).toBeGreaterThanOrEqual(8 * 5 * 50);
    // Each subscriber's latest stored event is the cause of a score, and no event caused two.
    const missed = await db.dataSource.query(
      `SELECT u.id FROM unnest($1::bigint[]) AS u(id)
        WHERE NOT EXISTS (
          SELECT 1 FROM churn_scores s
           WHERE s.user_id = u.id
             AND s.cause_event_id = (SELECT max(id) FROM viewing_events e WHERE e.user_id = u.id))`,
      [touched],
    );
    expect(missed).toEqual([]);
    const [{ dup }] = await db.dataSource.query(
      `SELECT count(*)::int AS dup FROM (SELECT cause_event_id FROM churn_scores WHERE cause_event_id IS NOT NULL
         GROUP BY 1 HAVING count(*) > 1) d`,
    );
    expect(dup).toBe(0);
    // The daily aggregates count every stored view exactly once.
    const [{ daily, stored }] = await db.dataSource.query(
      `SELECT (SELECT sum(sessions)::int FROM user_activity_daily WHERE user_id = ANY($1::bigint[])) AS daily,
              (SELECT count(*)::int FROM viewing_events WHERE user_id = ANY($1::bigint[])) AS stored`,
      [touched],
    );
    expect(daily).toBe(stored);
  });
});
