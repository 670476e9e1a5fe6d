/**
 * `npm run bench:read`: the read path as frontends use it. The built service runs in production mode
 * on a seeded, trained and scored world; autocannon sends each query with 20 connections for 20 s and
 * reports requests per second, latency and the CPU milliseconds per request of the server, PostgreSQL
 * and the load generator. Beside them: PostGraphile v4 (bench/postgraphile-peer.ts, its own process,
 * production settings) answering the same page from the same tables, alternated with our page
 * (--rounds N each, default 2; each query warmed up unmeasured first, --warmup N seconds, default
 * 5), which is the target (our page at or above its rate); and the floor:
 * one raw `pg` statement that returns the same page of users with their latest score, run by 20
 * clients as fast as they go.
 *
 * Prints the figures and writes bench/results/read.json. Flags: --connections N (default 20),
 * --seconds N (per query, default 20), --users N (world size, default 5000), --only TEXT (only the
 * queries whose name holds TEXT, e.g. to profile one with BENCH_SERVER_NODE_ARGS="--cpu-prof ...").
 * --quick: 3 s per query on a 1,000-subscriber world. Every query is asked once first and must answer
 * without errors, so a figure is never the rate of an error response.
 */
import 'reflect-metadata';
import os from 'node:os';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { seedWorld } from '../seeds';
import { startOfTodayUtc } from '../src/common/dates';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/app/config';
import { createDataSource } from '../src/db/data-source';
import { ensureFeatures } from '../src/app/ensure-model';
import { createAppPubSub } from '../src/pubsub/pubsub';
import { createServices } from '../src/app/services';
import { cpuMsPer, cpuSnapshot } from './cpu-accounting';
import { startPostGraphilePeer } from './postgraphile-peer';
import {
  benchPool,
  BENCH_KEY,
  createBenchDatabase,
  numberFlag,
  QUICK,
  startServerProcess,
  table,
  writeResults,
} from './support';

