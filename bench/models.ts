/**
 * `npm run bench:models`: how good and how fast the churn models are.
 *
 * 1. Synthetic world (20,000 subscribers, 180 days, seed 42): seed, build online features, run the real
 *    training pipeline, and report each model's ROC-AUC, PR-AUC and Brier beside the naive baseline and
 *    the oracle (the simulator's true probabilities). Target: best model within 0.03 AUC of the oracle.
 * 2. Training time at 100,000 subscribers with the real feature layout. Target: deep model < 60 s.
 * 3. Batch scoring throughput over 100,000 rows (models alone, then the served calibrated models), and
 *    `scoreAll()` end to end on the world, database included. Target: ≥ 100,000 subscribers/s.
 * 4. Telco table, 5-fold cross-validation (evaluateTable). Targets: AUC ≥ 0.84, Brier ≤ 0.14.
 *
 * Every long step shows progress, the world and Telco sections print their tables, and the run ends
 * with a summary table (every target, met or missed) and writes bench/results/models.json.
 * Flags: --users N (world size, default 20000), --skip-telco.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { seedWorld } from '../seeds';
import { createLogger } from '../src/common/logger';
import { createProgress, formatCount } from '../src/common/progress';
import { loadConfig } from '../src/app/config';
import { createDataSource } from '../src/db/data-source';
import { startOfTodayUtc } from '../src/common/dates';
import {
  createRng,
  decodeCsvBytes,
  DeepChurn,
  ensureBackend,
  evaluateTable,
  LogisticRegression,
  permutation,
  type FeatureMatrix,
} from '../src/ml';
import { toFeatureMatrix } from '../src/modules/features/feature-matrix';
import type { LabelledFeatureRow } from '../src/modules/features/feature.service';
import type { EvaluatedScorer } from '../src/modules/model-registry/model-metadata';
import { formatTrainingSummary, streamReporter } from '../src/modules/training/training-report';
import { createAppPubSub } from '../src/pubsub/pubsub';
import { createServices, type Services } from '../src/app/services';
import {
  benchPool,
  bestOf,
  createBenchDatabase,
  numberFlag,
  ROOT,
  table,
  writeResults,
} from './support';

const SEED = 42;
const DAYS = 180;
const MAX_EPOCHS = 40;
const TIMING_ROWS = 100_000;
const TELCO_FOLDS = 5;
const TARGET = {
  oracleGap: 0.03,
  telcoAuc: 0.84,
  telcoBrier: 0.14,
  deepSeconds: 60,
  perSecond: 1e5,
};
const TELCO_CSV = path.join(ROOT, '..', 'shared', 'data', 'telco', 'telco-train.csv');

/** One line of the closing summary (a type alias, so that `table()` accepts it as a record). */
type SummaryRow = { measure: string; value: string; target: string; status: string };

/** What each section hands back: its part of models.json and its lines of the summary. */
interface Section {
  results: Record<string, unknown>;
  summary: SummaryRow[];
}

const say = (message: string) => process.stderr.write(`\nbench:models: ${message}\n`);
const print = (text: string) => process.stdout.write(`\n${text}\n`);
const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;
const f4 = (n: number | null | undefined) =>
  n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(4);
const secondsSince = (fromMs: number) => (performance.now() - fromMs) / 1000;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

// ── 1. synthetic world: the real training pipeline ─────────────────────────────────────────────

