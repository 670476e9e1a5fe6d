/**
 * `npm run bench:recs-quality`: the recommender's quality as a client sees it. On a seeded world:
 *
 *  (a) 75/25 per user: the held-out quarter of each subscriber's titles is deleted from the
 *      database, `churn train-recs` trains on the rest, the built service starts, and
 *      `User.recommendations(first: 10, source: S)` is asked over GraphQL for every evaluated
 *      subscriber and every source S; each list is scored against the held-out titles (NDCG@10,
 *      HR@10) and checked for started titles (there must be none).
 *  (b) leave-latest-out: each subscriber's latest title is deleted, the same training, and
 *      `recommendations(first: 10, among: [the latest title + 100 never-touched titles])` says
 *      whether the latest title makes the ten (HR@10, NDCG@10).
 *
 * TopPop and item-kNN are fitted in-process on the same train parts as baselines, and on a seeded
 * world the ceiling is scored beside them: the world's own choice rule with its hidden tastes
 * (recs-choice-oracle.ts). The splits are
 * the offline protocols of `churn evaluate-recs` with the same seeds, so both tools agree.
 * Prints the figures and writes bench/results/recs-quality.json.
 * Flags: --users N (5000), --days N (180), --quick (1,500 subscribers, 120 days), --seed N (42;
 * another seed is a validation world for tuning the recommender without looking at this one, and
 * writes recs-quality-seed<N>.json, which is not committed).
 *
 * MovieLens: `--movielens DIR` takes the world from a MovieLens folder (ml-100k or ml-latest layout)
 * imported with `churn import-movielens`, as an operator would, and writes
 * recs-quality-movielens.json; `--movielens-synthetic` does the same with a folder in the ml-100k
 * layout written from the seeded latent-taste world at MovieLens-100k's size (943 users, 1,682
 * titles; movielens-synthetic.ts), a rehearsal of the path a real copy takes.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { seedWorld } from '../seeds';
import { writeSyntheticMl100k } from './movielens-synthetic';
import { worldChoiceOracle } from './recs-choice-oracle';
import { RecommendationSource } from '../src/modules/recommendations/recommendation-source';
import { startOfTodayUtc } from '../src/common/dates';
import {
  evaluateModel,
  interactionsFromRows,
  leaveLatestOutProtocol,
  measureProtocol,
  MODEL_EVALUATION_DEFAULTS,
  ndcgAtK,
  randomSplitProtocol,
  type EvaluationProtocol,
  type Interactions,
} from '../src/ml';
import {
  benchPool,
  createBenchDatabase,
  numberFlag,
  ROOT,
  startServerProcess,
  table,
  writeResults,
} from './support';

const QUICK = process.argv.includes('--quick');
const USERS = numberFlag('bench:recs-quality', 'users', QUICK ? 1500 : 5000);
const DAYS = numberFlag('bench:recs-quality', 'days', QUICK ? 120 : 180);
const SEED = numberFlag('bench:recs-quality', 'seed', 42);
/** --movielens DIR: the world is that MovieLens folder, imported with `churn import-movielens`. */
const MOVIELENS = (() => {
  const i = process.argv.indexOf('--movielens');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();
const MOVIELENS_SYNTHETIC = process.argv.includes('--movielens-synthetic');
const KEY = 'bench-recs-quality-key-0123456789abcdef';
/** Every list the API serves: the blend, then each source alone. */
const SOURCES = Object.values(RecommendationSource);
/** Subscribers per GraphQL request (aliases; the server allows 15). */
const PER_REQUEST = 10;

interface World {
  pool: Pool;
  url: string;
  drop(): Promise<void>;
  x: Interactions;
  userIds: string[];
  titleIds: string[];
}

const say = (m: string) => process.stderr.write(`bench:recs-quality: ${m}\n`);

/** The MovieLens folder of this run (the synthetic one written once), or null for a seeded world. */
let movieLensFolder: string | null | undefined;
/** The synthetic folder this run wrote (removed at the end), if any. */
let writtenFolder: string | null = null;
function movieLensDir(): string | null {
  if (movieLensFolder !== undefined) return movieLensFolder;
  if (MOVIELENS) return (movieLensFolder = path.resolve(MOVIELENS));
  if (!MOVIELENS_SYNTHETIC) return (movieLensFolder = null);
  movieLensFolder = writtenFolder = fs.mkdtempSync(
    path.join(os.tmpdir(), 'churn-ml100k-synthetic-'),
  );
  const n = writeSyntheticMl100k(writtenFolder, 1);
  say(
    `wrote a synthetic ml-100k folder: ${n.users} users, ${n.titles} titles, ${n.ratings} ratings`,
  );
  return movieLensFolder;
}

/** `churn import-movielens DIR` into the database, as an operator runs it. */
function importMovieLens(url: string, dir: string): void {
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'dist', 'src', 'cli.js'), 'import-movielens', dir],
    { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`import-movielens failed: ${r.stderr}`);
  say(`  ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
}

async function seeded(): Promise<World> {
  const db = await createBenchDatabase();
  const pool = benchPool(db.url, 4);
  const ml = movieLensDir();
  if (ml) importMovieLens(db.url, ml);
  else await seedWorld(pool, { users: USERS, days: DAYS, seed: SEED, end: startOfTodayUtc() });
  const titleIds: string[] = (await pool.query('SELECT id::text FROM titles ORDER BY id')).rows.map(
    (r) => r.id,
  );
  const titleIndex = new Map(titleIds.map((id, i) => [id, i]));
  const events = (
    await pool.query(
      `SELECT user_id::text AS u, title_id::text AS t, completion, extract(epoch FROM started_at)::float8 AS ts
         FROM viewing_events ORDER BY user_id, started_at, id`,
    )
  ).rows;
  const userIndex = new Map<string, number>();
  const rows = events.map((e) => {
    let user = userIndex.get(e.u);
    if (user === undefined) userIndex.set(e.u, (user = userIndex.size));
    return { user, item: titleIndex.get(e.t)!, weight: e.completion, timestamp: e.ts };
  });
  return {
    pool,
    url: db.url,
    drop: async () => {
      await pool.end();
      await db.drop();
    },
    x: interactionsFromRows(rows, userIndex.size, titleIds.length),
    userIds: [...userIndex.keys()],
    titleIds,
  };
}

/** Deletes every event of the held-out (user, title) pairs: what is left is the train part. */
async function keepTrainPart(w: World, heldOut: [number, number][]): Promise<void> {
  await w.pool.query(
    `DELETE FROM viewing_events e USING unnest($1::bigint[], $2::bigint[]) AS h(u, t)
      WHERE e.user_id = h.u AND e.title_id = h.t`,
    [heldOut.map(([u]) => w.userIds[u]), heldOut.map(([, t]) => w.titleIds[t])],
  );
}

/** `churn train-recs` on the database, as an operator runs it. */
function trainRecs(url: string, modelDir: string): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'src', 'cli.js'), 'train-recs'], {
    env: { ...process.env, DATABASE_URL: url, MODEL_DIR: modelDir, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`train-recs failed: ${r.stderr}`);
  return r.stderr.trim().split('\n').at(-1) ?? '';
}

/** Title ids of `recommendations` for many subscribers, PER_REQUEST at a time, 2 requests in flight. */
async function servedLists(
  url: string,
  userIds: readonly string[],
  args: (userId: string) => string,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const chunks: string[][] = [];
  for (let i = 0; i < userIds.length; i += PER_REQUEST)
    chunks.push(userIds.slice(i, i + PER_REQUEST));
  const run = async (chunk: string[]) => {
    const query = `{ ${chunk
      .map((id, k) => `u${k}: user(id: "${id}") { recommendations(${args(id)}) { titleId } }`)
      .join(' ')} }`;
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ query }),
    });
    const body = (await res.json()) as {
      data?: Record<string, { recommendations: { titleId: string }[] }>;
      errors?: unknown[];
    };
    if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
    chunk.forEach((id, k) =>
      out.set(
        id,
        body.data![`u${k}`].recommendations.map((r) => r.titleId),
      ),
    );
  };
  for (let i = 0; i < chunks.length; i += 2) await Promise.all(chunks.slice(i, i + 2).map(run));
  return out;
}

async function withServer<T>(w: World, label: string, fn: (url: string) => Promise<T>): Promise<T> {
  const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-bench-recs-quality-'));
  try {
    say(`${label}: train-recs on the train part`);
    say(`  ${trainRecs(w.url, modelDir)}`);
    const server = await startServerProcess(w.url, {
      NODE_ENV: 'production',
      MODEL_DIR: modelDir,
      API_KEYS: `admin:${KEY}`,
      AUTO_TRAIN: 'false',
    });
    try {
      return await fn(server.url);
    } finally {
      await server.stop();
    }
  } finally {
    fs.rmSync(modelDir, { recursive: true, force: true });
  }
}

async function baselines(p: EvaluationProtocol, w: World): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of ['top-pop', 'item-knn'] as const) {
    const r = (await evaluateModel(m, p)).metrics;
    out[m] = r.ndcg;
    out[`${m}:hr`] = r.hitRate;
  }
  if (movieLensDir() === null) {
    // The ceiling: the seeded world's own choice rule with its hidden tastes.
    const oracle = worldChoiceOracle(
      { users: USERS, days: DAYS, seed: SEED, end: startOfTodayUtc() },
      w.userIds,
      w.titleIds,
    );
    const r = measureProtocol(oracle, p, {}, MODEL_EVALUATION_DEFAULTS);
    out['world-oracle'] = r.ndcg;
    out['world-oracle:hr'] = r.hitRate;
  }
  return out;
}

async function randomSplit(): Promise<Record<string, unknown>> {
  const w = await seeded();
  try {
    const p = randomSplitProtocol(w.x, { seed: 43 });
    say(`(a) 75/25: ${w.x.users.length} events, ${p.users.length} subscribers evaluated`);
    const base = (await baselines(p, w)) as Record<string, number>;
    await keepTrainPart(
      w,
      Array.from(p.users).flatMap((u) => [...p.test[u]].map((t): [number, number] => [u, t])),
    );
    const evaluated = Array.from(p.users, (u) => w.userIds[u]);
    const index = new Map(w.titleIds.map((id, i) => [id, i]));
    const rows: Record<string, number | string>[] = [];
    await withServer(w, '(a)', async (url) => {
      for (const source of SOURCES) {
        const lists = await servedLists(url, evaluated, () => `first: 10, source: ${source}`);
        let ndcg = 0;
        let hits = 0;
        let started = 0;
        p.users.forEach((u) => {
          const ranked = Int32Array.from(lists.get(w.userIds[u])!, (id) => index.get(id)!);
          for (const i of ranked) if (p.trainItems[u].has(i)) started++;
          ndcg += ndcgAtK(ranked, p.test[u], 10);
          if (ranked.some((i) => p.test[u].has(i))) hits++;
        });
        rows.push({
          source,
          ndcg: ndcg / p.users.length,
          hitRate: hits / p.users.length,
          startedTitlesServed: started,
        });
        say(`  ${source}: NDCG@10 ${(ndcg / p.users.length).toFixed(3)}`);
      }
    });
    return { users: p.users.length, served: rows, baselines: base };
  } finally {
    await w.drop();
  }
}

async function leaveLatestOut(): Promise<Record<string, unknown>> {
  const w = await seeded();
  try {
    const p = leaveLatestOutProtocol(w.x, { seed: 44, negatives: 100 });
    say(`(b) leave-latest-out: ${p.cases.length} subscribers`);
    const base = await baselines(p, w);
    await keepTrainPart(
      w,
      p.cases.map((c): [number, number] => [c.user, c.item]),
    );
    const byUser = new Map(p.cases.map((c) => [w.userIds[c.user], c]));
    const rows: Record<string, number | string>[] = [];
    await withServer(w, '(b)', async (url) => {
      for (const source of SOURCES) {
        const lists = await servedLists(url, [...byUser.keys()], (id) => {
          const among = Array.from(byUser.get(id)!.candidates, (i) => `"${w.titleIds[i]}"`);
          return `first: 10, source: ${source}, among: [${among.join(',')}]`;
        });
        let hits = 0;
        let ndcg = 0;
        for (const [id, c] of byUser) {
          const rank = lists.get(id)!.indexOf(w.titleIds[c.item]);
          if (rank >= 0) {
            hits++;
            ndcg += 1 / Math.log2(rank + 2);
          }
        }
        rows.push({ source, hitRate: hits / p.cases.length, ndcg: ndcg / p.cases.length });
        say(`  ${source}: HR@10 ${(hits / p.cases.length).toFixed(3)}`);
      }
    });
    return { users: p.cases.length, served: rows, baselines: base };
  } finally {
    await w.drop();
  }
}

async function main(): Promise<void> {
  const worldName = MOVIELENS
    ? `MovieLens folder ${MOVIELENS}`
    : MOVIELENS_SYNTHETIC
      ? 'a synthetic ml-100k folder (943 users, 1,682 titles)'
      : `${USERS} subscribers, ${DAYS} days, seed ${SEED}`;
  say(`world: ${worldName}, served over GraphQL`);
  const a = (await randomSplit()) as {
    users: number;
    served: { source: string; ndcg: number; hitRate: number; startedTitlesServed: number }[];
    baselines: Record<string, number>;
  };
  const b = (await leaveLatestOut()) as {
    users: number;
    served: { source: string; ndcg: number; hitRate: number }[];
    baselines: Record<string, number>;
  };
  const hybridA = a.served.find((r) => r.source === 'HYBRID')!;
  const bestSingleA = Math.max(...a.served.filter((r) => r.source !== 'HYBRID').map((r) => r.ndcg));
  const hybridB = b.served.find((r) => r.source === 'HYBRID')!;
  const targets = {
    hybridAtLeastBestSingle: hybridA.ndcg >= bestSingleA,
    hybridVsItemKnn: hybridA.ndcg / a.baselines['item-knn'],
    hybridAtLeast115ItemKnn: hybridA.ndcg >= 1.15 * a.baselines['item-knn'],
    hitRateLeaveLatestOut: hybridB.hitRate,
    hitRateAtLeast075: hybridB.hitRate >= 0.75,
    /** The world's own choice rule with its hidden tastes (seeded worlds): the ceiling. */
    oracleHitRateLeaveLatestOut: b.baselines['world-oracle:hr'] ?? null,
    oracleNdcgRandomSplit: a.baselines['world-oracle'] ?? null,
    noStartedTitleServed: a.served.every((r) => r.startedTitlesServed === 0),
  };
  const resultName = MOVIELENS
    ? 'recs-quality-movielens'
    : MOVIELENS_SYNTHETIC
      ? 'recs-quality-ml100k-synthetic'
      : SEED === 42
        ? 'recs-quality'
        : `recs-quality-seed${SEED}`;
  const file = writeResults(resultName, {
    world: MOVIELENS
      ? { movielens: MOVIELENS }
      : MOVIELENS_SYNTHETIC
        ? { movielensSynthetic: { users: 943, titles: 1682, seed: 1 } }
        : { users: USERS, days: DAYS, seed: SEED },
    randomSplit: a,
    leaveLatestOut: b,
    targets,
  });
  const f3 = (x: number) => x.toFixed(3);
  const rowsOut = [
    ...a.served.map((r) => ({
      model: `served ${r.source}`,
      '(a) NDCG@10': f3(r.ndcg),
      '(a) HR@10': f3(r.hitRate),
      '(b) HR@10': f3(b.served.find((x) => x.source === r.source)!.hitRate),
      '(b) NDCG@10': f3(b.served.find((x) => x.source === r.source)!.ndcg),
    })),
    ...(['top-pop', 'item-knn', 'world-oracle'] as const)
      .filter((m) => m in a.baselines)
      .map((m) => ({
        model: m === 'world-oracle' ? "the world's choice rule (oracle)" : `${m} (in-process)`,
        '(a) NDCG@10': f3(a.baselines[m]),
        '(a) HR@10': f3(a.baselines[`${m}:hr`]),
        '(b) HR@10': f3(b.baselines[`${m}:hr`]),
        '(b) NDCG@10': f3(b.baselines[m]),
      })),
  ];
  process.stdout.write(
    `\nbench:recs-quality (${worldName}; (a) ${a.users} subscribers, (b) ${b.users})\n\n` +
      `${table(rowsOut)}\n\n` +
      `HYBRID vs best single source (a): ${f3(hybridA.ndcg)} vs ${f3(bestSingleA)} — ${targets.hybridAtLeastBestSingle ? 'met' : 'NOT met'}\n` +
      `HYBRID vs item-kNN (a): ${targets.hybridVsItemKnn.toFixed(2)}× (target ≥ 1.15: ${targets.hybridAtLeast115ItemKnn ? 'met' : 'NOT met'})\n` +
      `HR@10 leave-latest-out: ${f3(hybridB.hitRate)} (target ≥ 0.75: ${targets.hitRateAtLeast075 ? 'met' : 'NOT met'}` +
      ('world-oracle:hr' in b.baselines
        ? `; the world's own choice rule reaches ${f3(b.baselines['world-oracle:hr'])})\n`
        : ')\n') +
      `started titles among the served lists: ${a.served.reduce((n, r) => n + r.startedTitlesServed, 0)}\n` +
      `\nwritten to ${file}\n`,
  );
}

main()
  .finally(() => {
    if (writtenFolder) fs.rmSync(writtenFolder, { recursive: true, force: true });
  })
  .catch((err) => {
    process.stderr.write(
      `bench:recs-quality failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
