/**
 * `npm run bench:recs`: the recommender. On a seeded world of about 1,000,000 viewing events and
 * 10,000 titles:
 *
 *  - training time of the collaborative model (`churn train-recs`) on every event;
 *  - recommendation latency per user through the service User.recommendations calls (history read,
 *    fold-in, four sources, reasons, impressions written), p50/p99, and the same for at-risk users;
 *  - fold-in time: the user's vector from their full history after one more event;
 *
 * and, on a smaller world, the offline metrics of both protocols beside TopPop and item-kNN.
 * Prints the figures and writes bench/results/recs.json.
 * Flags: --users N (default 9600), --days N (180), --titles N (10000), --epochs N (training epochs,
 * default 10), --samples N (users timed, 300), --eval-users N (offline world, 3000).
 */
import 'reflect-metadata';
import os from 'node:os';
import { Pool } from 'pg';
import { seedWorld } from '../seeds';
import { startOfTodayUtc } from '../src/common/dates';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import {
  evaluateModels,
  leaveLatestOutProtocol,
  randomSplitProtocol,
  type EvaluationModelCode,
} from '../src/ml';
import { loadEvaluationData } from '../src/modules/recommendations/evaluation-data';
import { RecommendationSource } from '../src/modules/recommendations/recommendations.service';
import { RiskLevel } from '../src/modules/scoring/risk-levels';
import { createAppPubSub } from '../src/pubsub/pubsub';
import { createServices } from '../src/server/services';
import {
  createBenchDatabase,
  latencyStats as stats,
  numberFlag,
  table,
  writeResults,
} from './support';

const flag = (name: string, fallback: number) => numberFlag('bench:recs', name, fallback);
const USERS = flag('users', 9600);
const DAYS = flag('days', 180);
const TITLES = flag('titles', 10000);
const EPOCHS = flag('epochs', 10);
const SAMPLES = flag('samples', 300);
const EVAL_USERS = flag('eval-users', 3000);

async function world(users: number, days: number, titles: number | undefined) {
  const db = await createBenchDatabase();
  const pool = new Pool({ connectionString: db.url, max: 4 });
  const summary = await seedWorld(pool, { users, days, seed: 42, end: startOfTodayUtc(), titles });
  await pool.end();
  const ds = createDataSource({ url: db.url });
  await ds.initialize();
  const services = createServices(
    ds,
    createAppPubSub(),
    loadConfig({
      MODEL_DIR: `${os.tmpdir()}/churn-bench-recs-${process.pid}-${users}`,
      NODE_ENV: 'production',
    }),
    createLogger('warn'),
  );
  return { db, ds, services, events: summary.viewingEvents };
}