const flag = (name: string, fallback: number) => numberFlag('bench:read', name, fallback);
const CONNECTIONS = flag('connections', 20);
const SECONDS = flag('seconds', QUICK ? 3 : 20);
const USERS = flag('users', QUICK ? 1000 : 5000);
/** Alternated runs of the users page and PostGraphile's same page. */
const ROUNDS = flag('rounds', QUICK ? 1 : 2);
/** Unmeasured load of each query on its server before its first measured run. */
const WARMUP_SECONDS = flag('warmup', QUICK ? 2 : 5);
const PEER_NAME = 'PostGraphile: the same page (peer)';
/** --only TEXT: load only the queries whose name contains TEXT (profiling one query). */
const ONLY = (() => {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();

/** The same page the users query returns, with each user's latest score, as one statement. */
const RAW_PAGE = `SELECT u.id::text, u.plan, u.status, r.probability, r.risk_level
  FROM users u LEFT JOIN user_risk r ON r.user_id = u.id ORDER BY u.id LIMIT 21`;

async function main(): Promise<void> {
  process.stderr.write(`bench:read on ${os.cpus().length} cores: ${USERS} subscribers\n`);
  const db = await createBenchDatabase();
  const pool = benchPool(db.url, CONNECTIONS);
  const modelDir = `${os.tmpdir()}/churn-bench-read-models-${process.pid}`;
  try {
    await seedWorld(pool, { users: USERS, days: 120, seed: 42, end: startOfTodayUtc() });
    const ds = createDataSource({ url: db.url });
    await ds.initialize();
    const config = loadConfig({ MODEL_DIR: modelDir, NODE_ENV: 'production' });
    const logger = createLogger('warn');
    const services = createServices(ds, createAppPubSub(), config, logger);
    await ensureFeatures(services, logger);
    process.stderr.write('bench:read: training, scoring and segmenting (as `churn train`)\n');
    await services.training.trainNow(
      { seed: 42, maxEpochs: 10, withSequence: false, force: false },
      { step: (m) => process.stderr.write(`  ${m}\n`), epoch: () => undefined },
    );
    await ds.destroy();
    const [{ id: someone }] = (
      await pool.query(
        `SELECT user_id::text AS id FROM user_risk ORDER BY probability DESC LIMIT 1`,
      )
    ).rows;

    const server = await startServerProcess(db.url, {
      NODE_ENV: 'production',
      MODEL_DIR: modelDir,
      API_KEYS: `reader:${BENCH_KEY}`,
      AUTO_TRAIN: 'false',
    });
    try {
      const queries: [string, string][] = [
        [
          'page of 20 users with their latest score',
          '{ users(first: 20) { edges { node { id plan status churnScore { probability riskLevel } } } } }',
        ],
        ['{ __typename }', '{ __typename }'],
        [
          "a subscriber's detail (score, explanation)",
          `{ user(id: "${someone}") { id plan churnScore { probability riskLevel scoredAt } explanation { summary contributions { label contribution } } } }`,
        ],
        [
          'churnOverview + segments',
          '{ churnOverview { scoredUsers levels { level users } } segments { id label size churnRate } }',
        ],
      ];
      const rows: Record<string, string | number>[] = [];
      const results: Record<string, unknown> = {};
      const headers = { authorization: `Bearer ${BENCH_KEY}` };
      const warmed = new Set<string>();
      /** One query under load: its rate, latency and CPU per request of each process. */
      const measure = async (name: string, endpoint: string, query: string, pid: number) => {
        // A query the schema rejects would measure an error response: refuse to bench it.
        await assertAnswers(endpoint, name, query, headers);
        // Unmeasured load first: each server's JIT warms up before its figures count.
        if (!warmed.has(endpoint + query)) {
          warmed.add(endpoint + query);
          await load(endpoint, query, headers, WARMUP_SECONDS);
        }
        const before = await cpuSnapshot(pool, pid);
        const r = await load(endpoint, query, headers);
        const cpu = cpuMsPer(before, await cpuSnapshot(pool, pid), r.requests);
        rows.push({
          query: name,
          'req/s': Math.round(r.requestsPerSecond),
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          errors: r.errors,
          'CPU ms server/PG/client': `${cpu.server} / ${cpu.postgres} / ${cpu.client}`,
        });
        process.stderr.write(`  ${name}: ${Math.round(r.requestsPerSecond)} req/s\n`);
        return { ...r, cpuMsPerRequest: cpu };
      };
      const ours = `${server.url}/graphql`;
      // The users page and PostGraphile's same page, alternated, so that a drift of the machine
      // during the run does not favour either.
      const [pageName, pageQuery] = queries[0];
      const pageRuns: Awaited<ReturnType<typeof measure>>[] = [];
      const peerRuns: Awaited<ReturnType<typeof measure>>[] = [];
      if (!ONLY || pageName.includes(ONLY) || PEER_NAME.includes(ONLY)) {
        const peer = await startPostGraphilePeer(db.url);
        try {
          for (let round = 1; round <= ROUNDS; round++) {
            if (!ONLY || pageName.includes(ONLY))
              pageRuns.push(await measure(pageName, ours, pageQuery, server.child.pid!));
            peerRuns.push(await measure(PEER_NAME, peer.url, peer.query, peer.child.pid!));
          }
        } finally {
          await peer.stop();
        }
      }
      if (pageRuns.length) results[pageName] = { ...meanRun(pageRuns), runs: pageRuns };
      if (peerRuns.length) results[PEER_NAME] = { ...meanRun(peerRuns), runs: peerRuns };
      for (const [name, query] of queries.slice(1)) {
        if (ONLY && !name.includes(ONLY)) continue;
        results[name] = await measure(name, ours, query, server.child.pid!);
      }
      const beforeFloor = await cpuSnapshot(pool, server.child.pid!);
      const floor = await rawFloor(pool);
      const floorCpu = cpuMsPer(
        beforeFloor,
        await cpuSnapshot(pool, server.child.pid!),
        floor * SECONDS,
      );
      rows.push({
        query: 'raw pg: the same page of users and scores',
        'req/s': Math.round(floor),
        p50Ms: '',
        p99Ms: '',
        errors: 0,
        'CPU ms server/PG/client': `- / ${floorCpu.postgres} / ${floorCpu.client}`,
      });
      const page = results[pageName] as { requestsPerSecond: number } | undefined;
      const peerPage = results[PEER_NAME] as { requestsPerSecond: number } | undefined;
      const out = {
        settings: {
          connections: CONNECTIONS,
          seconds: SECONDS,
          users: USERS,
          nodeEnv: 'production',
        },
        queries: results,
        rawPageStatementsPerSecond: Math.round(floor),
        rawPageCpuMsPerStatement: { postgres: floorCpu.postgres, client: floorCpu.client },
        pageVsRaw: page ? Math.round((1000 * page.requestsPerSecond) / floor) / 1000 : null,
        postGraphileVsRaw: peerPage
          ? Math.round((1000 * peerPage.requestsPerSecond) / floor) / 1000
          : null,
        pageVsPostGraphile:
          page && peerPage
            ? Math.round((1000 * page.requestsPerSecond) / peerPage.requestsPerSecond) / 1000
            : null,
      };
      process.stdout.write(
        `\nbench:read (${CONNECTIONS} connections, ${SECONDS} s per query, production mode)\n\n${table(rows)}\n\n` +
          (out.pageVsRaw === null
            ? ''
            : `users page at ${(100 * out.pageVsRaw).toFixed(0)}% of the raw statement\n`) +
          (out.pageVsPostGraphile === null
            ? ''
            : `users page at ${out.pageVsPostGraphile.toFixed(2)}× PostGraphile's rate (mean of ${ROUNDS} alternated runs each; target ≥ 1)\n`) +
          `written to ${writeResults('read', out)}\n`,
      );
    } finally {
      await server.stop();
    }
  } finally {
    await pool.end();
    await db.drop();
  }
}

/** One request of the query: it must answer 200 with data and no errors. */
async function assertAnswers(
  endpoint: string,
  name: string,
  query: string,
  headers: Record<string, string>,
): Promise<void> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: { message: string }[] };
  if (res.status !== 200 || body.errors || !body.data) {
    throw new Error(
      `bench:read: "${name}" does not answer (${res.status}): ${JSON.stringify(body.errors ?? body)}`,
    );
  }
}

