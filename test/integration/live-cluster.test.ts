/**
 * The live path across processes: two instances of the built service sharing PostgreSQL and the
 * machine's Redis (an event ingested on one reaches a subscriber on the other, and unsubscribing leaves
 * no Redis channel behind); and kill -9 in the middle of a burst, then a restart: every committed event
 * is scored exactly once (the outbox is drained at start-up, no score is duplicated, no acknowledged
 * event is lost).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { loadConfig } from '../../src/app/config';
import { createLogger } from '../../src/common/logger';
import { createAppPubSub } from '../../src/pubsub/pubsub';
import { createServices } from '../../src/app/services';
import { createTitle, createUser, viewEvent } from '../factories';
import { installFixtureModel } from '../factories/fixture-model';
import { RECORD_VIEWS_ACCEPTED } from '../support/documents';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, wsClient, wsExecute, wsSubscribe } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let db: TestDatabase;
let users: string[];
let titleId: string;
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-cluster-'));
const running: ServerProcess[] = [];
let seq = 0;

/** Ten minutes watched; successive events start at different times. */
function view(userId: string, completion: number, tag = 'cluster') {
  seq += 1;
  return viewEvent(userId, titleId, completion, {
    tag,
    minutesAgo: 300 - (seq % 200),
    watchedSeconds: 600,
  });
}

async function serve(env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess({
    DATABASE_URL: db.url,
    MODEL_DIR: modelDir,
    DEFAULT_ROLE: 'admin',
    AUTO_TRAIN: 'false',
    ...env,
  });
  running.push(server);
  return server;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const config = loadConfig({ MODEL_DIR: modelDir, NODE_ENV: 'test' });
  const services = createServices(db.dataSource, createAppPubSub(), config, createLogger('silent'));
  await installFixtureModel(services);
  titleId = (await createTitle(db.dataSource, { runtimeMinutes: 100 })).id;
  users = [];
  for (let i = 0; i < 40; i++) {
    users.push(
      (await createUser(db.dataSource, { signupAt: new Date(Date.now() - 10 * 86400_000) })).id,
    );
  }
  await services.scoring.scoreUsers(users);
}, 60_000);

afterAll(async () => {
  await Promise.all(running.map((s) => (s.child.exitCode === null ? s.kill() : undefined)));
  await db?.drop();
  fs.rmSync(modelDir, { recursive: true, force: true });
});

async function redisAnswers(): Promise<Redis | null> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1500,
    maxRetriesPerRequest: 0,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch {
    redis.disconnect();
    return null;
  }
}

describe('two instances sharing PostgreSQL and Redis', () => {
  let redis: Redis | null = null;
  beforeAll(async () => {
    redis = await redisAnswers();
    if (!redis)
      process.stderr.write(`live-cluster: no Redis at ${REDIS_URL}; skipping the fan-out test.\n`);
  });
  afterAll(() => redis?.disconnect());

  it('delivers an event ingested on one instance to a subscriber on the other', async () => {
    if (!redis) return;
    const bus = redis;
    const prefix = `churn-test-${process.pid}-${Date.now()}:`;
    const env = { REDIS_URL, REDIS_CHANNEL_PREFIX: prefix };
    const [a, b] = await Promise.all([serve(env), serve(env)]);
    const user = users[0];
    const client = wsClient(b.url);
    try {
      const updates = wsSubscribe(
        client,
        `subscription($u: [ID!]) { riskUpdated(userIds: $u) { userId riskLevel cause { clientEventId } } }`,
        { u: [user] },
      );
      const alerts = wsSubscribe(
        client,
        `subscription { riskAlertRaised(minLevel: HIGH) { userId reason } }`,
      );
      const viewed = wsSubscribe(
        client,
        `subscription($u: ID!) { viewingEventRecorded(userId: $u) { clientEventId } }`,
        { u: user },
      );
      await wsExecute(client, '{ __typename }');
      // Redis has the channels once b has subscribed them.
      await waitFor(async () => (await bus.pubsub('CHANNELS', `${prefix}*`)).length >= 3, {
        what: `b's three subscription channels in Redis (${prefix}*)`,
      });
      const events = [view(user, 0.05), view(user, 0.1), view(user, 0.08)];
      const res = await gql(a.url, RECORD_VIEWS_ACCEPTED, { events });
      expect(res.data!.recordViewingEvents.accepted).toBe(3);

      const [update] = await updates.next(1);
      expect(update.data!.riskUpdated).toMatchObject({
        userId: user,
        riskLevel: 'CRITICAL',
        cause: { clientEventId: events[2].clientEventId },
      });
      const [alert] = await alerts.next(1);
      expect(alert.data!.riskAlertRaised).toMatchObject({ userId: user, reason: 'LEVEL_CROSSED' });
      expect((await viewed.next(3)).map((p) => p.data!.viewingEventRecorded.clientEventId)).toEqual(
        events.map((e) => e.clientEventId),
      );
      const health = await (await fetch(`${b.url}/healthz`)).json();
      expect(health.live).toMatchObject({ pubSub: 'redis', listeners: 3 });
    } finally {
      await client.dispose();
    }
    // Unsubscribed: b releases its listeners and its Redis channels.
    await waitFor(async () => (await bus.pubsub('CHANNELS', `${prefix}*`)).length === 0, {
      what: `b to unsubscribe its Redis channels (${prefix}*)`,
    });
    expect(await redis.pubsub('CHANNELS', `${prefix}*`)).toEqual([]);
    expect((await (await fetch(`${b.url}/healthz`)).json()).live.listeners).toBe(0);
    await Promise.all([a.stop(), b.stop()]);
  });
});

