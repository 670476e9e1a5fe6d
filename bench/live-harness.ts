/**
 * What bench:live and bench:soak share: a seeded world with a trained model served by the built
 * service as its own process (production mode), graphql-ws subscribers each watching riskUpdated for
 * its own slice of the subscribers and every riskAlertRaised, an open-loop sender of viewing events over
 * HTTP at a fixed rate, and the matching of each event to the riskUpdated it caused.
 */
import os from 'node:os';
import { createClient, type Client } from 'graphql-ws';
import { Pool } from 'pg';
import WebSocket from 'ws';
import { seedWorld } from '../seeds';
import { createLogger } from '../src/common/logger';
import { startOfTodayUtc } from '../src/common/dates';
import { loadConfig } from '../src/app/config';
import { createDataSource } from '../src/db/data-source';
import { ensureFeatures } from '../src/app/ensure-model';
import { createAppPubSub } from '../src/pubsub/pubsub';
import { createServices } from '../src/app/services';
import { cpuMsPer, cpuSnapshot, type CpuSnapshot } from './cpu-accounting';
import {
  benchPool,
  BENCH_KEY,
  createBenchDatabase,
  startServerProcess,
  type BenchDatabase,
} from './support';

const DEVICES = ['TV', 'MOBILE', 'WEB', 'TABLET'];
const RECORD = `mutation($events: [ViewingEventInput!]!) {
  recordViewingEvents(events: $events) { accepted scores { userId scoredAt } }
}`;
const MAX_IN_FLIGHT = 32;

interface Pending {
  clientEventId: string;
  sentAt: number;
}

/**
 * Event → update matching. An update names one cause: the latest stored event of the subscriber among
 * those its rescore covered. Events of one subscriber sent in concurrent requests can be stored in
 * another order than they were sent, and a rescore covering both then names the one sent first; so
 * an event is also resolved through its request's answer, which carries the score that covered it:
 * the first update of that subscriber scored at or after that score's instant is the one that
 * delivered it.
 */
export class Tracker {
  private readonly pending = new Map<string, Pending[]>();
  /** Per subscriber, the updates received: when they were scored and when they arrived. */
  private readonly updates = new Map<string, { scoredAt: number; at: number }[]>();
  /** Per subscriber, acknowledged events waiting for an update scored at or after `scoredAt`. */
  private readonly awaiting = new Map<string, { clientEventId: string; scoredAt: number }[]>();
  latencies: number[] = [];
  sent = 0;
  resolved = 0;

  add(userId: string, p: Pending): void {
    const list = this.pending.get(userId);
    if (list) list.push(p);
    else this.pending.set(userId, [p]);
    this.sent += 1;
  }

  /** A riskUpdated arrived at `at` (performance.now()). */
  update(userId: string, scoredAt: string, clientEventId: string | null, at: number): void {
    const scored = Date.parse(scoredAt);
    const seen = this.updates.get(userId);
    if (seen) seen.push({ scoredAt: scored, at });
    else this.updates.set(userId, [{ scoredAt: scored, at }]);
    if (clientEventId !== null) this.resolve(userId, clientEventId, at);
    const waiting = this.awaiting.get(userId);
    if (!waiting) return;
    const still = waiting.filter((w) => {
      if (w.scoredAt > scored) return true;
      this.resolveOne(userId, w.clientEventId, at);
      return false;
    });
    if (still.length > 0) this.awaiting.set(userId, still);
    else this.awaiting.delete(userId);
  }

  /** A request's answer: the scores (subscriber, instant) that covered its events. */
  acknowledged(
    events: readonly { userId: string; clientEventId: string }[],
    scores: readonly { userId: string; scoredAt: string }[],
  ): void {
    const scoredAt = new Map(scores.map((s) => [s.userId, Date.parse(s.scoredAt)]));
    for (const e of events) {
      const scored = scoredAt.get(e.userId);
      if (scored === undefined || !this.isPending(e.userId, e.clientEventId)) continue;
      const hit = this.updates.get(e.userId)?.find((u) => u.scoredAt >= scored);
      if (hit) this.resolveOne(e.userId, e.clientEventId, hit.at);
      else {
        const list = this.awaiting.get(e.userId);
        const entry = { clientEventId: e.clientEventId, scoredAt: scored };
        if (list) list.push(entry);
        else this.awaiting.set(e.userId, [entry]);
      }
    }
  }

  /** An update for `userId` caused by `clientEventId` covers it and every earlier event of that user. */
  resolve(userId: string, clientEventId: string, at: number): void {
    const list = this.pending.get(userId);
    if (!list) return;
    const idx = list.findIndex((p) => p.clientEventId === clientEventId);
    if (idx < 0) return;
    for (const p of list.splice(0, idx + 1)) this.latencies.push(at - p.sentAt);
    this.resolved += idx + 1;
  }

