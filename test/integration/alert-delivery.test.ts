/**
 * No silent loss when the fan-out fails: a Redis of the test's own is killed mid-stream and started
 * again. Every live subscription ends with RESYNC_REQUIRED, /healthz says the PubSub is down (503)
 * meanwhile, and a client following the documented pattern (src/client/alert-follower.ts) ends with
 * every stored alert exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../../src/app/start-app';
import { followAlerts, type FollowedAlert } from '../../src/client/alert-follower';
import { abandonedViews, createTitle, createUser } from '../factories';
import { installFixtureModel } from '../factories/fixture-model';
import { ALERTS_RAISED, RECORD_VIEWS } from '../support/documents';
import { waitFor } from '../support/wait-for';
import { freePort } from '../support/global-setup';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp, wsClient, wsSubscribe } from '../support/test-app';

let db: TestDatabase;
let app: App;
let titleId: string;
let redis: ChildProcess | null = null;
let port: number;
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-delivery-'));

async function startRedis(): Promise<void> {
  redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const s = require('node:net').connect(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      }),
    { what: 'redis-server to listen' },
  );
}

async function killRedis(): Promise<void> {
  const child = redis!;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  redis = null;
}

async function health(): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}/healthz`);
  return { status: res.status, body: await res.json() };
}

async function alertsFor(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const user = (
      await createUser(db.dataSource, { signupAt: new Date(Date.now() - 10 * 86_400_000) })
    ).id;
    await app.services.scoring.scoreUsers([user]);
    const res = await gql(app.url, RECORD_VIEWS, { events: abandonedViews(user, titleId) });
    expect(res.errors).toBeUndefined();
  }
}

const hasRedis = (() => {
  try {
    require('node:child_process').execFileSync('redis-server', ['--version']);
    return true;
  } catch {
    return false;
  }
})();
const maybe = hasRedis ? describe : describe.skip;
if (!hasRedis) process.stderr.write('alert-delivery: redis-server is not installed; skipped\n');

maybe('alert delivery when the PubSub fails', () => {
  beforeAll(async () => {
    port = await freePort();
    await startRedis();
    db = await createTestDatabase();
    app = await startTestApp(db.url, {
      MODEL_DIR: modelDir,
      LOG_LEVEL: 'silent',
      REDIS_URL: `redis://127.0.0.1:${port}`,
      REDIS_CHANNEL_PREFIX: `delivery-${process.pid}:`,
    });
    titleId = (await createTitle(db.dataSource, { runtimeMinutes: 100 })).id;
    await installFixtureModel(app.services);
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    if (redis) await killRedis();
    await db?.drop();
    fs.rmSync(modelDir, { recursive: true, force: true });
  });

  it('ends subscriptions with RESYNC_REQUIRED, reports 503, and the documented client gets every alert once', async () => {
    const received: FollowedAlert[] = [];
    const follower = followAlerts({
      url: app.url,
      minLevel: 'HIGH',
      onAlert: (a) => received.push(a),
    });
    const plain = wsClient(app.url);
    try {
      const baseline = app.pubSub.listenerCount();
      const raw = wsSubscribe(plain, ALERTS_RAISED, { min: 'HIGH' });
      await waitFor(() => app.pubSub.listenerCount() >= baseline + 1, {
        what: 'the plain subscription',
      });
      await alertsFor(3);
      await waitFor(() => received.length >= 3, { what: 'the first alerts' });

      await killRedis();
      await waitFor(async () => (await health()).status === 503, {
        what: '/healthz to report the PubSub down',
      });
      expect((await health()).body.live).toMatchObject({ pubSub: 'redis', pubSubStatus: 'down' });
      // The plain subscriber is told to resync, not left hanging.
      await waitFor(() => raw.failure !== undefined || raw.received.some((r) => r.errors), {
        what: 'RESYNC_REQUIRED',
      });
      expect(JSON.stringify(raw.failure ?? raw.received.at(-1))).toContain('RESYNC_REQUIRED');
      await alertsFor(3); // raised while the fan-out is down: stored, not pushed

      await startRedis();
      await waitFor(async () => (await health()).status === 200, {
        what: '/healthz to report the PubSub up',
      });
      await alertsFor(3);

      const [{ n }] = await db.dataSource.query('SELECT count(*)::int AS n FROM risk_alerts');
      expect(n).toBe(9);
      await waitFor(() => received.length >= 9, {
        what: 'every alert at the follower',
        timeoutMs: 20_000,
      });
      const ids = received.map((a) => a.id);
      expect(new Set(ids).size).toBe(ids.length);
      const stored: { id: string }[] = await db.dataSource.query(
        'SELECT id::text FROM risk_alerts ORDER BY raised_seq',
      );
      expect(ids).toEqual(stored.map((r) => r.id));
      expect(follower.reconnects()).toBeGreaterThan(0);
    } finally {
      await follower.stop();
      await plain.dispose();
    }
  }, 60_000);
});
