/**
 * Assemble the service: database (embedded when DATABASE_URL is unset), the synthetic world when the
 * database is empty, services, schema and the HTTP/ws server. Used by `churn serve` and by the tests.
 */
import type { Config } from './config';
import type { Logger } from './common/logger';
import { openDatabase, type Database } from './db/database';
import { ensureWorld } from './db/ensure-world';
import { ensureFeatures, ensureModel } from './db/ensure-model';
import { createAppPubSub, type AppPubSub } from './pubsub/pubsub';
import { startAppServer, type AppServer } from './server/app-server';
import { buildAppSchema } from './server/schema';
import { createServices, type Services } from './server/services';

export interface App {
  url: string;
  database: Database;
  services: Services;
  pubSub: AppPubSub;
  server: AppServer;
  /** Drain HTTP and ws, close the pool, stop the embedded PostgreSQL. Idempotent. */
  stop(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger): Promise<App> {
  const database = await openDatabase(config, logger);
  try {
    if (config.autoSeed) {
      await ensureWorld(
        database,
        { users: config.seedUsers, days: config.seedDays, seed: config.seed },
        logger,
      );
    }
    const pubSub = createAppPubSub();
    const services = createServices(database.dataSource, pubSub, config, logger);
    await services.training.failInterruptedRuns();
    await ensureFeatures(services, logger);
    if (config.autoTrain) await ensureModel(services, config, logger);
    const schema = await buildAppSchema(pubSub);
    const server = await startAppServer({
      schema,
      services,
      dataSource: database.dataSource,
      logger,
      host: config.host,
      port: config.port,
      production: config.nodeEnv === 'production',
      shutdownTimeoutMs: config.shutdownTimeoutMs,
    });
    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      database,
      services,
      pubSub,
      server,
      stop() {
        stopping ??= (async () => {
          await server.stop();
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
