/**
 * `npm run bench:why`: explanations and segments. On a seeded world with trained models:
 *
 *  - explanation latency per user, p50/p99, for each path: stored with the score (read back through
 *    the service, the path User.explanation takes), on-demand linear (exact), on-demand DeepLIFT
 *    (the deep MLP), and KernelSHAP (the model-agnostic fallback);
 *  - segmentation of 100,000 subscribers (behaviour rows of the world's snapshot, resampled to 100k)
 *    including k selection, and a whole `churn segment` run on the world;
 *  - whether the top global features match the simulator's true hazard drivers: Spearman rank
 *    correlation between each observable driver's impact and the importance of the feature that
 *    measures it, for mean |attribution| and for permutation importance.
 *
 * Prints the figures and writes bench/results/why.json. Flags: --users N (default 6000), --samples N
 * (users timed per path, default 300), --segment-rows N (default 100000).
 */
import 'reflect-metadata';
import { Pool } from 'pg';
import { seedWorld } from '../seeds';
import { startOfTodayUtc } from '../src/common/dates';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/app/config';
import { createDataSource } from '../src/db/data-source';
import { ensureFeatures } from '../src/app/ensure-model';
import { createRng, kernelShap, segmentUsers, type Explanation } from '../src/ml';
import { toFeatureMatrix } from '../src/modules/features/feature-matrix';
import {
  SEGMENT_DESCRIPTORS,
  SEGMENT_FEATURES,
  segmentInput,
} from '../src/modules/segments/segment-features';
import { createAppPubSub } from '../src/pubsub/pubsub';
import { createServices } from '../src/app/services';
import {
  createBenchDatabase,
  latencyStats as stats,
  numberFlag,
  table,
  writeResults,
} from './support';

const flag = (name: string, fallback: number) => numberFlag('bench:why', name, fallback);
const USERS = flag('users', 6000);
const SAMPLES = flag('samples', 300);
const SEGMENT_ROWS = flag('segment-rows', 100000);

/**
 * Each observable driver of the simulator's hazard (seeds/README.md) and the features that measure
 * it. Features of one family are strongly correlated (a model may lean on any of them), so the
 * comparison is made per family: the sum of its features' importances against the driver's impact.
 */
const DRIVER_FAMILIES: Record<string, { drivers: string[]; features: string[] }> = {
  recency: {
    drivers: ['weeks_since_last_view'],
    features: [
      'days_since_last_view',
      'sessions_7d',
      'sessions_30d',
      'views_decayed_7d',
      'views_decayed_90d',
      'watch_minutes_7d',
      'watch_minutes_30d',
      'active_days_30d',
      'binge_days_30d',
    ],
  },
  decline: {
    drivers: ['watch_time_decline_14d'],
    features: ['watch_trend_14d', 'watch_decline_14d'],
  },
  completion: {
    drivers: ['low_completion_14d'],
    features: ['mean_completion_14d', 'mean_completion_30d', 'abandoned_share_30d'],
  },
  exhaustion: { drivers: ['genre_exhaustion'], features: ['genre_exhaustion', 'genre_entropy'] },
  payment: {
    drivers: ['recent_payment_failure'],
    features: ['payment_failures_90d', 'days_since_payment_failure'],
  },
  price: {
    drivers: ['recent_price_increase'],
    features: ['price_increases_90d', 'days_since_price_increase'],
  },
  tenure: { drivers: ['new_subscriber'], features: ['tenure_days'] },
  plan: { drivers: ['plan_basic', 'plan_premium'], features: ['plan', 'monthly_fee'] },
};

