/**
 * `npm run bench:live`: the live path end to end. The built service runs as its own process on a seeded
 * world with a trained model; 100 graphql-ws subscribers (each watching riskUpdated for its own slice of
 * the subscribers, and every riskAlertRaised) listen while events are sent over HTTP at a fixed rate.
 *
 *  - latency: event sent → riskUpdated received for it, p50/p95/p99, at --rate events/s (default 1,000);
 *  - throughput: rising rates; a rate is sustained when the sender keeps it up, every event's update
 *    arrives within the grace period after the stage, and the rescoring outbox is empty;
 *  - delivery: every alert raised during the run reached every subscriber (lost = 0).
 *
 * Prints the figures and writes bench/results/live.json.
 * Flags: --users N (world size, default 5000), --rate N, --seconds N (latency run, default 20),
 *        --subscribers N (default 100), --max-rate N (highest throughput stage, default 12000),
 *        --batch N (events per request in the latency run, default 20; the throughput stages send
 *        rate / 50 events per request, at least 20).
 */
import 'reflect-metadata';
import os from 'node:os';
import { createClient, type Client } from 'graphql-ws';
import { Pool } from 'pg';
import WebSocket from 'ws';
import { seedWorld } from '../seeds';
import { createLogger } from '../src/common/logger';
import { startOfTodayUtc } from '../src/common/dates';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { ensureFeatures } from '../src/db/ensure-model';
import { createAppPubSub } from '../src/pubsub/pubsub';
import { createServices } from '../src/server/services';
import {
  createBenchDatabase,
  numberFlag,
  percentile,
  startServerProcess,
  table,
  writeResults,
} from './support';

const flag = (name: string, fallback: number) => numberFlag('bench:live', name, fallback);
const USERS = flag('users', 5000);
const RATE = flag('rate', 1000);
const SECONDS = flag('seconds', 20);
const SUBSCRIBERS = flag('subscribers', 100);
const MAX_RATE = flag('max-rate', 12000);
/** Events per request in the latency run: player backends batch what their players send. */
const BATCH = flag('batch', 20);
/** A light load, to show the pipeline's latency when it is not queueing. */
const LIGHT_RATE = flag('light-rate', 200);
/** Requests per second the throughput stages aim for (events per request = rate / this). */
const REQUESTS_PER_SECOND = 50;
const KEY = 'bench-admin-key-0000000000';
const GRACE_MS = 3000;
const MAX_IN_FLIGHT = 32;
const DEVICES = ['TV', 'MOBILE', 'WEB', 'TABLET'];
const RECORD = `mutation($events: [ViewingEventInput!]!) { recordViewingEvents(events: $events) { accepted } }`;

interface Pending {
  clientEventId: string;
  sentAt: number;
}

/** Event → update matching: events per subscriber in send order, resolved by the update's cause. */
class Tracker {
  private readonly pending = new Map<string, Pending[]>();
  latencies: number[] = [];
  sent = 0;
  resolved = 0;

