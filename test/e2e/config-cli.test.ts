/** `churn config` as an operator runs it: every value shown, no secret printed. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');

function config(env: Record<string, string>) {
  return spawnSync(process.execPath, [CLI, 'config'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('churn config', () => {
  it('prints the configuration with keys and passwords redacted', () => {
    const secrets = {
      db: 'db-pass-7f3a9c',
      redis: 'redis-pass-2b8e1d',
      client: 'client-key-0123456789abcdef',
      admin: 'admin-key-fedcba9876543210',
    };
    const res = config({
      DATABASE_URL: `postgres://churn:${secrets.db}@db.internal:5432/churn`,
      REDIS_URL: `redis://:${secrets.redis}@cache.internal:6379`,
      CHURN_API_KEY: secrets.client,
      API_KEYS: `admin:${secrets.admin}`,
    });
    expect(res.status).toBe(0);
    for (const secret of Object.values(secrets)) expect(res.stdout).not.toContain(secret);
    const shown = JSON.parse(res.stdout);
    expect(shown.databaseUrl).toBe('postgres://churn:***@db.internal:5432/churn');
    expect(shown.redisUrl).toBe('redis://:***@cache.internal:6379');
    expect(shown.clientApiKey).toBe('***');
    expect(shown.apiKeys).toEqual([expect.stringMatching(/^admin:id:[0-9a-f]{12}$/)]);
  });

  it('names a malformed API_KEYS entry without printing it', () => {
    const key = 'my-only-key-0000000000';
    const res = config({ API_KEYS: key });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/API_KEYS: entry 1/);
    expect(res.stderr + res.stdout).not.toContain(key);
  });
});