/** Spearman's rho with average ranks for ties. */
function spearman(a: number[], b: number[]): number {
  const rank = (v: number[]) => {
    const order = v.map((x, i) => ({ x, i })).sort((p, q) => p.x - q.x);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && order[j + 1].x === order[i].x) j++;
      for (let k = i; k <= j; k++) r[order[k].i] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

async function timeEach(ids: string[], fn: (id: string) => Promise<unknown>): Promise<number[]> {
  await fn(ids[0]); // warm-up
  const out: number[] = [];
  for (const id of ids) {
    const t0 = performance.now();
    await fn(id);
    out.push(performance.now() - t0);
  }
  return out;
}

/**
 * How the served deep-model explanations compare with integrated gradients at 1,024 steps on the same
 * rows: the share naming the same strongest feature, the share of shared top-three features, and the
 * mean Spearman correlation of the contributions.
 */
function methodAgreement(
  served: readonly Explanation[],
  ig: readonly Explanation[],
): { rows: number; sameTopFeature: number; topThreeOverlap: number; meanSpearman: number } {
  const order = (c: number[]) =>
    c
      .map((v, k) => [Math.abs(v), k] as const)
      .sort((a, b) => b[0] - a[0])
      .map(([, k]) => k);
  let same = 0;
  let overlap = 0;
  let rho = 0;
  served.forEach((e, i) => {
    const a = order(e.contributions);
    const b = order(ig[i].contributions);
    if (a[0] === b[0]) same++;
    overlap += a.slice(0, 3).filter((k) => b.slice(0, 3).includes(k)).length / 3;
    rho += spearman(e.contributions, ig[i].contributions);
  });
  const n = Math.max(1, served.length);
  const r = (x: number) => Math.round((1000 * x) / n) / 1000;
  return {
    rows: served.length,
    sameTopFeature: r(same),
    topThreeOverlap: r(overlap),
    meanSpearman: r(rho),
  };
}

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const pool = new Pool({ connectionString: db.url, max: 4 });
  const ds = createDataSource({ url: db.url });
  try {
    await seedWorld(pool, { users: USERS, days: 150, seed: 42, end: startOfTodayUtc() });
    await ds.initialize();
    const config = loadConfig({
      MODEL_DIR: `${require('node:os').tmpdir()}/churn-bench-why-${process.pid}`,
      NODE_ENV: 'production',
    });
    const logger = createLogger('warn');
    const services = createServices(ds, createAppPubSub(), config, logger);
    await ensureFeatures(services, logger);
    process.stderr.write(
      'bench:why: training (as `churn train`; also scores, explains and segments everyone)\n',
    );
    const summary = await services.training.trainNow(
      { seed: 42, maxEpochs: 15, withSequence: true, force: true },
      { step: (m) => process.stderr.write(`  ${m}\n`), epoch: () => undefined },
    );
    const versions = await services.registry.list();
    const linear = versions.find((v) => v.kind === 'logistic-regression')!;
    // The MLP when training kept one (its explanations are DeepLIFT), else the sequence network.
    const deep =
      versions.find((v) => v.kind === 'deep-churn' && !v.metadata.sequence) ??
      versions.find((v) => v.kind === 'deep-churn')!;
    const deepMethod = deep.metadata.sequence ? 'integrated gradients' : 'DeepLIFT';
    const ids: string[] = (
      await ds.query(
        `SELECT id::text FROM users WHERE status = 'ACTIVE' ORDER BY random() LIMIT $1`,
        [SAMPLES],
      )
    ).map((r: { id: string }) => r.id);

    // 1. Explanation latency, one user at a time, each path.
    const latency: Record<string, ReturnType<typeof stats> & { model: string }> = {};
    for (const v of [linear, deep]) {
      await services.registry.activate(v.version);
      await services.scoring.scoreUsers(ids); // their latest scores carry stored attributions
      const name = v.kind === 'deep-churn' ? deepMethod : 'linear (exact)';
      latency[`stored (${name} at scoring)`] = {
        model: v.version,
        ...stats(await timeEach(ids, (id) => services.explanations.explain([id], 5))),
      };
      latency[`on demand, ${name}`] = {
        model: v.version,
        ...stats(await timeEach(ids, (id) => services.explanations.explain([id], 30))),
      };
    }
    // KernelSHAP (the fallback), on the deep model, 2,048 coalitions against the typical subscriber.
    const deepModel = (await services.registry.activeModel())!;
    const reference = await services.explanations.referenceFor(deepModel);
    const some = ids.slice(0, Math.min(40, ids.length));
    const shapRows = await services.features.onlineAt(some);
    const background = toFeatureMatrix(shapRows.slice(0, 1));
    background.numeric[0] = background.numericNames.map((n) => Number(reference.typical[n]));
    background.categorical[0] = background.categoricalNames.map((n) =>
      String(reference.typical[n]),
    );
    const shapMs: number[] = [];
    for (const row of shapRows) {
      const t0 = performance.now();
      kernelShap((m) => deepModel.logits(m), background, toFeatureMatrix([row]), {
        samples: 2048,
        seed: 1,
      });
      shapMs.push(performance.now() - t0);
    }
    latency['on demand, KernelSHAP (2,048 coalitions)'] = {
      model: deepModel.version,
      ...stats(shapMs),
    };
    const agreement = methodAgreement(
      deepModel.explain(toFeatureMatrix(shapRows), reference),
      deepModel.integratedGradients(toFeatureMatrix(shapRows), reference, 1024) ?? [],
    );
    await services.registry.activate(summary.result.winner);

    // 2. Segmentation: 100k resampled behaviour rows (pure), and a whole run on the world.
    const plan = await services.training.plan();
    const snapshotRows = await services.features.batchAt(plan.validation, plan.horizonDays);
    const base = snapshotRows.map((r) => segmentInput(r.values));
    const rng = createRng(9);
    const big = Array.from({ length: SEGMENT_ROWS }, () => base[rng.int(base.length)]);
    process.stderr.write(
      `bench:why: segmenting ${SEGMENT_ROWS} subscribers (k = 2..8 by silhouette)\n`,
    );
    const seg = segmentUsers(big, {
      features: [...SEGMENT_FEATURES],
      seed: 42,
      labels: { descriptors: SEGMENT_DESCRIPTORS, defaultNoun: 'viewers' },
    });
    const segRun = await services.segments.run({ seed: 42 });

    // 3. Top global features against the simulator's drivers.
    const [{ params }] = await ds.query('SELECT params FROM sim.worlds');
    const impacts = new Map(
      (params.hazard.drivers as { name: string; impact: number }[]).map((d) => [d.name, d.impact]),
    );
    const importance = await services.explanations.importance(summary.result.winner);
    const families = Object.entries(DRIVER_FAMILIES).map(([family, f]) => {
      const sum = (list: { feature: string; importance: number }[]) =>
        f.features.reduce(
          (t, name) => t + Math.max(0, list.find((e) => e.feature === name)?.importance ?? 0),
          0,
        );
      return {
        family,
        drivers: f.drivers.join(' + '),
        driverImpact: f.drivers.reduce((t, d) => t + (impacts.get(d) ?? 0), 0),
        meanAbsAttribution: sum(importance.meanAbsAttribution),
        permutation: sum(importance.permutation),
      };
    });
    const truth = families.map((f) => f.driverImpact);
    const rhoAttribution = spearman(
      truth,
      families.map((f) => f.meanAbsAttribution),
    );
    const rhoPermutation = spearman(
      truth,
      families.map((f) => f.permutation),
    );
    // The largest driver of all, latent engagement, is seen only through activity: crediting it to
    // the recency/activity family is the other reasonable reading of the truth.
    const withEngagement = families.map(
      (f) =>
        f.driverImpact + (f.family === 'recency' ? (impacts.get('latent_engagement') ?? 0) : 0),
    );
    const rhoWithEngagement = spearman(
      withEngagement,
      families.map((f) => f.meanAbsAttribution),
    );
    const topFive = importance.meanAbsAttribution.slice(0, 5).map((e) => e.feature);
    const order = (key: 'driverImpact' | 'meanAbsAttribution') =>
      [...families].sort((x, y) => y[key] - x[key]).map((f) => f.family);

    const results = {
      world: { users: USERS, days: 150, activeModel: summary.result.winner },
      explanationLatency: latency,
      servedAgainstIntegratedGradients: {
        model: deepModel.version,
        method: deepMethod,
        ...agreement,
      },
      segmentation: {
        rows: SEGMENT_ROWS,
        features: SEGMENT_FEATURES.length,
        k: seg.k,
        silhouette: seg.silhouette,
        seconds: seg.timings.totalMs / 1000,
        selectKSeconds: seg.timings.selectKMs / 1000,
        labels: seg.segments.map((s) => s.label),
        worldRun: {
          subscribers: segRun.assignedUsers,
          fitted: segRun.fittedUsers,
          k: segRun.k,
          seconds: segRun.seconds,
        },
      },
      drivers: {
        families,
        byTrueImpact: order('driverImpact'),
        byMeanAbsAttribution: order('meanAbsAttribution'),
        spearmanMeanAbsAttribution: rhoAttribution,
        spearmanPermutation: rhoPermutation,
        spearmanMeanAbsAttributionWithLatentEngagementAsRecency: rhoWithEngagement,
        topFiveByAttribution: topFive,
      },
      targets: {
        storedP99Under5Ms: Object.entries(latency)
          .filter(([k]) => k.startsWith('stored'))
          .every(([, v]) => v.p99Ms < 5),
        deepExplanationP99Under50Ms: latency[`on demand, ${deepMethod}`].p99Ms < 50,
        segmentation100kUnder30s: seg.timings.totalMs < 30_000,
      },
    };
    const file = writeResults('why', results);
    const f1 = (x: number) => x.toFixed(2);
    process.stdout.write(
      `\nbench:why (${USERS} subscribers, active model ${summary.result.winner})\n\n` +
        table(
          Object.entries(latency).map(([path, v]) => ({
            'explanation path (one user)': path,
            p50: `${f1(v.p50Ms)} ms`,
            p99: `${f1(v.p99Ms)} ms`,
            users: v.n,
          })),
        ) +
        `\n\n${deepMethod} (served) against integrated gradients at 1,024 steps, ${agreement.rows} subscribers: ` +
        `same strongest feature ${(100 * agreement.sameTopFeature).toFixed(0)}%, top-three overlap ` +
        `${(100 * agreement.topThreeOverlap).toFixed(0)}%, mean Spearman ${agreement.meanSpearman.toFixed(2)}` +
        `\n\nsegmentation of ${SEGMENT_ROWS} subscribers × ${SEGMENT_FEATURES.length} features: ${(seg.timings.totalMs / 1000).toFixed(1)} s ` +
        `(k selection ${(seg.timings.selectKMs / 1000).toFixed(1)} s), k = ${seg.k}, silhouette ${seg.silhouette.toFixed(3)} — target < 30 s: ${seg.timings.totalMs < 30_000 ? 'met' : 'NOT met'}\n` +
        `churn segment on the world: ${segRun.assignedUsers} subscribers placed, k = ${segRun.k}, ${segRun.seconds.toFixed(1)} s\n\n` +
        table(
          families.map((c) => ({
            family: c.family,
            'true driver': c.drivers,
            'driver impact': c.driverImpact.toFixed(3),
            'mean |attr| (sum)': c.meanAbsAttribution.toFixed(3),
            'permutation (sum)': c.permutation.toFixed(4),
          })),
        ) +
        `\n\nSpearman(driver impact, mean |attribution|) over ${families.length} driver families = ${rhoAttribution.toFixed(2)}; ` +
        `with permutation importance ${rhoPermutation.toFixed(2)}; ` +
        `crediting latent engagement to the recency family ${rhoWithEngagement.toFixed(2)}\n` +
        `by true impact: ${order('driverImpact').join(' > ')}\nby the model:   ${order('meanAbsAttribution').join(' > ')}\n` +
        `top five by mean |attribution|: ${topFive.join(', ')}\n\nwritten to ${file}\n`,
    );
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await pool.end();
    await db.drop();
  }
}

main().catch((err) => {
  process.stderr.write(
    `bench:why failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
