/**
 * One PostgreSQL server for the whole run: TEST_DATABASE_URL when set (CI points it at the machine's
 * server), otherwise an embedded PostgreSQL started here. Each test file then creates its own fresh,
 * migrated database on it (test/support/test-database.ts), so files run in parallel without sharing rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Client } from 'pg';
import { createLogger } from '../../src/common/logger';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/db/embedded-postgres';

declare global {
  var __EMBEDDED_PG__: { handle: EmbeddedPostgresHandle; dir: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    const client = new Client({ connectionString: given });
    await client.connect().catch((err: Error) => {
      throw new Error(`TEST_DATABASE_URL=${given} does not answer: ${err.message}`);
    });
    await client.end();
    process.env.TEST_ADMIN_URL = given;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-test-pg-'));
  fs.chmodSync(dir, 0o755);
  const handle = await startEmbeddedPostgres({
    dataDir: dir,
    port: await freePort(),
    logger: createLogger('warn'),
    ephemeral: true,
  });
  globalThis.__EMBEDDED_PG__ = { handle, dir };
  process.env.TEST_ADMIN_URL = handle.url;
  process.stderr.write(
    `\nTEST_DATABASE_URL unset: tests run on an embedded PostgreSQL (${handle.url})\n`,
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
