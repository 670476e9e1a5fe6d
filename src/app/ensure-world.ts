import { Pool } from 'pg';
import { seedWorld } from '../../seeds';
import { startOfTodayUtc } from '../common/dates';
import type { Logger } from '../common/logger';
import type { Database } from '../db/database';
import { UsersRepository } from '../modules/users/users.repository';

export interface WorldSize {
  users: number;
  days: number;
  seed: number;
}

/** Seed the synthetic world into an empty database (first start); leave a populated one alone. */
export async function ensureWorld(
  database: Database,
  size: WorldSize,
  logger: Logger,
): Promise<boolean> {
  const count = await new UsersRepository(database.dataSource).count({});
  if (count > 0) {
    logger.info(`Database holds ${count} subscribers; not seeding`);
    return false;
  }
  logger.info('Empty database: seeding the synthetic world', { ...size });
  const pool = new Pool({ connectionString: database.url, max: 4 });
  try {
    await seedWorld(pool, { ...size, end: startOfTodayUtc() });
  } finally {
    await pool.end();
  }
  return true;
}