describe('kill -9 in the middle of a burst', () => {
  it('scores every committed event exactly once after the restart, and loses none', async () => {
    const server = await serve({ RESCORE_SWEEP_MS: '0' });
    const acknowledged: string[] = [];
    let failed = 0;
    const sawFailure = new Set<number>();
    let stop = false;
    const sender = async (k: number) => {
      let round = 0;
      while (!stop) {
        round += 1;
        const events = Array.from({ length: 20 }, (_, i) =>
          view(users[(k * 7 + round * 3 + i) % users.length], i % 3 === 0 ? 0.1 : 0.9, 'burst'),
        );
        try {
          const res = await gql(server.url, RECORD_VIEWS_ACCEPTED, { events });
          if (res.data?.recordViewingEvents.accepted === 20)
            acknowledged.push(...events.map((e) => e.clientEventId));
          else failed += 1;
        } catch {
          failed += 1; // the connection died with the server
          sawFailure.add(k);
          // Pace the retries against a dead port (a back-off, not a wait for anything).
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const senders = Array.from({ length: 6 }, (_, k) => sender(k));
    // Kill in the middle of the burst: once every sender is under way, with requests in flight.
    await waitFor(() => acknowledged.length >= 300, {
      what: 'the burst to get under way (300 acknowledged events)',
      timeoutMs: 30_000,
    });
    await server.kill(); // resolves on the process's exit
    // Every sender has seen its connection die, so none still talks to the killed server.
    await waitFor(() => sawFailure.size === 6, {
      what: 'every one of the 6 senders to see the dead server',
    });
    stop = true;
    await Promise.all(senders);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
    const [{ left }] = await db.dataSource.query('SELECT count(*)::int AS left FROM score_outbox');
    process.stderr.write(
      `live-cluster: ${acknowledged.length} events acknowledged before kill -9; ${left} outbox rows left to recover\n`,
    );

    const restarted = await serve({ RESCORE_SWEEP_MS: '0' });
    try {
      const [{ backlog }] = await db.dataSource.query(
        'SELECT count(*)::int AS backlog FROM score_outbox',
      );
      expect(backlog).toBe(0);
      // No acknowledged event is lost.
      const [{ stored }] = await db.dataSource.query(
        'SELECT count(*)::int AS stored FROM viewing_events WHERE client_event_id = ANY($1)',
        [acknowledged],
      );
      expect(stored).toBe(acknowledged.length);
      // Every committed event's subscriber has a score after it…
      const [{ unscored }] = await db.dataSource.query(
        `SELECT count(*)::int AS unscored FROM viewing_events e
          WHERE e.client_event_id LIKE 'burst-%'
            AND NOT EXISTS (SELECT 1 FROM churn_scores s
                             WHERE s.user_id = e.user_id AND s.cause_event_id >= e.id AND s.scored_at >= e.ingested_at)`,
      );
      expect(unscored).toBe(0);
      // …and no event caused two scores.
      const dupes = await db.dataSource.query(
        `SELECT cause_event_id FROM churn_scores WHERE cause_event_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1`,
      );
      expect(dupes).toEqual([]);
    } finally {
      await restarted.stop();
    }
  });
});
