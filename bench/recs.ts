/**
 * `npm run bench:recs`: the recommender's speed. On a seeded world of about 1,000,000 viewing
 * events and 10,000 titles:
 *
 *  - implicit ALS training time on every event, per catalogue size (the < 60 s target), and the
 *    whole `churn train-recs` (candidates validated, blend learned, chosen model refitted);
 *  - recommendation latency through the service User.recommendations calls (history read,
 *    fold-in, candidate pool, five sources, reasons): one request at a time, and 50 concurrent
 *    requests (50 clients each sending the next as soon as the last returns, after one unmeasured
 *    round of each to warm up), p50/p99; at-risk
 *    users (re-ranked) too; and 50 concurrent requests each for a subscriber asked for the first
 *    time (their history read and everything derived from it, as after a new event);
 *  - fold-in time: the user's vector from their full history after one more event.
 *
 * Quality as served is bench:recs-quality. Prints the figures and writes bench/results/recs.json.
 * Flags: --users N (default 9600), --days N (180), --titles N (10000), --samples N (users timed,
 * 300), --requests N (concurrent phase, 3000), --quick (2,000 users, 90 days, 2,000 titles).
 */
import 'reflect-metadata';
import os from 'node:os';
import { seedWorld } from '../seeds';
import { startOfTodayUtc } from '../src/common/dates';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/app/config';
import { createDataSource } from '../src/db/data-source';
import type { DataSource } from 'typeorm';
import { COLLABORATIVE_MODELS } from '../src/ml';
import { loadEvaluationData } from '../src/modules/recommendations/evaluation-data';
import { RecommendationSource } from '../src/modules/recommendations/recommendations.service';
import { RiskLevel } from '../src/modules/model-registry/risk-levels';
import { createAppPubSub } from '../src/pubsub/pubsub';
import { createServices, type Services } from '../src/app/services';
import {
  benchPool,
  createBenchDatabase,
  latencyStats as stats,
  numberFlag,
  table,
  writeResults,
} from './support';

const QUICK = process.argv.includes('--quick');
const flag = (name: string, fallback: number) => numberFlag('bench:recs', name, fallback);
const USERS = flag('users', QUICK ? 2000 : 9600);
const DAYS = flag('days', QUICK ? 90 : 180);
const TITLES = flag('titles', QUICK ? 2000 : 10000);
const SAMPLES = flag('samples', QUICK ? 100 : 300);
const REQUESTS = flag('requests', QUICK ? 1000 : 3000);
const CONCURRENCY = 50;

async function world(users: number, days: number, titles: number | undefined) {
  const db = await createBenchDatabase();
  const pool = benchPool(db.url, 4);
  const summary = await seedWorld(pool, { users, days, seed: 42, end: startOfTodayUtc(), titles });
  await pool.end();
  const ds = createDataSource({ url: db.url });
  await ds.initialize();
  const services = createServices(
    ds,
    createAppPubSub(),
    loadConfig({
      MODEL_DIR: `${os.tmpdir()}/churn-bench-recs-${process.pid}-${users}`,
      NODE_ENV: 'production',
    }),
    createLogger('warn'),
  );
  return { db, ds, services, events: summary.viewingEvents };
}

/** ALS alone on every event of the world, per catalogue size: the training-time target. */
async function alsTraining(ds: DataSource): Promise<Record<string, unknown>[]> {
  const { interactions } = await loadEvaluationData(ds);
  const out: Record<string, unknown>[] = [];
  for (const code of ['als-d16-l1', 'als-d48-l50'] as const) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await COLLABORATIVE_MODELS[code].fit(interactions, null, { seed: 42, bprEpochs: 0 });
    const seconds = (performance.now() - t0) / 1000;
    // CPU time beside wall time: on a shared machine the wall clock measures the neighbours too.
    const cpuSeconds = process.cpuUsage(cpu0).user / 1e6;
    process.stderr.write(
      `bench:recs: ${code} on ${interactions.users.length} events: ${seconds.toFixed(1)} s\n`,
    );
    out.push({ model: code, events: interactions.users.length, seconds, cpuSeconds });
  }
  return out;
}

