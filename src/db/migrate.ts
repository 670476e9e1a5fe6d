import type { DataSource } from 'typeorm';
import type { Logger } from '../common/logger';

/** Apply pending migrations in one transaction each; report what ran. */
export async function runMigrations(dataSource: DataSource, logger: Logger): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  const names = applied.map((m) => m.name);
  if (names.length > 0) logger.info(`Applied ${names.length} migration(s)`, { migrations: names });
  else logger.debug('Database schema is up to date');
  return names;
}

/** Drop every table, type and schema this service owns, then migrate again (`churn reset`). */
export async function resetDatabase(dataSource: DataSource, logger: Logger): Promise<void> {
  await dataSource.transaction(async (m) => {
    await m.query('DROP SCHEMA IF EXISTS sim CASCADE');
    await m.query('DROP SCHEMA public CASCADE');
    await m.query('CREATE SCHEMA public');
  });
  logger.info('Dropped all tables');
  await runMigrations(dataSource, logger);
}
