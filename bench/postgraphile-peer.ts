/**
 * PostGraphile v4 on the bench's database, as the peer our read path is judged against: in its own
 * process (so the bench can read its CPU from /proc apart from ours), in production settings, with
 * the query that asks it for the same page as our `users(first: 20)` query.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The built child script: beside this file in dist/bench, or in dist/bench when run from source (jest). */
const SERVER_SCRIPT = path.join(
  path.basename(path.dirname(__dirname)) === 'dist'
    ? __dirname
    : path.join(__dirname, '..', 'dist', 'bench'),
  'postgraphile-peer-server.js',
);

/**
 * The first 20 users by id with their plan, status and current risk: the page of
 * `{ users(first: 20) { edges { node { id plan status churnScore { probability riskLevel } } } } }`.
 * PostGraphile's ids are the bigint as a string, as ours are.
 */
export const POSTGRAPHILE_PAGE_QUERY =
  '{ allUsers(first: 20, orderBy: PRIMARY_KEY_ASC) { nodes { id plan status userRiskByUserId { probability riskLevel } } } }';

export interface PostGraphilePeer {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:40123/graphql (POST JSON, no auth). */
  url: string;
  /** POSTGRAPHILE_PAGE_QUERY. */
  query: string;
  /** The peer's process, for its pid (CPU accounting). */
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the built peer (dist/bench/postgraphile-peer-server.js: run `npm run build` first) on a free
 * port and resolves once its schema is built and it listens.
 */
export async function startPostGraphilePeer(
  databaseUrl: string,
  timeoutMs = 60_000,
): Promise<PostGraphilePeer> {
  const child = spawn(process.execPath, [SERVER_SCRIPT], {
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let onExit: ((code: number | null) => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /PostGraphile (http:\/\/\S+\/graphql)/.exec(out);
        if (m) resolve(m[1]);
      });
      onExit = (code) => reject(new Error(`postgraphile peer exited with ${code}: ${out}`));
      child.once('exit', onExit);
      timer = setTimeout(
        () => reject(new Error(`postgraphile peer not listening after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    return { url, query: POSTGRAPHILE_PAGE_QUERY, child, stop: () => stopChild(child) };
  } catch (err) {
    await stopChild(child);
    throw err;
  } finally {
    clearTimeout(timer);
    if (onExit) child.off('exit', onExit);
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    // It ends its pool on SIGTERM; a peer stuck there must not hang the bench.
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