async function main(): Promise<void> {
  // 1. The big world: training, serving latency, fold-in.
  const big = await world(USERS, DAYS, TITLES);
  let serving: Record<string, unknown>;
  try {
    const { ds, services } = big;
    process.stderr.write(
      `bench:recs: training on ${big.events} viewing events, ${EPOCHS} epochs\n`,
    );
    const t0 = performance.now();
    const trained = await services.recommendations.train({ seed: 42, epochs: EPOCHS, factors: 32 });
    const trainSeconds = (performance.now() - t0) / 1000;
    const state = await services.recommendations.current();
    const ids: string[] = (
      await ds.query(
        `SELECT u.id::text FROM users u WHERE u.status = 'ACTIVE' AND EXISTS (SELECT 1 FROM viewing_events e WHERE e.user_id = u.id)
          ORDER BY random() LIMIT $1`,
        [SAMPLES],
      )
    ).map((r: { id: string }) => r.id);
    const time = async (risk: RiskLevel | null) => {
      await services.recommendations.recommend(
        [{ userId: ids[0], risk }],
        10,
        RecommendationSource.HYBRID,
      );
      const ms: number[] = [];
      for (const userId of ids) {
        const s = performance.now();
        await services.recommendations.recommend(
          [{ userId, risk }],
          10,
          RecommendationSource.HYBRID,
        );
        ms.push(performance.now() - s);
      }
      return stats(ms);
    };
    const latency = await time(RiskLevel.LOW);
    const atRisk = await time(RiskLevel.HIGH);

    // Fold-in after one more event, from the full history, item vectors fixed.
    const foldIn = state.parts.collaborative!.foldIn();
    const histories: { title_id: string; completion: number }[][] = [];
    for (const userId of ids.slice(0, 100)) {
      histories.push(
        await ds.query('SELECT title_id::text, completion FROM viewing_events WHERE user_id = $1', [
          userId,
        ]),
      );
    }
    const foldMs: number[] = [];
    let historyLength = 0;
    for (const h of histories) {
      const events = h
        .map((e) => ({ item: state.indexOf.get(e.title_id)!, weight: 0.25 + 0.75 * e.completion }))
        .filter((e) => e.item !== undefined);
      historyLength += events.length;
      for (let rep = 0; rep < 5; rep++) {
        const s = performance.now();
        foldIn.foldIn([...events, { item: (rep * 7919) % state.titles.length, weight: 1 }]);
        foldMs.push(performance.now() - s);
      }
    }
    serving = {
      world: { users: USERS, days: DAYS, titles: state.titles.length, viewingEvents: big.events },
      training: {
        events: trained.interactions,
        users: trained.users,
        epochs: EPOCHS,
        seconds: trainSeconds,
        secondsPerEpoch: trainSeconds / EPOCHS,
        finalLoss: trained.finalLoss,
        version: trained.version,
      },
      latency,
      atRiskLatency: atRisk,
      foldIn: { ...stats(foldMs), meanHistory: historyLength / histories.length },
    };
  } finally {
    await big.ds.destroy();
    await big.db.drop();
  }

  // 2. Offline metrics on a smaller world (each model is fitted twice, once per protocol).
  const small = await world(EVAL_USERS, 120, undefined);
  let offline: Record<string, unknown>;
  try {
    const { interactions, side, description } = await loadEvaluationData(small.ds);
    process.stderr.write(`bench:recs: offline evaluation on ${description}\n`);
    const models: EvaluationModelCode[] = [
      'top-pop',
      'item-knn',
      'content',
      'collaborative-fold-in',
      'hybrid',
    ];
    const options = { seed: 42, bpr: { epochs: 30, seed: 42 } };
    const a = await evaluateModels(
      models,
      randomSplitProtocol(interactions, { seed: 43 }),
      side,
      options,
    );
    const b = await evaluateModels(
      models,
      leaveLatestOutProtocol(interactions, { seed: 44, negatives: 100 }),
      side,
      options,
    );
    offline = {
      data: description,
      randomSplit: a.map((e) => ({ model: e.model, fitSeconds: e.fitMs / 1000, ...e.metrics })),
      leaveLatestOut: b.map((e) => ({ model: e.model, fitSeconds: e.fitMs / 1000, ...e.metrics })),
    };
  } finally {
    await small.ds.destroy();
    await small.db.drop();
  }

  const lat = serving.latency as ReturnType<typeof stats>;
  const fold = serving.foldIn as ReturnType<typeof stats> & { meanHistory: number };
  const training = serving.training as { seconds: number; secondsPerEpoch: number; events: number };
  const results = {
    ...serving,
    offline,
    targets: { latencyP99Under20Ms: lat.p99Ms < 20, foldInUnder2Ms: fold.p99Ms < 2 },
  };
  const file = writeResults('recs', results);
  const f2 = (x: number) => x.toFixed(2);
  const rowsA = (offline.randomSplit as Record<string, number | string>[]).map((r) => ({
    model: r.model,
    'P@10': f2(Number(r.precision)),
    'R@10': f2(Number(r.recall)),
    'NDCG@10': f2(Number(r.ndcg)),
    MAP: f2(Number(r.map)),
    coverage: f2(Number(r.coverage)),
    diversity: f2(Number(r.diversity)),
    novelty: f2(Number(r.novelty)),
  }));
  const rowsB = (offline.leaveLatestOut as Record<string, number | string>[]).map((r) => ({
    model: r.model,
    'HR@10': f2(Number(r.hitRate)),
    'NDCG@10': f2(Number(r.ndcg)),
  }));
  const at = serving.atRiskLatency as ReturnType<typeof stats>;
  process.stdout.write(
    `\nbench:recs (${os.cpus().length} cores)\n\n` +
      table([
        {
          measure: `recommendations, one user (${(serving.world as { titles: number }).titles} titles)`,
          result: `p50 ${f2(lat.p50Ms)} ms, p99 ${f2(lat.p99Ms)} ms`,
          target: `p99 < 20 ms: ${lat.p99Ms < 20 ? 'met' : 'NOT met'}`,
        },
        {
          measure: 'recommendations, at-risk user (re-ranked)',
          result: `p50 ${f2(at.p50Ms)} ms, p99 ${f2(at.p99Ms)} ms`,
          target: '',
        },
        {
          measure: `fold-in after one event (mean history ${fold.meanHistory.toFixed(0)} titles)`,
          result: `p50 ${fold.p50Ms.toFixed(3)} ms, p99 ${fold.p99Ms.toFixed(3)} ms`,
          target: `< 2 ms: ${fold.p99Ms < 2 ? 'met' : 'NOT met'}`,
        },
        {
          measure: `training on ${training.events} viewing events, ${EPOCHS} epochs`,
          result: `${training.seconds.toFixed(1)} s (${training.secondsPerEpoch.toFixed(1)} s per epoch)`,
          target: 'reported',
        },
      ]) +
      `\n\noffline, ${offline.data}\n(a) per-user 75/25\n${table(rowsA)}\n\n(b) leave-latest-out, 100 negatives\n${table(rowsB)}\n\nwritten to ${file}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(
    `bench:recs failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
