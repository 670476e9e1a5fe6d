import type { DataSource } from 'typeorm';
import type { Logger } from '../common/logger';
import { onShutdown } from '../common/shutdown';
import { createDataSource } from './data-source';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres';
import { runMigrations } from './migrate';

/** What opening the database reads of the configuration. */
export interface DatabaseSettings {
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  logLevel: string;
}

export interface Database {
  url: string;
  dataSource: DataSource;
  embedded: boolean;
  /** The embedded cluster's files, when the database is the embedded one. */
  embeddedDir?: string;
  close(): Promise<void>;
}

/**
 * Connect to DATABASE_URL, or start the embedded PostgreSQL when it is unset; then migrate.
 * `close()` closes the pool and stops the embedded server.
 */
export async function openDatabase(
  config: DatabaseSettings,
  logger: Logger,
  options: { migrate?: boolean } = {},
): Promise<Database> {
  let embedded: EmbeddedPostgresHandle | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      logger,
    });
    url = embedded.url;
  }
  const dataSource = createDataSource({ url, logSql: config.logLevel === 'debug' });
  try {
    await dataSource.initialize();
    if (options.migrate !== false) await runMigrations(dataSource, logger);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  let closed = false;
  // Whatever command opened it, a signal closes the pool and stops the embedded server.
  const unregister = onShutdown('database', async () => {
    closed = true;
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  });
  return {
    url,
    dataSource,
    embedded: embedded !== undefined,
    embeddedDir: embedded?.databaseDir,
    async close() {
      if (closed) return;
      closed = true;
      unregister();
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
