import type { Config } from '../app/config';
import { createLogger, type Logger } from '../common/logger';
import { openDatabase, type Database } from '../db/database';
import { createAppPubSub } from '../pubsub/pubsub';
import { createServices, type Services } from '../app/services';

/** Open the database (embedded when DATABASE_URL is unset), build the services, run `fn`, close. */
export async function withServices<T>(
  config: Config,
  fn: (services: Services, ctx: { database: Database; logger: Logger }) => Promise<T>,
): Promise<T> {
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  try {
    const services = createServices(database.dataSource, createAppPubSub(), config, logger);
    return await fn(services, { database, logger });
  } finally {
    await database.close();
  }
}
