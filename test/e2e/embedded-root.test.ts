/**
 * The embedded PostgreSQL started as root under a private (0700) directory, as a checkout in root's
 * home would be: PostgreSQL runs as the postgres user, which cannot reach DATA_DIR, so the cluster
 * lives where it can and the handle says where. Binaries it cannot reach give a message that says
 * what to do. Root only (CI runs as root); skipped with a note otherwise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { planRootLayout, postgresUserIds } from '../../src/db/embedded-postgres-root';
import { freePort } from '../support/global-setup';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const asRoot = isRoot ? it : it.skip;
if (!isRoot) console.warn('embedded-root.test.ts: not root, so the root-only cases are skipped');

let privateDir: string;
beforeEach(() => {
  privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-private-home-'));
  fs.chmodSync(privateDir, 0o700);
});
afterEach(() => fs.rmSync(privateDir, { recursive: true, force: true }));

describe('embedded PostgreSQL as root', () => {
  asRoot(
    'starts with DATA_DIR under a 0700 directory, its cluster where the postgres user can reach it',
    async () => {
      const dataDir = path.join(privateDir, 'churn', '.data');
      // The built CLI, as a user runs it (jest's module sandbox cannot load ESM-only embedded-postgres).
      const res = spawnSync(process.execPath, [CLI, 'migrate'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          DATA_DIR: dataDir,
          EMBEDDED_PG_PORT: String(await freePort()),
          LOG_LEVEL: 'info',
        },
        encoding: 'utf8',
        timeout: 120_000,
      });
      const moved = /"databaseDir":"([^"]+)"/.exec(res.stderr)?.[1];
      try {
        expect({ status: res.status, stderr: res.status === 0 ? '' : res.stderr }).toEqual({
          status: 0,
          stderr: '',
        });
        expect(res.stdout).toMatch(/^migrate: /m);
        expect(res.stderr).toMatch(/cannot reach DATA_DIR: its data lives elsewhere/);
        expect(moved?.startsWith('/var/lib/churn-predictor/')).toBe(true);
        expect(fs.existsSync(path.join(moved!, 'PG_VERSION'))).toBe(true);
        expect(fs.statSync(moved!).uid).not.toBe(0);
      } finally {
        if (moved) fs.rmSync(path.dirname(moved), { recursive: true, force: true });
      }
    },
  );

  asRoot('names the ways out when the PostgreSQL program itself is out of reach', () => {
    const binary = path.join(privateDir, 'native', 'bin', 'postgres');
    fs.mkdirSync(path.dirname(binary), { recursive: true });
    fs.copyFileSync('/bin/true', binary);
    expect(() =>
      planRootLayout(postgresUserIds(), binary, path.join(privateDir, 'data', 'pg')),
    ).toThrow(/run the service as a regular user[\s\S]*DATABASE_URL/);
  });
});