async function syntheticWorld(pool: Pool, services: Services, users: number): Promise<Section> {
  say(`seeding the synthetic world: ${users} subscribers, ${DAYS} days, seed ${SEED}`);
  let t0 = performance.now();
  const seeded = await seedWorld(pool, { users, days: DAYS, seed: SEED, end: startOfTodayUtc() });
  const seedSeconds = secondsSince(t0);

  t0 = performance.now();
  const progress = createProgress({ label: 'features', total: users, unit: 'subscribers' });
  progress.done(`${await services.features.rebuildAll(progress)} subscribers`);
  const featureSeconds = secondsSince(t0);

  say('training pipeline: logistic regression, deep MLP, deep MLP + sequence');
  t0 = performance.now();
  // rescore: false, because scoreAll is timed on its own in section 3.
  const summary = await services.training.trainNow(
    { seed: SEED, force: true, maxEpochs: MAX_EPOCHS, withSequence: true, rescore: false },
    streamReporter(),
  );
  const pipelineSeconds = secondsSince(t0);
  print(formatTrainingSummary(summary));

  // Fit times live in the registered versions' metadata; the deep variant not kept has none.
  const fitSeconds = new Map<string, number>();
  for (const version of summary.result.versions) {
    const row = await services.registry.find(version);
    if (row) fitSeconds.set(row.metadata.metrics.model.name, row.metadata.trainingSeconds);
  }
  const { oracleAuc, baseline } = summary;
  const gapOf = (m: EvaluatedScorer) => (oracleAuc === null ? null : oracleAuc - m.rocAuc);
  const scorer = (m: EvaluatedScorer) => ({
    name: m.name,
    roc_auc: round(m.rocAuc),
    pr_auc: round(m.prAuc),
    brier: round(m.brier),
    ece: round(m.ece),
    gap_to_oracle: gapOf(m) === null ? null : round(gapOf(m)!),
    fit_seconds: fitSeconds.has(m.name) ? round(fitSeconds.get(m.name)!, 2) : null,
  });
  const best = summary.candidates.reduce((a, b) => (b.rocAuc > a.rocAuc ? b : a));
  const gap = gapOf(best);

  print(
    `Synthetic world: ${seeded.users} subscribers, ${formatCount(seeded.viewingEvents)} viewing ` +
      `events. Fit seconds (registered models): ` +
      [...fitSeconds].map(([name, s]) => `${name} ${s.toFixed(1)}`).join(', '),
  );
  return {
    results: {
      users: seeded.users,
      viewing_events: seeded.viewingEvents,
      monthly_churn_rate: round(seeded.monthlyChurnRate),
      seed_seconds: round(seedSeconds, 1),
      feature_rebuild_seconds: round(featureSeconds, 1),
      training_pipeline_seconds: round(pipelineSeconds, 1),
      train_snapshots: summary.plan.train.map((t) => t.toISOString().slice(0, 10)),
      validation_snapshot: summary.plan.validation.toISOString().slice(0, 10),
      evaluation_rows: baseline.n,
      evaluation_churners: baseline.positives,
      models: summary.candidates.map(scorer),
      baseline: scorer(baseline),
      oracle_auc: oracleAuc === null ? null : round(oracleAuc),
      best_model: best.name,
      best_gap_to_oracle: gap === null ? null : round(gap),
      target_gap_to_oracle: TARGET.oracleGap,
      activated: summary.result.winner,
    },
    summary: [
      {
        measure: `world: best model ROC-AUC (${best.name})`,
        value: `${f4(best.rocAuc)} (oracle ${f4(oracleAuc)}, baseline ${f4(baseline.rocAuc)})`,
        target: `gap to oracle ≤ ${TARGET.oracleGap}`,
        status: gap === null ? 'no oracle' : `${verdict(gap <= TARGET.oracleGap)} (gap ${f4(gap)})`,
      },
    ],
  };
}

// ── 2. training time at 100,000 subscribers ────────────────────────────────────────────────────

interface TimingData {
  rows: LabelledFeatureRow[];
  features: FeatureMatrix;
  labels: number[];
  validation: { features: FeatureMatrix; labels: number[] };
  /** How the 100,000 rows came about, for the output. */
  provenance: string;
}

/**
 * 100,000 labelled rows in the real feature layout: the world's batch features at the pipeline's
 * training snapshots, every distinct row once, topped up by drawing from them with replacement when
 * there are fewer. Early stopping watches the whole validation snapshot (the pipeline uses half).
 */