  private resolveOne(userId: string, clientEventId: string, at: number): void {
    const list = this.pending.get(userId);
    const idx = list?.findIndex((p) => p.clientEventId === clientEventId) ?? -1;
    if (idx < 0) return;
    const [p] = list!.splice(idx, 1);
    this.latencies.push(at - p.sentAt);
    this.resolved += 1;
  }

  private isPending(userId: string, clientEventId: string): boolean {
    return this.pending.get(userId)?.some((p) => p.clientEventId === clientEventId) ?? false;
  }

  outstanding(): number {
    return this.sent - this.resolved;
  }

  /** Forget everything sent so far: a late update of an earlier run must not count in the next. */
  reset(): void {
    this.latencies = [];
    this.pending.clear();
    this.updates.clear();
    this.awaiting.clear();
    this.sent = 0;
    this.resolved = 0;
  }
}

export interface RunResult {
  sent: number;
  achieved: number;
  dropped: number;
  failures: number;
  outstanding: number;
  backlog: number;
  /** CPU ms per event sent, of the server, the database's backends and the bench process. */
  cpuMsPerEvent: CpuSnapshot;
}

export interface LiveHarness {
  serverUrl: string;
  serverPid: number;
  model: string;
  tracker: Tracker;
  /** Alerts received per subscriber. */
  alertsReceived: number[];
  pool: Pool;
  /** Send at `rate` events/s for `seconds` in requests of `batch` events (open loop). */
  run(rate: number, seconds: number, batch: number, graceMs?: number): Promise<RunResult>;
  /** Highest risk_alerts id now (alerts raised after it are the run's). */
  alertMark(): Promise<number>;
  alertsSince(mark: number): Promise<number>;
  close(): Promise<void>;
}

