/** Shared pieces of the benchmarks: a scratch database, a server process, result files. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { loadConfig } from '../src/app/config';
import { createLogger } from '../src/common/logger';
import { createDataSource } from '../src/db/data-source';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/db/embedded-postgres';
import { runMigrations } from '../src/db/migrate';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh migrated database for one benchmark: on BENCH_DATABASE_URL / DATABASE_URL's server when set,
 * else on an embedded PostgreSQL started for the run.
 */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const config = loadConfig();
  const given = process.env.BENCH_DATABASE_URL ?? config.databaseUrl;
  let embedded: EmbeddedPostgresHandle | undefined;
  let dir: string | undefined;
  let admin = given;
  if (!admin) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-bench-pg-'));
    fs.chmodSync(dir, 0o755);
    embedded = await startEmbeddedPostgres({
      dataDir: dir,
      port: 54400 + (process.pid % 500),
      logger: createLogger('warn'),
      ephemeral: true,
    });
    admin = embedded.url;
  }
  const name = `churn_bench_${randomBytes(4).toString('hex')}`;
  const c = new Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const ds = createDataSource({ url: url.toString() });
  await ds.initialize();
  await runMigrations(ds, createLogger('warn'));
  await ds.destroy();
  return {
    url: url.toString(),
    async drop() {
      const d = new Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
      await embedded?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A pg pool for a bench's own statements. pg's `end()` resolves before its idle connections have
 * closed, so the FORCE drop of the bench database right after may terminate one of them: an 'error'
 * event that, with no listener, would end the bench with a crash after its figures were written.
 */
export function benchPool(connectionString: string, max: number): Pool {
  const pool = new Pool({ connectionString, max });
  pool.on('error', (err: Error & { code?: string }) => {
    if (err.code !== '57P01')
      process.stderr.write(`bench: idle database connection: ${err.message}\n`);
  });
  return pool;
}

/** The built service as its own process (as in production), on a free port. */
export async function startServerProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server under load.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join(ROOT, 'dist', 'src', 'cli.js'), 'serve'],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: '0',
        AUTO_SEED: 'false',
        AUTO_TRAIN_RECS: 'false',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /GraphQL\s+(http:\/\/\S+)\/graphql/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Writes a bench's figures, with when and on what they were measured, to bench/results/<name>.json;
 * a `--quick` run writes <name>.quick.json instead (gitignored), so a developer's check never
 * replaces the full run that docs/benchmarks.md is generated from (`npm run docs:benchmarks`).
 */
export function writeResults(name: string, results: Record<string, unknown>): string {
  const file = path.join(ROOT, 'bench', 'results', `${name}${QUICK ? '.quick' : ''}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const body = {
    benchmark: name,
    at: new Date().toISOString(),
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    ...results,
  };
  fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}

export function table(rows: Record<string, string | number>[]): string {
  const keys = Object.keys(rows[0] ?? {});
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [
    line(keys),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(keys.map((k) => String(r[k])))),
  ].join('\n');
}

/** `--quick`: a run small enough for a developer to check the bench in under a minute. */
export const QUICK = process.argv.includes('--quick');

/** The API key benches send; the server they start accepts it as admin. */
export const BENCH_KEY = 'bench-admin-key-0000000000';

/** `--name N` from the command line as a positive whole number; exits with status 2 on anything else. */
export function numberFlag(bench: string, name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write(`${bench}: --${name} expects a positive whole number\n`);
    process.exit(2);
  }
  return n;
}

/**
 * Seconds of the fastest of `repeats` runs of a synchronous job, after one `warmUp` run (kernel
 * set-up, JIT) that is not counted.
 */
export function bestOf(run: () => unknown, warmUp: () => unknown, repeats = 3): number {
  warmUp();
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

/** The p-th percentile (0..100) of ascending values; NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** p50, p99 and mean of timings in milliseconds. */
export function latencyStats(ms: readonly number[]): {
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  n: number;
} {
  const s = [...ms].sort((a, b) => a - b);
  return {
    p50Ms: percentile(s, 50),
    p99Ms: percentile(s, 99),
    meanMs: s.reduce((a, b) => a + b, 0) / s.length,
    n: s.length,
  };
}