async function timingData(services: Services): Promise<TimingData> {
  const plan = await services.training.plan();
  const progress = createProgress({
    label: 'batch features',
    total: plan.train.length + 1,
    unit: 'snapshots',
  });
  const distinct: LabelledFeatureRow[] = [];
  for (const t of plan.train) {
    distinct.push(...(await services.features.batchAt(t, plan.horizonDays)));
    progress.tick();
  }
  const valRows = await services.features.batchAt(plan.validation, plan.horizonDays);
  progress.done(`${distinct.length} training rows, ${valRows.length} validation rows`);

  const rng = createRng(SEED);
  const order = Array.from(permutation(distinct.length, rng));
  const extra = Math.max(0, TIMING_ROWS - distinct.length);
  const picked = [
    ...order.slice(0, TIMING_ROWS),
    ...Array.from({ length: extra }, () => rng.int(distinct.length)),
  ];
  const rows = picked.map((i) => distinct[i]);
  return {
    rows,
    features: toFeatureMatrix(rows),
    labels: rows.map((r) => r.label),
    validation: { features: toFeatureMatrix(valRows), labels: valRows.map((r) => r.label) },
    provenance:
      `${distinct.length} distinct rows from ${plan.train.length} training snapshots` +
      (extra > 0 ? `, plus ${extra} drawn from them with replacement` : '') +
      `; early stopping on the ${valRows.length}-row validation snapshot`,
  };
}

interface FittedModels {
  logistic: LogisticRegression;
  mlp: DeepChurn;
  sequence: DeepChurn;
}

async function fitDeep(data: TimingData, useSequence: boolean, name: string) {
  const progress = createProgress({ label: `fit ${name}`, total: MAX_EPOCHS, unit: 'epochs' });
  const t0 = performance.now();
  const model = await DeepChurn.fit(
    data.features,
    data.labels,
    {
      useSequence,
      seed: SEED,
      epochs: MAX_EPOCHS,
      patience: 5,
      batchSize: 256,
      onEpoch: () => progress.tick(),
    },
    data.validation,
  );
  const seconds = secondsSince(t0);
  const t = model.training;
  progress.done(`${t.epochs} epochs (best ${t.bestEpoch + 1}), val AUC ${t.bestValAuc.toFixed(4)}`);
  const timing = {
    model: name,
    seconds: round(seconds, 2),
    epochs: t.epochs,
    best_epoch: t.bestEpoch + 1,
    validation_auc: round(t.bestValAuc),
  };
  return { model, timing };
}

async function trainingTimes(data: TimingData): Promise<Section & { fitted: FittedModels }> {
  say(`training time on ${formatCount(TIMING_ROWS)} rows: ${data.provenance}`);
  const progress = createProgress({ label: 'fit logistic regression', total: 1, unit: 'fits' });
  const t0 = performance.now();
  const logistic = await LogisticRegression.fit(data.features, data.labels, {
    seed: SEED,
    l2: 1e-3,
  });
  const lr = {
    model: 'logistic regression',
    seconds: round(secondsSince(t0), 2),
    iterations: logistic.training.iterations,
  };
  progress.done(`${lr.iterations} iterations`);
  const mlp = await fitDeep(data, false, 'deep (MLP)');
  const sequence = await fitDeep(data, true, 'deep (MLP + 28-day sequence)');
  const deep = [mlp.timing, sequence.timing];

  return {
    fitted: { logistic, mlp: mlp.model, sequence: sequence.model },
    results: {
      rows: TIMING_ROWS,
      data: data.provenance,
      validation_rows: data.validation.labels.length,
      models: [lr, ...deep],
      target_deep_seconds: TARGET.deepSeconds,
    },
    summary: [
      {
        measure: `train ${formatCount(TIMING_ROWS)}: ${lr.model}`,
        value: `${lr.seconds.toFixed(1)} s, ${lr.iterations} iterations`,
        target: '',
        status: '—',
      },
      ...deep.map((d) => ({
        measure: `train ${formatCount(TIMING_ROWS)}: ${d.model}`,
        value: `${d.seconds.toFixed(1)} s, ${d.epochs} epochs (best ${d.best_epoch})`,
        target: `< ${TARGET.deepSeconds} s`,
        status: verdict(d.seconds < TARGET.deepSeconds),
      })),
    ],
  };
}

// ── 3. batch scoring throughput ────────────────────────────────────────────────────────────────

/** What each throughput figure includes. */
const SCORING_PATHS = {
  model: 'model.predictProba on a feature matrix already in memory (preprocessing included)',
  served: 'a registered version loaded from disk: ChurnModel.predict(toFeatureMatrix(rows))',
  'end-to-end':
    'scoreAll(): read online features, predict, append churn_scores (database included)',
};

