/**
 * riskLevelHistory over HTTP against real PostgreSQL: batch scoring records a snapshot of the per-level
 * counts, a later snapshot follows it, `since` cuts the window, the default window is 7 days, a `since`
 * in the future is INVALID_ARGUMENT, and the reader role may ask.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../../src/app/start-app';
import { ManualClock } from '../../src/common/clock';
import { createUser } from '../factories';
import { installFixtureModel } from '../factories/fixture-model';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp } from '../support/test-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const READER = 'reader-key-history-0001';
const HISTORY = `query($since: DateTimeISO) {
  riskLevelHistory(since: $since) { takenAt reason level users meanProbability }
}`;

let db: TestDatabase;
let app: App;
const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-history-'));

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(
    db.url,
    { MODEL_DIR: modelDir, LOG_LEVEL: 'error', API_KEYS: `reader:${READER}` },
    { clock },
  );
  for (let i = 0; i < 3; i += 1) {
    await createUser(db.dataSource, { signupAt: new Date(clock.now().getTime() - 20 * DAY) });
  }
  await installFixtureModel(app.services);
  // An old batch pass (outside the default window), then one now, then an hourly one.
  clock.advance(-10 * DAY);
  await app.services.scoring.scoreAll({ silent: true });
  clock.advance(10 * DAY);
  await app.services.scoring.scoreAll({ silent: true });
  clock.advance(HOUR);
  await app.services.scoring.repository.snapshot(clock.now(), 'hourly');
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  fs.rmSync(modelDir, { recursive: true, force: true });
});

type Point = { takenAt: string; reason: string; level: string; users: number };

function byTime(points: Point[]): Map<string, Point[]> {
  const out = new Map<string, Point[]>();
  for (const p of points) out.set(p.takenAt, [...(out.get(p.takenAt) ?? []), p]);
  return out;
}

describe('riskLevelHistory', () => {
  it('returns every level of each snapshot of the last 7 days, oldest first', async () => {
    const res = await gql(app.url, HISTORY, {}, { Authorization: `Bearer ${READER}` });
    expect(res.errors).toBeUndefined();
    const snapshots = byTime(res.data!.riskLevelHistory);
    expect([...snapshots.values()].map((s) => s[0].reason)).toEqual(['batch', 'hourly']);
    for (const levels of snapshots.values()) {
      expect(levels.map((l) => l.level)).toEqual(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
      expect(levels.reduce((n, l) => n + l.users, 0)).toBe(3);
    }
  });

  it('reaches further back with since, and refuses a since in the future', async () => {
    const since = new Date(clock.now().getTime() - 30 * DAY).toISOString();
    const all = await gql(app.url, HISTORY, { since });
    expect([...byTime(all.data!.riskLevelHistory).keys()]).toHaveLength(3);
    const future = new Date(clock.now().getTime() + DAY).toISOString();
    const bad = await gql(app.url, HISTORY, { since: future });
    expect(bad.errors![0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