export async function startLiveHarness(options: {
  bench: string;
  users: number;
  subscribers: number;
  env?: Record<string, string>;
}): Promise<LiveHarness> {
  const log = (m: string) => process.stderr.write(`${options.bench}: ${m}\n`);
  log(
    `${os.cpus().length} cores: ${options.users} subscribers, ${options.subscribers} ws subscribers`,
  );
  const db: BenchDatabase = await createBenchDatabase();
  const pool = benchPool(db.url, 4);
  const modelDir = `${os.tmpdir()}/churn-${options.bench.replace(/\W/g, '-')}-models-${process.pid}`;
  await seedWorld(pool, { users: options.users, days: 120, seed: 42, end: startOfTodayUtc() });
  const ds = createDataSource({ url: db.url });
  await ds.initialize();
  const config = loadConfig({ MODEL_DIR: modelDir, NODE_ENV: 'production' });
  const logger = createLogger('warn');
  const services = createServices(ds, createAppPubSub(), config, logger);
  await ensureFeatures(services, logger);
  log('training the churn models (as `churn train`)');
  await services.training.trainNow(
    { seed: 42, maxEpochs: 15, withSequence: false, force: false },
    { step: (m) => process.stderr.write(`  ${m}\n`), epoch: () => undefined },
  );
  const model = (await services.registry.activeRow())!.version;
  await ds.destroy();

  const users: { id: string; signup: number }[] = (
    await pool.query(
      `SELECT id::text AS id, signup_at FROM users WHERE status = 'ACTIVE' ORDER BY id`,
    )
  ).rows.map((r) => ({ id: r.id, signup: new Date(r.signup_at).getTime() }));
  const titles: { id: string; minutes: number }[] = (
    await pool.query(`SELECT id::text AS id, runtime_minutes FROM titles ORDER BY id`)
  ).rows.map((r) => ({ id: r.id, minutes: r.runtime_minutes }));

  const server = await startServerProcess(db.url, {
    NODE_ENV: 'production',
    MODEL_DIR: modelDir,
    API_KEYS: `admin:${BENCH_KEY}`,
    AUTO_TRAIN: 'false',
    MAX_SUBSCRIPTIONS_PER_SOCKET: '5',
    // Every bench subscriber connects with the one bench key.
    WS_MAX_SOCKETS_PER_CLIENT: String(Math.max(100, options.subscribers)),
    ...options.env,
  });
  const tracker = new Tracker();
  const alertsReceived = new Array<number>(options.subscribers).fill(0);
  const clients = await subscribe(server.url, users, options.subscribers, tracker, alertsReceived);
  const health = await (await fetch(`${server.url}/healthz`)).json();
  log(`${clients.length} subscribers connected, ${health.live?.listeners} listeners`);

  let seq = 0;
  let state = 1234567;
  const rand = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const makeEvent = () => {
    const u = users[Math.floor(rand() * users.length)];
    const t = titles[Math.floor(rand() * titles.length)];
    const completion = Math.round(rand() * 1000) / 1000;
    const watched = Math.max(30, Math.round(completion * t.minutes * 60));
    const startedAt = Date.now() - watched * 1000 - 60_000 - Math.floor(rand() * 3600_000);
    return {
      userId: u.id,
      event: {
        clientEventId: `${options.bench}-${process.pid}-${++seq}`,
        userId: u.id,
        titleId: t.id,
        startedAt: new Date(Math.max(u.signup + 1000, startedAt)).toISOString(),
        watchedSeconds: watched,
        completion,
        device: DEVICES[seq % 4],
      },
    };
  };

  const run = async (rate: number, seconds: number, batch: number, graceMs = 3000) => {
    const tickMs = (1000 * batch) / rate;
    const inFlight = new Set<Promise<void>>();
    let carry = 0;
    let sent = 0;
    let dropped = 0;
    let failures = 0;
    const cpuBefore = await cpuSnapshot(pool, server.child.pid!);
    const start = performance.now();
    const end = start + seconds * 1000;
    let next = start;
    while (performance.now() < end) {
      carry += (rate * tickMs) / 1000;
      const n = Math.floor(carry);
      carry -= n;
      if (n > 0) {
        if (inFlight.size >= MAX_IN_FLIGHT) dropped += n;
        else {
          const events = Array.from({ length: n }, makeEvent);
          const sentAt = performance.now();
          for (const b of events)
            tracker.add(b.userId, { clientEventId: b.event.clientEventId, sentAt });
          sent += n;
          const p = fetch(`${server.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
            body: JSON.stringify({
              query: RECORD,
              variables: { events: events.map((b) => b.event) },
            }),
          })
            .then(async (res) => {
              const body = await res.json();
              if (body.errors) failures += 1;
              const scores = body.data?.recordViewingEvents?.scores;
              if (scores)
                tracker.acknowledged(
                  events.map((b) => b.event),
                  scores,
                );
            })
            .catch(() => {
              failures += 1;
            })
            .finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
      }
      next += tickMs;
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.allSettled([...inFlight]);
    const elapsed = (performance.now() - start) / 1000;
    const graceStart = performance.now();
    while (tracker.outstanding() > 0 && performance.now() - graceStart < graceMs) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const [{ n: backlog }] = (await pool.query('SELECT count(*)::int AS n FROM score_outbox')).rows;
    return {
      cpuMsPerEvent: cpuMsPer(cpuBefore, await cpuSnapshot(pool, server.child.pid!), sent),
      sent,
      achieved: sent / elapsed,
      dropped,
      failures,
      outstanding: tracker.outstanding(),
      backlog,
    };
  };

  return {
    serverUrl: server.url,
    serverPid: server.child.pid!,
    model,
    tracker,
    alertsReceived,
    pool,
    run,
    alertMark: async () =>
      (await pool.query('SELECT coalesce(max(id), 0)::int AS max FROM risk_alerts')).rows[0].max,
    alertsSince: async (mark) =>
      (await pool.query('SELECT count(*)::int AS n FROM risk_alerts WHERE id > $1', [mark])).rows[0]
        .n,
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
      await server.stop();
      await pool.end();
      await db.drop();
    },
  };
}

async function subscribe(
  url: string,
  users: { id: string }[],
  count: number,
  tracker: Tracker,
  alertsReceived: number[],
): Promise<Client[]> {
  const clients: Client[] = [];
  const slice = Math.ceil(users.length / count);
  for (let s = 0; s < count; s++) {
    const client = createClient({
      url: `${url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${BENCH_KEY}` },
      retryAttempts: 0,
    });
    clients.push(client);
    const mine = users.slice(s * slice, (s + 1) * slice).map((u) => u.id);
    await new Promise<void>((resolve) => {
      client.subscribe<{
        riskUpdated: {
          userId: string;
          scoredAt: string;
          cause: { clientEventId: string } | null;
        };
      }>(
        {
          query: `subscription($u: [ID!]) { riskUpdated(userIds: $u) { userId scoredAt cause { clientEventId } } }`,
          variables: { u: mine },
        },
        {
          next: ({ data }) => {
            const u = data?.riskUpdated;
            if (u)
              tracker.update(
                u.userId,
                u.scoredAt,
                u.cause?.clientEventId ?? null,
                performance.now(),
              );
          },
          error: (e) => process.stderr.write(`subscriber ${s}: ${JSON.stringify(e)}\n`),
          complete: () => undefined,
        },
      );
      client.subscribe(
        { query: 'subscription { riskAlertRaised(minLevel: LOW) { id } }' },
        {
          next: () => (alertsReceived[s] += 1),
          error: (e) => process.stderr.write(`subscriber ${s}: ${JSON.stringify(e)}\n`),
          complete: () => undefined,
        },
      );
      // Subscriptions are registered once a query on the same socket answers.
      client.subscribe(
        { query: '{ __typename }' },
        { next: () => undefined, error: () => undefined, complete: resolve },
      );
    });
  }
  return clients;
}
