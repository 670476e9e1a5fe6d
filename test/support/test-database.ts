/**
 * A brand-new, migrated database per test file on the run's PostgreSQL server (see global-setup.ts).
 * Real PostgreSQL over a real connection: no mocks.
 */
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createLogger } from '../../src/common/logger';
import { createDataSource } from '../../src/db/data-source';
import { runMigrations } from '../../src/db/migrate';

export interface TestDatabase {
  url: string;
  pool: Pool;
  dataSource: DataSource;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  const url = process.env.TEST_ADMIN_URL;
  if (!url)
    throw new Error(
      'TEST_ADMIN_URL is unset: run the tests through jest (its globalSetup starts PostgreSQL)',
    );
  return url;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `churn_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const dataSource = createDataSource({ url: url.toString(), poolSize: 5 });
  await dataSource.initialize();
  await runMigrations(dataSource, createLogger('silent'));
  const pool = new Pool({ connectionString: url.toString(), max: 4 });
  // pg's end() resolves before its idle connections have closed, so the FORCE drop below may
  // terminate one of them: an 'error' event that, without a listener, fails the suite after its tests.
  pool.on('error', (err: Error & { code?: string }) => {
    if (err.code !== '57P01') throw err;
  });
  return {
    url: url.toString(),
    pool,
    dataSource,
    async drop() {
      await pool.end();
      if (dataSource.isInitialized) await dataSource.destroy();
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
