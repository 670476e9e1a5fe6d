/**
 * `npm run bench:ingest`: ingest throughput of recordViewingEvents over HTTP (batches of 100 and 1,000)
 * beside a raw `pg` multi-row INSERT of equivalent rows into the same table, and the time to generate
 * and load 1,000,000 synthetic viewing events. Prints the figures and writes bench/results/ingest.json.
 *
 * Flags: --events N (events per ingest run, default 60000), --concurrency N (requests in flight, default 4),
 *        --world-events N (events for the generate+load run, default 1000000), --quick (5,000 events per
 *        run and a 100,000-event world).
 */
import 'reflect-metadata';
import http from 'node:http';
import { Pool } from 'pg';
import { seedWorld } from '../seeds';
import { startOfTodayUtc } from '../src/common/dates';
import { createProgress, formatCount } from '../src/common/progress';
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

const DEVICES = ['TV', 'MOBILE', 'WEB', 'TABLET'];

const flag = (name: string, fallback: number) => numberFlag('bench:ingest', name, fallback);

interface Row {
  clientEventId: string;
  userId: string;
  titleId: string;
  startedAt: string;
  watchedSeconds: number;
  completion: number;
  device: string;
  rating: number | null;
}

/** Valid events for active users on real titles, within each title's limits, in the recent past. */
async function makeRows(pool: Pool, count: number, tag: string): Promise<Row[]> {
  const users = (
    await pool.query(`SELECT id, signup_at FROM users WHERE status = 'ACTIVE' ORDER BY id`)
  ).rows;
  const titles = (await pool.query(`SELECT id FROM titles ORDER BY id`)).rows;
  const now = Date.now();
  let state = 12345;
  const rand = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  return Array.from({ length: count }, (_, i) => {
    const u = users[Math.floor(rand() * users.length)];
    const from = Math.max(new Date(u.signup_at).getTime(), now - 20 * 86400_000);
    return {
      clientEventId: `bench-${tag}-${i}`,
      userId: String(u.id),
      titleId: String(titles[Math.floor(rand() * titles.length)].id),
      startedAt: new Date(from + rand() * (now - 3 * 3600_000 - from)).toISOString(),
      watchedSeconds: 60 + Math.floor(rand() * 1500),
      completion: Math.round(rand() * 1000) / 1000,
      device: DEVICES[i % 4],
      rating: rand() < 0.1 ? 1 + Math.floor(rand() * 5) : null,
    };
  });
}

async function inParallel<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const MUTATION =
  'mutation($events: [ViewingEventInput!]!) { recordViewingEvents(events: $events) { accepted duplicates } }';

/** A lean keep-alive HTTP client: fetch() costs the shared 2 cores noticeably more CPU per request. */
function postJson(url: string, agent: http.Agent, body: string): Promise<any> {
  const target = new URL(`${url}/graphql`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          // Authenticated like any client: recording events needs the ingest role.
          authorization: `Bearer ${BENCH_KEY}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function viaGraphQL(
  url: string,
  rows: Row[],
  batch: number,
  concurrency: number,
): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const progress = createProgress({
    label: `graphql batch=${batch}`,
    total: rows.length,
    unit: 'events',
  });
  const started = process.hrtime.bigint();
  await inParallel(chunks(rows, batch), concurrency, async (events) => {
    const body = (await postJson(
      url,
      agent,
      JSON.stringify({ query: MUTATION, variables: { events } }),
    )) as {
      data?: { recordViewingEvents: { accepted: number } };
      errors?: unknown[];
    };
    if (body.errors || body.data?.recordViewingEvents.accepted !== events.length)
      throw new Error(`ingest failed: ${JSON.stringify(body).slice(0, 500)}`);
    progress.tick(events.length);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = rows.length / seconds;
  agent.destroy();
  progress.done(`${formatCount(rate)} events/s`);
  return rate;
}

async function viaRawInsert(
  pool: Pool,
  rows: Row[],
  batch: number,
  concurrency: number,
): Promise<number> {
  const progress = createProgress({
    label: `raw pg INSERT batch=${batch}`,
    total: rows.length,
    unit: 'rows',
  });
  const started = process.hrtime.bigint();
  await inParallel(chunks(rows, batch), concurrency, async (part) => {
    const values: unknown[] = [];
    const tuples = part.map((r, i) => {
      values.push(
        r.clientEventId,
        r.userId,
        r.titleId,
        r.startedAt,
        r.watchedSeconds,
        r.completion,
        r.device,
        r.rating,
      );
      const b = i * 8;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8})`;
    });
    await pool.query(
      `INSERT INTO viewing_events (client_event_id, user_id, title_id, started_at, watched_seconds, completion, device, rating) VALUES ${tuples.join(',')}`,
      values,
    );
    progress.tick(part.length);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = rows.length / seconds;
  progress.done(`${formatCount(rate)} rows/s`);
  return rate;
}