function rate(model: string, kind: keyof typeof SCORING_PATHS, rows: number, seconds: number) {
  return { model, path: kind, rows, seconds: round(seconds, 3), per_s: Math.round(rows / seconds) };
}

async function scoringThroughput(
  services: Services,
  data: TimingData,
  fitted: FittedModels,
): Promise<Section> {
  say(`batch scoring over ${formatCount(TIMING_ROWS)} rows`);
  const n = data.labels.length;
  const small = toFeatureMatrix(data.rows.slice(0, 1000));
  const raw: [string, { predictProba(f: FeatureMatrix): Float64Array }][] = [
    ['logistic regression', fitted.logistic],
    ['deep (MLP)', fitted.mlp],
    ['deep (MLP + 28-day sequence)', fitted.sequence],
  ];
  const registered = await services.registry.list();
  const progress = createProgress({
    label: 'scoring',
    total: raw.length + registered.length,
    unit: 'models',
  });
  const rates: ReturnType<typeof rate>[] = [];
  for (const [name, model] of raw) {
    const s = bestOf(
      () => model.predictProba(data.features),
      () => model.predictProba(small),
    );
    rates.push(rate(name, 'model', n, s));
    progress.tick();
  }
  for (const row of registered) {
    const served = await services.registry.load(row.version);
    try {
      const s = bestOf(
        () => served.predict(toFeatureMatrix(data.rows)),
        () => served.predict(small),
      );
      rates.push(rate(served.metadata.metrics.model.name, 'served', n, s));
    } finally {
      served.dispose();
    }
    progress.tick();
  }
  progress.done();

  const active = await services.registry.activeRow();
  say(`scoreAll() end to end with the active model (${active?.version ?? 'none'})`);
  const t0 = performance.now();
  const scored = await services.scoring.scoreAll();
  const all = rate(
    active?.metadata.metrics.model.name ?? '—',
    'end-to-end',
    scored,
    secondsSince(t0),
  );

  return {
    results: {
      models: rates,
      score_all: all,
      paths: SCORING_PATHS,
      target_per_s: TARGET.perSecond,
    },
    summary: [
      ...rates.map((r) => ({
        measure: `score ${formatCount(r.rows)}, ${r.path}: ${r.model}`,
        value: `${formatCount(r.per_s)}/s (${r.seconds.toFixed(2)} s)`,
        target: `≥ ${formatCount(TARGET.perSecond)}/s`,
        status: verdict(r.per_s >= TARGET.perSecond),
      })),
      {
        measure: `score ${formatCount(all.rows)}, end-to-end: ${all.model}`,
        value: `${formatCount(all.per_s)}/s (${all.seconds.toFixed(1)} s)`,
        target: 'reported',
        status: '—',
      },
    ],
  };
}

// ── 4. Telco 5-fold cross-validation ───────────────────────────────────────────────────────────