async function load(
  endpoint: string,
  query: string,
  headers: Record<string, string>,
  seconds = SECONDS,
): Promise<LoadResult> {
  const r = await autocannon({
    url: endpoint,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    requestsPerSecond: r.requests.average,
    requests: r.requests.total,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.non2xx,
  };
}

interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** The mean of alternated runs of one query (rates, latencies and CPU per request). */
function meanRun(
  runs: (LoadResult & { cpuMsPerRequest: ReturnType<typeof cpuMsPer> })[],
): LoadResult & { cpuMsPerRequest: ReturnType<typeof cpuMsPer> } {
  const mean = (f: (r: (typeof runs)[number]) => number) =>
    Math.round((1000 * runs.reduce((a, r) => a + f(r), 0)) / runs.length) / 1000;
  return {
    requestsPerSecond: mean((r) => r.requestsPerSecond),
    requests: mean((r) => r.requests),
    p50Ms: mean((r) => r.p50Ms),
    p99Ms: mean((r) => r.p99Ms),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    cpuMsPerRequest: {
      server: mean((r) => r.cpuMsPerRequest.server),
      postgres: mean((r) => r.cpuMsPerRequest.postgres),
      client: mean((r) => r.cpuMsPerRequest.client),
    },
  };
}

/** Statements per second of RAW_PAGE with CONNECTIONS clients for SECONDS. */
async function rawFloor(pool: Pool): Promise<number> {
  const end = Date.now() + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = await pool.connect();
      try {
        while (Date.now() < end) {
          await client.query({ name: 'bench_read_page', text: RAW_PAGE });
          done++;
        }
      } finally {
        client.release();
      }
    }),
  );
  return done / SECONDS;
}

main().catch((err) => {
  process.stderr.write(
    `bench:read failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
