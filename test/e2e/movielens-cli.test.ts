/**
 * The MovieLens commands of the built CLI on small files in both public layouts that the test writes
 * itself (MovieLens is never part of this repository): import into a real database (Latin-1 titles,
 * quoted CSV titles), refusing a populated database, offline evaluation of a folder, and clear
 * messages with exit code 2 for bad input.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ML_100K_GENRES } from '../../seeds/movielens';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const CLI = path.join(__dirname, '..', '..', 'dist', 'src', 'cli.js');
let db: TestDatabase;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-movielens-'));
const ml100k = path.join(root, 'ml-100k');
const mlLatest = path.join(root, 'ml-latest-small');

function writeFolders(): void {
  fs.mkdirSync(ml100k);
  fs.mkdirSync(mlLatest);
  const genres = ML_100K_GENRES;
  fs.writeFileSync(
    path.join(ml100k, 'u.genre'),
    genres.map((g, i) => `${g}|${i}`).join('\n') + '\n',
  );
  const items: Buffer[] = [];
  for (let i = 1; i <= 40; i++) {
    const flags = genres.map((_, g) => (g === 1 + (i % 6) || g === 8 ? '1' : '0')).join('|');
    const name = i === 1 ? 'Misérables, Les (1995)' : `Movie ${i} (199${i % 10})`;
    items.push(
      Buffer.from(`${i}|${name}|01-Jan-1995||http://example.org/${i}|${flags}\n`, 'latin1'),
    );
  }
  fs.writeFileSync(path.join(ml100k, 'u.item'), Buffer.concat(items));
  const ratings: string[] = [];
  const csv: string[] = ['userId,movieId,rating,timestamp'];
  let s = 5;
  const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
  for (let u = 1; u <= 30; u++) {
    for (let i = 1; i <= 40; i++) {
      // Each user likes one of two halves of the catalogue.
      if (rand() < (i % 2 === u % 2 ? 0.6 : 0.15)) {
        const stars = 1 + Math.floor(rand() * 5);
        const ts = 880_000_000 + u * 1000 + i * 37;
        ratings.push(`${u}\t${i}\t${stars}\t${ts}`);
        csv.push(`${u},${i},${stars}.0,${ts}`);
      }
    }
  }
  fs.writeFileSync(path.join(ml100k, 'u.data'), ratings.join('\n') + '\n');
  fs.writeFileSync(path.join(mlLatest, 'ratings.csv'), csv.join('\n') + '\n');
  const movies = ['movieId,title,genres'];
  for (let i = 1; i <= 40; i++) {
    movies.push(
      i === 2
        ? `2,"Good, the Bad and the Ugly, The (1966)",Western`
        : `${i},Movie ${i} (1999),Drama|Comedy`,
    );
  }
  fs.writeFileSync(path.join(mlLatest, 'movies.csv'), movies.join('\n') + '\n');
}

function churn(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      MODEL_DIR: path.join(root, 'models'),
    },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  db = await createTestDatabase();
  writeFolders();
});

afterAll(async () => {
  await db?.drop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('churn import-movielens and evaluate-recs', () => {
  it('imports the ml-100k layout, Latin-1 titles included', async () => {
    const r = churn(['import-movielens', ml100k]);
    expect(r.stderr).toMatch(
      /import-movielens: done in .* — 30 subscribers, 40 titles, \d+ viewing events/,
    );
    expect(r.status).toBe(0);
    const [row] = await db.dataSource.query(`SELECT
      (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM titles) AS titles,
      (SELECT count(*)::int FROM user_feature_state) AS features,
      (SELECT name FROM titles ORDER BY id LIMIT 1) AS first_title,
      (SELECT max(started_at) < now() FROM viewing_events) AS in_the_past,
      (SELECT max(started_at) > now() - interval '3 days' FROM viewing_events) AS recent`);
    expect(row).toMatchObject({
      users: 30,
      titles: 40,
      features: 30,
      first_title: 'Misérables, Les',
      in_the_past: true,
      recent: true,
    });
    const [{ good }] = await db.dataSource.query(
      `SELECT bool_and(completion BETWEEN 0 AND 1 AND rating BETWEEN 1 AND 5) AS good FROM viewing_events`,
    );
    expect(good).toBe(true);
  });

  it('refuses a populated database without --replace, and replaces with it (ml-latest layout)', async () => {
    const refused = churn(['import-movielens', mlLatest]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/already holds 30 subscribers/);
    const r = churn(['import-movielens', mlLatest, '--replace']);
    expect(r.status).toBe(0);
    const [{ name }] = await db.dataSource.query(
      `SELECT name FROM titles ORDER BY id OFFSET 1 LIMIT 1`,
    );
    expect(name).toBe('Good, the Bad and the Ugly, The');
  });

  it('evaluates a MovieLens folder on both protocols beside the baselines', () => {
    const r = churn(['evaluate-recs', '--movielens', ml100k, '--epochs', '2']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\(a\) per-user 75\/25 split/);
    expect(r.stdout).toMatch(/\(b\) leave-latest-out, 100 sampled negatives/);
    for (const model of ['top-pop', 'item-knn', 'collaborative', 'hybrid'])
      expect(r.stdout).toContain(model);
  });

  it('says what is wrong with a bad folder, with exit code 2', () => {
    const missing = churn(['import-movielens', path.join(root, 'nope')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/is not a folder/);
    const empty = fs.mkdtempSync(path.join(root, 'empty-'));
    const wrong = churn(['evaluate-recs', '--movielens', empty]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/neither the ml-100k layout/);
  });
});