async function telcoCrossValidation(skip: boolean): Promise<Section> {
  const reason = skip
    ? '--skip-telco'
    : fs.existsSync(TELCO_CSV)
      ? null
      : `${path.relative(ROOT, TELCO_CSV)} not found`;
  if (reason !== null) {
    say(`telco cross-validation skipped: ${reason}`);
    const summary = { measure: 'telco CV', value: `skipped: ${reason}`, target: '', status: '—' };
    return { results: { skipped: reason }, summary: [summary] };
  }
  say(`telco ${TELCO_FOLDS}-fold cross-validation`);
  const progress = createProgress({ label: 'telco CV', total: TELCO_FOLDS, unit: 'folds' });
  const evaluation = await evaluateTable({
    trainCsv: decodeCsvBytes(fs.readFileSync(TELCO_CSV)),
    target: 'Churn',
    id: 'customerID',
    seed: SEED,
    folds: TELCO_FOLDS,
    onProgress: (message) => {
      // "fold k/5" arrives as fold k starts, so k − 1 are finished.
      const m = /^fold (\d+)\//.exec(message);
      if (m) progress.update(Number(m[1]) - 1);
    },
  });
  progress.done(`${evaluation.trainRows} rows, ${evaluation.trainPositives} churners`);

  const models = evaluation.models.map((m) => ({
    model: m.model,
    description: m.description,
    roc_auc: m.metrics && round(m.metrics.rocAuc),
    pr_auc: m.metrics && round(m.metrics.prAuc),
    accuracy: m.metrics && round(m.metrics.accuracy),
    brier: m.metrics && round(m.metrics.brier),
    calibration: m.calibration,
    fit_seconds: round(m.fitMs / 1000, 2),
  }));
  print(
    `Telco ${TELCO_FOLDS}-fold CV (${evaluation.trainRows} rows, out-of-fold metrics):\n` +
      table(
        models.map((m) => ({
          model: m.model,
          AUC: f4(m.roc_auc),
          'PR-AUC': f4(m.pr_auc),
          accuracy: f4(m.accuracy),
          Brier: f4(m.brier),
          'fit s (all folds)': m.fit_seconds.toFixed(1),
        })),
      ),
  );
  const learned = models.filter(
    (m) => m.model === 'logistic-regression' || m.model === 'deep-churn',
  );
  return {
    results: {
      file: path.relative(ROOT, TELCO_CSV),
      rows: evaluation.trainRows,
      churners: evaluation.trainPositives,
      folds: TELCO_FOLDS,
      models,
      best: evaluation.best,
      target_auc: TARGET.telcoAuc,
      target_brier: TARGET.telcoBrier,
      warnings: evaluation.warnings,
    },
    summary: learned.map((m) => ({
      measure: `telco CV: ${m.model}`,
      value: `AUC ${f4(m.roc_auc)}, Brier ${f4(m.brier)}`,
      target: `AUC ≥ ${TARGET.telcoAuc}, Brier ≤ ${TARGET.telcoBrier}`,
      status: verdict((m.roc_auc ?? 0) >= TARGET.telcoAuc && (m.brier ?? 1) <= TARGET.telcoBrier),
    })),
  };
}

// ── run ────────────────────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const users = numberFlag('bench:models', 'users', 20_000);
  const skipTelco = process.argv.includes('--skip-telco');
  const backend = await ensureBackend();
  const cores = os.cpus().length;
  say(`${cores} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), tfjs backend ${backend}`);
  const started = performance.now();

  const db = await createBenchDatabase();
  const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-bench-models-'));
  const pool = benchPool(db.url, 4);
  let dataSource: DataSource | undefined;
  let fitted: FittedModels | undefined;
  try {
    dataSource = createDataSource({ url: db.url });
    await dataSource.initialize();
    const config = loadConfig({ ...process.env, DATABASE_URL: db.url, MODEL_DIR: modelDir });
    const services = createServices(dataSource, createAppPubSub(), config, createLogger('warn'));

    const world = await syntheticWorld(pool, services, users);
    const data = await timingData(services);
    const training = await trainingTimes(data);
    fitted = training.fitted;
    const scoring = await scoringThroughput(services, data, fitted);
    const telco = await telcoCrossValidation(skipTelco);
    const totalSeconds = secondsSince(started);

    const file = writeResults('models', {
      settings: { users, days: DAYS, seed: SEED, max_epochs: MAX_EPOCHS, backend, cores },
      total_seconds: round(totalSeconds, 1),
      world: world.results,
      training_100k: training.results,
      scoring: scoring.results,
      telco: telco.results,
    });
    print(
      `Summary (${cores} cores, ${backend} backend, ${totalSeconds.toFixed(0)} s in all):\n` +
        table([world, training, scoring, telco].flatMap((s) => s.summary)) +
        `\n\nscoring paths (model and served: best of 3 over ${formatCount(TIMING_ROWS)} rows):\n` +
        Object.entries(SCORING_PATHS)
          .map(([k, v]) => `  ${k}: ${v}`)
          .join('\n') +
        `\n\nwritten to ${file}`,
    );
  } finally {
    fitted?.mlp.dispose();
    fitted?.sequence.dispose();
    if (dataSource?.isInitialized) await dataSource.destroy();
    await pool.end();
    await db.drop();
    fs.rmSync(modelDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench:models failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
