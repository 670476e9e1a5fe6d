/**
 * A new user's first `npm start`: no DATABASE_URL, so the service starts its own PostgreSQL, migrates,
 * seeds the synthetic world, serves GraphQL and prints the GraphiQL URL; SIGTERM stops everything
 * cleanly, and a second start reuses the data instead of seeding again. Runs the built CLI (`npm test`
 * builds first), exactly as `npm start` does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/global-setup';
import { waitFor } from '../support/wait-for';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function startCli(dataDir: string, pgPort: number): Promise<Running> {
  if (!fs.existsSync(CLI))
    throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it first)`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    PORT: '0',
    SEED_USERS: '800',
    SEED_DAYS: '120',
    TRAIN_MAX_EPOCHS: '5',
    MODEL_DIR: path.join(dataDir, 'models'),
    LOG_LEVEL: 'info',
  };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  const child = spawn(process.execPath, [CLI, 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never leave a server behind: kill it before failing.
      child.kill('SIGKILL');
      reject(new Error(`no GraphiQL URL within 150s:\n${out}`));
    }, 150_000);
    const check = () => {
      const m = /GraphiQL\s+(http:\/\/\S+)\/graphiql/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready:\n${out}`)));
  });
  return { child, url, output: () => out };
}

function stop(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.once('exit', (code) => resolve(code));
    running.child.kill('SIGTERM');
  });
}

describe('first start on a fresh machine (embedded PostgreSQL)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-first-start-'));
  fs.chmodSync(dataDir, 0o755);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts its own PostgreSQL, seeds, serves, stops cleanly, and reuses the data next time', async () => {
    const pgPort = await freePort();
    const first = await startCli(dataDir, pgPort);
    // The first model trains in the background right after start: on a loaded machine one probe may
    // be slow, so wait for a healthy answer rather than take the first.
    const health = await waitFor(
      async () => {
        const body = await (await fetch(`${first.url}/healthz`)).json();
        return body.status === 'ok' ? body : null;
      },
      { what: '/healthz to answer ok', timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(health).toMatchObject({ status: 'ok', database: { status: 'up' } });
    const res = await fetch(`${first.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          '{ users(first: 1) { totalCount } titles(first: 1) { totalCount } activeModel { version } churnOverview { scoredUsers } }',
      }),
    });
    const body = (await res.json()) as any;
    expect(body.data.users.totalCount).toBe(800);
    // It trained and scored the seeded world before saying it was ready.
    expect(body.data.activeModel.version).toMatch(/^\d{8}T\d{6}-/);
    expect(body.data.churnOverview.scoredUsers).toBeGreaterThan(500);
    expect(first.output()).toMatch(/activated \S+: no model was active/);
    expect(body.data.titles.totalCount).toBeGreaterThan(0);
    expect(first.output()).toMatch(/GraphiQL\s+http:\/\/127\.0\.0\.1:\d+\/graphiql/);

    expect(await stop(first)).toBe(0);
    expect(first.output()).toMatch(/Embedded PostgreSQL stopped/);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const second = await startCli(dataDir, pgPort);
    expect(second.output()).toMatch(/"reused":true/);
    expect(second.output()).toMatch(/holds 800 subscribers; not seeding/);
    expect(second.output()).not.toMatch(/No active churn model/);
    expect(await stop(second)).toBe(0);
  }, 400_000);
});