/** `CONCURRENCY` clients, each sending its next request when the last returns, `requests` in all. */
async function concurrent(
  services: Services,
  ids: readonly string[],
  risk: RiskLevel | null,
  requests = REQUESTS,
): Promise<ReturnType<typeof stats> & { requestsPerSecond: number; cpuMsPerRequest: number }> {
  const ms: number[] = [];
  let next = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const client = async () => {
    while (next < requests) {
      const userId = ids[next++ % ids.length];
      const s = performance.now();
      await services.recommendations.recommend([{ userId, risk }], 10, RecommendationSource.HYBRID);
      ms.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  const cpu = process.cpuUsage(cpu0);
  return {
    ...stats(ms),
    requestsPerSecond: ms.length / ((performance.now() - started) / 1000),
    // This process's CPU per request (PostgreSQL's share not included): what a quiet core costs.
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / ms.length,
  };
}

async function main(): Promise<void> {
  const big = await world(USERS, DAYS, TITLES);
  let results: Record<string, unknown>;
  try {
    const { ds, services } = big;
    process.stderr.write(`bench:recs: ${big.events} viewing events, ${TITLES} titles\n`);
    const als = await alsTraining(ds);
    process.stderr.write(
      'bench:recs: churn train-recs (validate candidates, learn the blend, refit)\n',
    );
    const t0 = performance.now();
    const trained = await services.recommendations.train({ seed: 42, epochs: 10, factors: 32 });
    const trainSeconds = (performance.now() - t0) / 1000;
    const state = await services.recommendations.current();
    const ids: string[] = (
      await ds.query(
        `SELECT u.id::text FROM users u WHERE u.status = 'ACTIVE' AND EXISTS (SELECT 1 FROM viewing_events e WHERE e.user_id = u.id)
          ORDER BY random() LIMIT $1`,
        [SAMPLES],
      )
    ).map((r: { id: string }) => r.id);
    const sequential = async (risk: RiskLevel | null) => {
      await services.recommendations.recommend(
        [{ userId: ids[0], risk }],
        10,
        RecommendationSource.HYBRID,
      );
      const ms: number[] = [];
      for (const userId of ids) {
        const s = performance.now();
        await services.recommendations.recommend(
          [{ userId, risk }],
          10,
          RecommendationSource.HYBRID,
        );
        ms.push(performance.now() - s);
      }
      return stats(ms);
    };
    const latency = await sequential(RiskLevel.LOW);
    const atRisk = await sequential(RiskLevel.HIGH);
    process.stderr.write(`bench:recs: ${CONCURRENCY} concurrent clients, ${REQUESTS} requests\n`);
    // One unmeasured round of each first: the concurrent code paths warm up (JIT, pools) before
    // the figures count, as on a server that has been up for a while.
    await concurrent(services, ids, RiskLevel.LOW);
    await concurrent(services, ids, RiskLevel.HIGH);
    const loaded = await concurrent(services, ids, RiskLevel.LOW);
    const loadedAtRisk = await concurrent(services, ids, RiskLevel.HIGH);
    // Subscribers never asked for before: nothing of theirs is held, as for one who just watched.
    const coldIds: string[] = (
      await ds.query(
        `SELECT u.id::text FROM users u WHERE u.status = 'ACTIVE' AND u.id <> ALL($2::bigint[])
            AND EXISTS (SELECT 1 FROM viewing_events e WHERE e.user_id = u.id)
          ORDER BY random() LIMIT $1`,
        [REQUESTS, ids],
      )
    ).map((r: { id: string }) => r.id);
    const loadedCold = await concurrent(services, coldIds, RiskLevel.LOW, coldIds.length);

    // Fold-in after one more event, from the full history, item vectors fixed.
    const foldIn = state.parts.collaborative!.foldIn();
    const foldMs: number[] = [];
    let historyLength = 0;
    for (const userId of ids.slice(0, 100)) {
      const h: { title_id: string; completion: number }[] = await ds.query(
        'SELECT title_id::text, completion FROM viewing_events WHERE user_id = $1',
        [userId],
      );
      const events = h
        .map((e) => ({ item: state.indexOf.get(e.title_id)!, weight: e.completion }))
        .filter((e) => e.item !== undefined);
      historyLength += events.length;
      for (let rep = 0; rep < 5; rep++) {
        const s = performance.now();
        foldIn.foldIn([...events, { item: (rep * 7919) % state.titles.length, weight: 1 }]);
        foldMs.push(performance.now() - s);
      }
    }
    results = {
      world: { users: USERS, days: DAYS, titles: state.titles.length, viewingEvents: big.events },
      alsTraining: als,
      trainRecs: {
        seconds: trainSeconds,
        version: trained.version,
        chosen: trained.model,
        candidates: trained.candidates,
      },
      latency,
      atRiskLatency: atRisk,
      concurrent: { clients: CONCURRENCY, ...loaded },
      concurrentAtRisk: { clients: CONCURRENCY, ...loadedAtRisk },
      concurrentCold: { clients: CONCURRENCY, ...loadedCold },
      foldIn: { ...stats(foldMs), meanHistory: historyLength / 100, d: foldIn.d },
    };
  } finally {
    await big.ds.destroy();
    await big.db.drop();
  }

  const lat = results.latency as ReturnType<typeof stats>;
  const at = results.atRiskLatency as ReturnType<typeof stats>;
  const con = results.concurrent as ReturnType<typeof stats> & {
    requestsPerSecond: number;
    cpuMsPerRequest: number;
  };
  const conRisk = results.concurrentAtRisk as ReturnType<typeof stats> & {
    requestsPerSecond: number;
  };
  const conCold = results.concurrentCold as ReturnType<typeof stats> & {
    requestsPerSecond: number;
    cpuMsPerRequest: number;
  };
  const fold = results.foldIn as ReturnType<typeof stats> & { meanHistory: number; d: number };
  const als = results.alsTraining as {
    model: string;
    events: number;
    seconds: number;
    cpuSeconds: number;
  }[];
  const train = results.trainRecs as { seconds: number; chosen: string };
  const targets = {
    concurrentP99Under20Ms: con.p99Ms < 20,
    alsUnder60s: als.every((a) => a.seconds < 60),
  };
  const file = writeResults('recs', { ...results, loadAverage: os.loadavg(), targets });
  const f2 = (x: number) => x.toFixed(2);
  process.stdout.write(
    `\nbench:recs (${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}, ${(results.world as { titles: number }).titles} titles, ${big.events} viewing events)\n\n` +
      table([
        ...als.map((a) => ({
          measure: `implicit ALS ${a.model} on ${a.events} events`,
          result: `${a.seconds.toFixed(1)} s (CPU ${a.cpuSeconds.toFixed(1)} s)`,
          target: `< 60 s: ${a.seconds < 60 ? 'met' : 'NOT met'}`,
        })),
        {
          measure: 'churn train-recs (validation of every candidate, blend, refit)',
          result: `${train.seconds.toFixed(1)} s → ${train.chosen}`,
          target: 'reported',
        },
        {
          measure: 'recommendations, one request at a time',
          result: `p50 ${f2(lat.p50Ms)} ms, p99 ${f2(lat.p99Ms)} ms`,
          target: '',
        },
        {
          measure: 'recommendations, at-risk user (re-ranked), one at a time',
          result: `p50 ${f2(at.p50Ms)} ms, p99 ${f2(at.p99Ms)} ms`,
          target: '',
        },
        {
          measure: `recommendations, ${CONCURRENCY} concurrent requests`,
          result: `p50 ${f2(con.p50Ms)} ms, p99 ${f2(con.p99Ms)} ms (${con.requestsPerSecond.toFixed(0)}/s, CPU ${f2(con.cpuMsPerRequest)} ms per request)`,
          target: `p99 < 20 ms: ${con.p99Ms < 20 ? 'met' : 'NOT met'}`,
        },
        {
          measure: `at-risk, ${CONCURRENCY} concurrent requests`,
          result: `p50 ${f2(conRisk.p50Ms)} ms, p99 ${f2(conRisk.p99Ms)} ms (${conRisk.requestsPerSecond.toFixed(0)}/s)`,
          target: '',
        },
        {
          measure: `first request of each subscriber, ${CONCURRENCY} concurrent (${conCold.n} subscribers)`,
          result: `p50 ${f2(conCold.p50Ms)} ms, p99 ${f2(conCold.p99Ms)} ms (${conCold.requestsPerSecond.toFixed(0)}/s, CPU ${f2(conCold.cpuMsPerRequest)} ms per request)`,
          target: '',
        },
        {
          measure: `fold-in after one event (d = ${fold.d}, mean history ${fold.meanHistory.toFixed(0)} titles)`,
          result: `p50 ${fold.p50Ms.toFixed(3)} ms, p99 ${fold.p99Ms.toFixed(3)} ms`,
          target: '',
        },
      ]) +
      `\n\nwritten to ${file}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(
    `bench:recs failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
