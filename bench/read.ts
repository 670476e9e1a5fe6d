/**
 * `npm run bench:read`: the read path as frontends use it. The built service runs in production mode
 * on a seeded, trained and scored world; autocannon sends each query with 20 connections for 20 s and
 * reports requests per second and latency. Beside them, the floor: one raw `pg` statement that returns
 * the same page of users with their latest score, run by 20 clients as fast as they go.
 *
 * Prints the figures and writes bench/results/read.json. Flags: --connections N (default 20),
 * --seconds N (per query, default 20), --users N (world size, default 5000). --quick: 3 s per query on a
 * 1,000-subscriber world.
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
import {
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

/** The same page the users query returns, with each user's latest score, as one statement. */
const RAW_PAGE = `SELECT u.id::text, u.plan, u.status, r.probability, r.risk_level
  FROM users u LEFT JOIN user_risk r ON r.user_id = u.id ORDER BY u.id LIMIT 21`;

async function main(): Promise<void> {
  process.stderr.write(`bench:read on ${os.cpus().length} cores: ${USERS} subscribers\n`);
  const db = await createBenchDatabase();
  const pool = new Pool({ connectionString: db.url, max: CONNECTIONS });
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
          `{ user(id: "${someone}") { id plan churnScore { probability riskLevel scoredAt } explanation { reasons { text } } } }`,
        ],
        [
          'churnOverview + segments',
          '{ churnOverview { scoredUsers levels { level users } } segments { id label size churnRate } }',
        ],
      ];
      const rows: Record<string, string | number>[] = [];
      const results: Record<string, unknown> = {};
      for (const [name, query] of queries) {
        const r = await load(server.url, query);
        results[name] = r;
        rows.push({
          query: name,
          'req/s': Math.round(r.requestsPerSecond),
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          errors: r.errors,
        });
        process.stderr.write(`  ${name}: ${Math.round(r.requestsPerSecond)} req/s\n`);
      }
      const floor = await rawFloor(pool);
      rows.push({
        query: 'raw pg: the same page of users and scores',
        'req/s': Math.round(floor),
        p50Ms: '',
        p99Ms: '',
        errors: 0,
      });
      const page = results[queries[0][0]] as { requestsPerSecond: number };
      const out = {
        settings: {
          connections: CONNECTIONS,
          seconds: SECONDS,
          users: USERS,
          nodeEnv: 'production',
        },
        queries: results,
        rawPageStatementsPerSecond: Math.round(floor),
        pageVsRaw: Math.round((1000 * page.requestsPerSecond) / floor) / 1000,
      };
      process.stdout.write(
        `\nbench:read (${CONNECTIONS} connections, ${SECONDS} s per query, production mode)\n\n${table(rows)}\n\n` +
          `users page at ${(100 * out.pageVsRaw).toFixed(0)}% of the raw statement\n` +
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

async function load(
  url: string,
  query: string,
): Promise<{ requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number }> {
  const r = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
    body: JSON.stringify({ query }),
  });
  return {
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.non2xx,
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