  add(userId: string, p: Pending): void {
    const list = this.pending.get(userId);
    if (list) list.push(p);
    else this.pending.set(userId, [p]);
    this.sent += 1;
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

  outstanding(): number {
    return this.sent - this.resolved;
  }

  /** Forget everything sent so far: a late update of an earlier run must not count in the next. */
  reset(): void {
    this.latencies = [];
    this.pending.clear();
    this.sent = 0;
    this.resolved = 0;
  }
}

async function main(): Promise<void> {
  const cores = os.cpus().length;
  process.stderr.write(
    `bench:live on ${cores} cores: ${USERS} subscribers, ${SUBSCRIBERS} ws subscribers\n`,
  );
  const db = await createBenchDatabase();
  const pool = new Pool({ connectionString: db.url, max: 4 });
  const modelDir = `${os.tmpdir()}/churn-bench-live-models-${process.pid}`;
  try {
    await seedWorld(pool, { users: USERS, days: 120, seed: 42, end: startOfTodayUtc() });
    const ds = createDataSource({ url: db.url });
    await ds.initialize();
    const config = loadConfig({ MODEL_DIR: modelDir, NODE_ENV: 'production' });
    const logger = createLogger('warn');
    const services = createServices(ds, createAppPubSub(), config, logger);
    await ensureFeatures(services, logger);
    process.stderr.write('bench:live: training the churn models (as `churn train`)\n');
    await services.training.trainNow(
      { seed: 42, maxEpochs: 15, withSequence: true, force: false },
      { step: (m) => process.stderr.write(`  ${m}\n`), epoch: () => undefined },
    );
    const model = (await services.registry.activeRow())!;
    await ds.destroy();

    const users: { id: string; signup: number }[] = (
      await pool.query(
        `SELECT id::text AS id, signup_at FROM users WHERE status = 'ACTIVE' ORDER BY id`,
      )
    ).rows.map((r) => ({ id: r.id, signup: new Date(r.signup_at).getTime() }));
    const titles: { id: string; minutes: number }[] = (
      await pool.query(`SELECT id::text AS id, runtime_minutes FROM titles ORDER BY id`)
    ).rows.map((r) => ({ id: r.id, minutes: r.runtime_minutes }));

    // A small alert delta, so that the run raises alerts whose delivery can be counted.
    const alertDelta = '0.005';
    const server = await startServerProcess(db.url, {
      NODE_ENV: 'production',
      MODEL_DIR: modelDir,
      API_KEYS: `admin:${KEY}`,
      AUTO_TRAIN: 'false',
      ALERT_PROBABILITY_DELTA: alertDelta,
      MAX_SUBSCRIPTIONS_PER_SOCKET: '5',
    });
    try {
      const tracker = new Tracker();
      const alertsReceived = new Array<number>(SUBSCRIBERS).fill(0);
      const clients: Client[] = [];
      const slice = Math.ceil(users.length / SUBSCRIBERS);
      let subscribed = 0;
      for (let s = 0; s < SUBSCRIBERS; s++) {
        const client = createClient({
          url: `${server.url.replace(/^http/, 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: { Authorization: `Bearer ${KEY}` },
          retryAttempts: 0,
        });
        clients.push(client);
        const mine = users.slice(s * slice, (s + 1) * slice).map((u) => u.id);
        await new Promise<void>((resolve) => {
          client.subscribe<{
            riskUpdated: { userId: string; cause: { clientEventId: string } | null };
          }>(
            {
              query: `subscription($u: [ID!]) { riskUpdated(userIds: $u) { userId cause { clientEventId } } }`,
              variables: { u: mine },
            },
            {
              next: ({ data }) => {
                const u = data?.riskUpdated;
                if (u?.cause) tracker.resolve(u.userId, u.cause.clientEventId, performance.now());
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
        subscribed += 1;
      }
      await new Promise((r) => setTimeout(r, 500));
      const health = await (await fetch(`${server.url}/healthz`)).json();
      process.stderr.write(
        `bench:live: ${subscribed} subscribers connected, ${health.live?.listeners} listeners\n`,
      );
      const [{ max: alertsBefore }] = (
        await pool.query('SELECT coalesce(max(id), 0)::int AS max FROM risk_alerts')
      ).rows;

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
            clientEventId: `live-bench-${process.pid}-${++seq}`,
            userId: u.id,
            titleId: t.id,
            startedAt: new Date(Math.max(u.signup + 1000, startedAt)).toISOString(),
            watchedSeconds: watched,
            completion,
            device: DEVICES[seq % 4],
          },
        };
      };

      /**
       * Send at `rate` events/s for `seconds` in requests of `batch` events, open loop (at most
       * MAX_IN_FLIGHT requests waiting).
       */
      const run = async (rate: number, seconds: number, batch: number) => {
        const tickMs = (1000 * batch) / rate;
        const inFlight = new Set<Promise<void>>();
        let carry = 0;
        let sent = 0;
        let dropped = 0;
        let failures = 0;
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
              const batch = Array.from({ length: n }, makeEvent);
              const sentAt = performance.now();
              for (const b of batch)
                tracker.add(b.userId, { clientEventId: b.event.clientEventId, sentAt });
              sent += n;
              const p = fetch(`${server.url}/graphql`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
                body: JSON.stringify({
                  query: RECORD,
                  variables: { events: batch.map((b) => b.event) },
                }),
              })
                .then(async (res) => {
                  const body = await res.json();
                  if (body.errors) failures += 1;
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
        while (tracker.outstanding() > 0 && performance.now() - graceStart < GRACE_MS) {
          await new Promise((r) => setTimeout(r, 20));
        }
        const [{ n: backlog }] = (await pool.query('SELECT count(*)::int AS n FROM score_outbox'))
          .rows;
        return {
          sent,
          achieved: sent / elapsed,
          dropped,
          failures,
          outstanding: tracker.outstanding(),
          backlog,
        };
      };

      const measureLatency = async (rate: number, batch: number, seconds: number) => {
        tracker.reset();
        process.stderr.write(
          `bench:live: latency at ${rate} events/s (${batch} per request) for ${seconds}s\n`,
        );
        const r = await run(rate, seconds, batch);
        const sorted = [...tracker.latencies].sort((a, b) => a - b);
        const stats = {
          rate,
          batch,
          seconds,
          achieved: Math.round(r.achieved),
          events: r.sent,
          measured: sorted.length,
          p50Ms: percentile(sorted, 50),
          p95Ms: percentile(sorted, 95),
          p99Ms: percentile(sorted, 99),
          maxMs: sorted.at(-1) ?? NaN,
          outstanding: r.outstanding,
        };
        process.stderr.write(
          `  p50 ${stats.p50Ms.toFixed(1)} ms, p95 ${stats.p95Ms.toFixed(1)} ms, p99 ${stats.p99Ms.toFixed(1)} ms (${sorted.length} events)\n`,
        );
        // Let the pipeline drain before the next measurement.
        await new Promise((res) => setTimeout(res, 1500));
        return stats;
      };
      // Warm-up, then the latency at the fixed rate, and at a light load (the pipeline's own latency).
      await run(RATE, 3, BATCH);
      const latency = await measureLatency(RATE, BATCH, SECONDS);
      const light = await measureLatency(LIGHT_RATE, 5, SECONDS);

      const stages: Record<string, number | boolean>[] = [];
      let sustained = 0;
      for (const rate of [500, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 8000, 10000, 12000].filter(
        (r) => r <= MAX_RATE,
      )) {
        tracker.reset();
        const batch = Math.max(20, Math.round(rate / REQUESTS_PER_SECOND));
        const r = await run(rate, 8, batch);
        const s = [...tracker.latencies].sort((a, b) => a - b);
        const ok =
          r.achieved >= rate * 0.95 &&
          r.dropped === 0 &&
          r.outstanding === 0 &&
          r.backlog === 0 &&
          r.failures === 0;
        stages.push({
          rate,
          batch,
          achieved: Math.round(r.achieved),
          dropped: r.dropped,
          failures: r.failures,
          undelivered: r.outstanding,
          backlog: r.backlog,
          p50Ms: Math.round(percentile(s, 50)),
          p99Ms: Math.round(percentile(s, 99)),
          sustained: ok,
        });
        process.stderr.write(
          `  ${rate}/s: achieved ${Math.round(r.achieved)}/s, p99 ${Math.round(percentile(s, 99))} ms, ${ok ? 'sustained' : 'NOT sustained'}\n`,
        );
        if (ok) sustained = rate;
        else break;
        // Let the outbox and the subscribers settle between stages.
        await new Promise((res) => setTimeout(res, 1000));
      }

      await new Promise((r) => setTimeout(r, 1500));
      const [{ n: alertsRaised }] = (
        await pool.query('SELECT count(*)::int AS n FROM risk_alerts WHERE id > $1', [alertsBefore])
      ).rows;
      const delivered = alertsReceived.reduce((a, b) => a + b, 0);
      const lost = alertsRaised * SUBSCRIBERS - delivered;
      const results = {
        cores,
        world: { users: USERS, days: 120, model: model.version },
        subscribers: SUBSCRIBERS,
        alertProbabilityDelta: Number(alertDelta),
        latency,
        lightLoadLatency: light,
        throughput: { stages, highestSustainedEventsPerSecond: sustained },
        alerts: {
          raised: alertsRaised,
          expectedDeliveries: alertsRaised * SUBSCRIBERS,
          delivered,
          lost,
        },
        targets: {
          p99Under25Ms: latency.p99Ms < 25,
          sustained5000: sustained >= 5000,
          lostZero: lost === 0,
        },
      };
      const file = writeResults('live', results);
      process.stdout.write(
        `\nbench:live (${cores} cores, ${SUBSCRIBERS} ws subscribers, model ${model.version})\n\n` +
          table([
            {
              measure: `latency p50 at ${RATE}/s`,
              result: `${latency.p50Ms.toFixed(1)} ms`,
              target: '',
            },
            {
              measure: `latency p95 at ${RATE}/s`,
              result: `${latency.p95Ms.toFixed(1)} ms`,
              target: '',
            },
            {
              measure: `latency p50 / p99 at ${LIGHT_RATE}/s (5/request)`,
              result: `${light.p50Ms.toFixed(1)} / ${light.p99Ms.toFixed(1)} ms`,
              target: '',
            },
            {
              measure: `latency p99 at ${RATE}/s`,
              result: `${latency.p99Ms.toFixed(1)} ms`,
              target: `< 25 ms: ${latency.p99Ms < 25 ? 'met' : 'NOT met'}`,
            },
            {
              measure: 'highest sustained ingest + rescore',
              result: `${sustained} events/s`,
              target: `>= 5000: ${sustained >= 5000 ? 'met' : 'NOT met'}`,
            },
            {
              measure: 'alerts delivered',
              result: `${delivered} of ${alertsRaised} x ${SUBSCRIBERS} (lost ${lost})`,
              target: `lost = 0: ${lost === 0 ? 'met' : 'NOT met'}`,
            },
          ]) +
          `\n\n${table(stages as Record<string, string | number>[])}\n\nwritten to ${file}\n`,
      );
      await Promise.all(clients.map((c) => c.dispose()));
    } finally {
      await server.stop();
    }
  } finally {
    await pool.end();
    await db.drop();
  }
}

main().catch((err) => {
  process.stderr.write(
    `bench:live failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