async function main(): Promise<void> {
  const perRun = flag('events', QUICK ? 5_000 : 60_000);
  const concurrency = flag('concurrency', 4);
  const worldEvents = flag('world-events', QUICK ? 100_000 : 1_000_000);
  const end = startOfTodayUtc();

  process.stderr.write(
    `bench:ingest: ${perRun} events per run, ${concurrency} requests in flight\n`,
  );
  const db = await createBenchDatabase();
  const pool = benchPool(db.url, concurrency + 1);
  const server = await startServerProcess(db.url, {
    NODE_ENV: 'production',
    API_KEYS: `admin:${BENCH_KEY}`,
    AUTO_TRAIN: 'false',
  });
  try {
    await seedWorld(pool, { users: 2000, days: 60, seed: 7, end });
    const ingest: Record<string, number> = {};
    for (const batch of [100, 1000]) {
      const rows = await makeRows(pool, perRun, `g${batch}`);
      ingest[`graphql_batch_${batch}_events_per_s`] = Math.round(
        await viaGraphQL(server.url, rows, batch, concurrency),
      );
      const raw = await makeRows(pool, perRun, `r${batch}`);
      ingest[`raw_insert_batch_${batch}_rows_per_s`] = Math.round(
        await viaRawInsert(pool, raw, batch, concurrency),
      );
    }
    await server.stop();
    await pool.end();
    await db.drop();

    // Generate and load: size the world so that it holds about `worldEvents` viewing events.
    const worldDb = await createBenchDatabase();
    const worldPool = new Pool({ connectionString: worldDb.url, max: 4 });
    const probe = await seedWorld(
      worldPool,
      { users: 500, days: 180, seed: 11, end, replace: true },
      { silent: true },
    );
    const users = Math.max(500, Math.round((500 * worldEvents) / Math.max(1, probe.viewingEvents)));
    const started = Date.now();
    const world = await seedWorld(worldPool, { users, days: 180, seed: 11, end, replace: true });
    const worldSeconds = (Date.now() - started) / 1000;
    await worldPool.end();
    await worldDb.drop();

    const ratio100 = ingest.graphql_batch_100_events_per_s / ingest.raw_insert_batch_100_rows_per_s;
    const ratio1000 =
      ingest.graphql_batch_1000_events_per_s / ingest.raw_insert_batch_1000_rows_per_s;
    const results = {
      settings: { eventsPerRun: perRun, concurrency },
      ingest: {
        ...ingest,
        graphql_vs_raw_batch_100: round(ratio100),
        graphql_vs_raw_batch_1000: round(ratio1000),
        target_ratio: 0.5,
      },
      world: {
        users,
        days: 180,
        viewing_events: world.viewingEvents,
        seconds: round(worldSeconds),
        seconds_per_million_events: round((worldSeconds * 1e6) / world.viewingEvents),
        target_seconds_per_million: 60,
      },
    };
    process.stdout.write(
      '\n' +
        table([
          {
            measure: 'recordViewingEvents, batches of 100',
            value: `${formatCount(ingest.graphql_batch_100_events_per_s)} events/s`,
            vs_raw: `${(ratio100 * 100).toFixed(0)}% of raw (${formatCount(ingest.raw_insert_batch_100_rows_per_s)} rows/s)`,
          },
          {
            measure: 'recordViewingEvents, batches of 1,000',
            value: `${formatCount(ingest.graphql_batch_1000_events_per_s)} events/s`,
            vs_raw: `${(ratio1000 * 100).toFixed(0)}% of raw (${formatCount(ingest.raw_insert_batch_1000_rows_per_s)} rows/s)`,
          },
          {
            measure: `generate + load ${formatCount(world.viewingEvents)} viewing events`,
            value: `${worldSeconds.toFixed(1)} s`,
            vs_raw: `${results.world.seconds_per_million_events} s per million (target < 60)`,
          },
        ]) +
        `\n\nwritten to ${writeResults('ingest', results)}\n`,
    );
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw err;
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

main().catch((err) => {
  process.stderr.write(`bench:ingest failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
