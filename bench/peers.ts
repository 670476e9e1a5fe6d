/**
 * `npm run bench:peers`: our churn models beside the best peers that run here, on the same rows.
 *
 * Peers: scikit-learn's logistic regression, gradient boosting and histogram gradient boosting, and
 * XGBoost when installed, from Debian's python3 packages (`apt-get install -y python3-sklearn
 * python3-xgboost`), run by bench/peers/sklearn_peers.py. Without python3 and scikit-learn the peers
 * are skipped with a message and only our figures are printed.
 *
 * 1. Telco table: the same 5 stratified folds `churn evaluate-table` cross-validates on, and the
 *    same 5 repeated 70/30 held-out splits as `evaluate-table --repeats 5`; ROC-AUC and Brier per
 *    split, mean ± sd.
 * 2. The synthetic world (default: 5,000 × 180 days, seed 42): the training pipeline's rows exported
 *    row for row (the project's own features, training snapshots → evaluation half of the validation
 *    snapshot); the peers fit on the training rows and score the evaluation half our models are
 *    reported on. Then the same peers again with four more columns: the posterior of the world's
 *    latent engagement from a particle filter that knows the simulator's dynamics
 *    (bench/peers-engagement-filter.ts), the most an engagement feature built from viewing could
 *    know, to show how much of the gap to the oracle such knowledge closes.
 *
 * Writes bench/results/peers.json. Flags: --quick (3 folds, 2 repeats, a 1,500 × 120 world),
 * --users N (world size), --skip-world, --skip-telco.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedWorld } from '../seeds';
import { startOfTodayUtc } from '../src/common/dates';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/app/config';
import { createDataSource } from '../src/db/data-source';
import {
  decodeCsvBytes,
  ensureBackend,
  evaluateTable,
  inferTableSchema,
  parseCsv,
  rocAuc,
  brierScore,
  stratifiedKFold,
  stratifiedSplit,
  tableToData,
  type FeatureMatrix,
} from '../src/ml';
import {
  CATEGORICAL_FEATURES,
  NUMERIC_FEATURES,
} from '../src/modules/features/feature-definitions';
import { toFeatureMatrix } from '../src/modules/features/feature-matrix';
import type { LabelledFeatureRow } from '../src/modules/features/feature.service';
import { splitValidation } from '../src/modules/training/training-sets';
import { createAppPubSub } from '../src/pubsub/pubsub';
import { createServices } from '../src/app/services';
import { engagementFilter, epochDay, FILTER_COLUMNS } from './peers-engagement-filter';
import { benchPool, createBenchDatabase, numberFlag, ROOT, table, writeResults } from './support';

const QUICK = process.argv.includes('--quick');
const FOLDS = QUICK ? 3 : 5;
const REPEATS = QUICK ? 2 : 5;
const HOLDOUT = 0.3;
const SEED = 42;
const TELCO_CSV = path.join(ROOT, '..', 'shared', 'data', 'telco', 'telco-train.csv');
const PEERS_PY = path.join(ROOT, 'bench', 'peers', 'sklearn_peers.py');

const say = (message: string) => process.stderr.write(`\nbench:peers: ${message}\n`);
const print = (text: string) => process.stdout.write(`\n${text}\n`);
const f4 = (n: number) => (Number.isFinite(n) ? n.toFixed(4) : '—');

interface Task {
  name: string;
  train: string;
  test: string;
  target: string;
  numeric: string[];
  categorical: string[];
}
type PeerResults = Record<string, Record<string, { auc: number; brier: number; seconds: number }>>;
/** Per model: AUC and Brier per split. */
type Scores = Map<string, { auc: number[]; brier: number[] }>;

/** A python3 with scikit-learn (Debian's first), or null. */
function findPython(): string | null {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(candidate, ['-c', 'import sklearn, numpy'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  return null;
}

function runPeers(
  python: string,
  tasks: Task[],
  dir: string,
): { versions: unknown; results: PeerResults } {
  const job = path.join(dir, 'job.json');
  fs.writeFileSync(job, JSON.stringify({ seed: SEED, tasks }));
  const r = spawnSync(python, [PEERS_PY, job], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`the peers failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Rows of a feature matrix and labels as CSV (numeric blanks for missing values). */
function writeCsv(
  file: string,
  features: FeatureMatrix,
  labels: ArrayLike<number>,
  rows: readonly number[],
): void {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [
    [...features.numericNames, ...features.categoricalNames, 'label'].map(quote).join(','),
  ];
  for (const i of rows) {
    const nums = Array.from(features.numeric[i], (v) =>
      v !== null && Number.isFinite(v) ? String(v) : '',
    );
    lines.push([...nums, ...features.categorical[i].map(quote), String(labels[i])].join(','));
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

function add(scores: Scores, model: string, auc: number, brier: number): void {
  const s = scores.get(model) ?? { auc: [], brier: [] };
  s.auc.push(auc);
  s.brier.push(brier);
  scores.set(model, s);
}

function addPeers(scores: Scores, results: PeerResults, tasks: string[]): void {
  for (const task of tasks)
    for (const [model, r] of Object.entries(results[task])) add(scores, model, r.auc, r.brier);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) =>
  Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));

function scoreTable(scores: Scores): Record<string, string>[] {
  return [...scores.entries()]
    .sort((a, b) => mean(b[1].auc) - mean(a[1].auc))
    .map(([model, s]) => ({
      model,
      'ROC-AUC (mean ± sd)': `${f4(mean(s.auc))} ± ${f4(sd(s.auc))}`,
      'Brier (mean ± sd)': `${f4(mean(s.brier))} ± ${f4(sd(s.brier))}`,
      'per split AUC': s.auc.map(f4).join(' '),
    }));
}

function summarise(
  scores: Scores,
): Record<string, { auc: number; auc_sd: number; brier: number; brier_sd: number }> {
  return Object.fromEntries(
    [...scores].map(([m, s]) => [
      m,
      { auc: mean(s.auc), auc_sd: sd(s.auc), brier: mean(s.brier), brier_sd: sd(s.brier) },
    ]),
  );
}

async function telco(python: string | null, dir: string): Promise<Record<string, unknown> | null> {
  if (!fs.existsSync(TELCO_CSV)) {
    say(`${TELCO_CSV} not found: skipping the Telco section`);
    return null;
  }
  const csv = decodeCsvBytes(fs.readFileSync(TELCO_CSV));
  const parsed = parseCsv(csv);
  const schema = inferTableSchema(parsed, { target: 'Churn' });
  const data = tableToData(parsed, schema, { requireTarget: true, fileLabel: 'the Telco file' });
  const labels = data.labels!.map((y) => y as number);

  say(
    `Telco: ${FOLDS}-fold cross-validation, then ${REPEATS} × ${HOLDOUT * 100}% held-out splits (ours)`,
  );
  const cv = await evaluateTable({ trainCsv: csv, target: 'Churn', seed: SEED, folds: FOLDS });
  const cvScores: Scores = new Map();
  for (let f = 0; f < FOLDS; f++) {
    const rows = cv.predictions.filter((p) => p.fold === f);
    for (const m of ['logistic-regression', 'deep-churn', 'ensemble'] as const) {
      const probs = rows.map((p) => p.probabilities[m]);
      const ys = rows.map((p) => p.label as number);
      add(cvScores, `ours: ${m}`, rocAuc(probs, ys), brierScore(probs, ys));
    }
  }
  const repeated = await evaluateTable({
    trainCsv: csv,
    target: 'Churn',
    seed: SEED,
    repeats: REPEATS,
    holdout: HOLDOUT,
  });
  const repScores: Scores = new Map();
  for (const m of repeated.repeated!.models) {
    if (m.model === 'prior' || m.model === 'best-single-feature') continue;
    m.rocAuc.values.forEach((auc, r) => add(repScores, `ours: ${m.model}`, auc, m.brier.values[r]));
  }

  let versions: unknown = null;
  if (python) {
    say('Telco: the peers on the same folds and splits');
    const tasks: Task[] = [];
    const task = (name: string, train: number[], test: number[]): Task => {
      const t = {
        name,
        train: path.join(dir, `${name}-train.csv`),
        test: path.join(dir, `${name}-test.csv`),
        target: 'label',
        numeric: schema.numeric,
        categorical: schema.categorical,
      };
      writeCsv(t.train, data.features, labels, train);
      writeCsv(t.test, data.features, labels, test);
      return t;
    };
    stratifiedKFold(labels, FOLDS, SEED).forEach((s, f) =>
      tasks.push(task(`fold${f}`, s.train, s.test)),
    );
    for (let r = 0; r < REPEATS; r++) {
      const s = stratifiedSplit(labels, HOLDOUT, SEED + 7919 * (r + 1));
      tasks.push(task(`repeat${r}`, s.train, s.test));
    }
    const peers = runPeers(python, tasks, dir);
    versions = peers.versions;
    addPeers(
      cvScores,
      peers.results,
      tasks.filter((t) => t.name.startsWith('fold')).map((t) => t.name),
    );
    addPeers(
      repScores,
      peers.results,
      tasks.filter((t) => t.name.startsWith('repeat')).map((t) => t.name),
    );
  }
  print(
    `Telco, ${FOLDS}-fold cross-validation (the folds of \`churn evaluate-table\`):\n${table(scoreTable(cvScores))}`,
  );
  print(
    `Telco, ${REPEATS} repeated ${HOLDOUT * 100}% held-out splits (those of \`evaluate-table --repeats ${REPEATS}\`):\n${table(scoreTable(repScores))}`,
  );
  return {
    folds: FOLDS,
    repeats: REPEATS,
    holdout: HOLDOUT,
    peer_versions: versions,
    cross_validation: summarise(cvScores),
    repeated_holdout: summarise(repScores),
  };
}

async function world(python: string | null, dir: string): Promise<Record<string, unknown>> {
  const users = numberFlag('bench:peers', 'users', QUICK ? 1500 : 5000);
  const days = QUICK ? 120 : 180;
  const db = await createBenchDatabase();
  const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-bench-peers-'));
  const pool = benchPool(db.url, 2);
  const dataSource = createDataSource({ url: db.url });
  try {
    say(`world: seeding ${users} subscribers × ${days} days (seed ${SEED}), training our models`);
    await seedWorld(pool, { users, days, seed: SEED, end: startOfTodayUtc() }, { silent: true });
    await dataSource.initialize();
    const config = loadConfig({ ...process.env, DATABASE_URL: db.url, MODEL_DIR: modelDir });
    const services = createServices(dataSource, createAppPubSub(), config, createLogger('warn'));
    await services.features.rebuildAll();
    const summary = await services.training.trainNow(
      { seed: SEED, force: true, maxEpochs: QUICK ? 8 : 40, withSequence: true, rescore: false },
      { step: (m) => process.stderr.write(`train: ${m}\n`), epoch: () => undefined },
    );
    const scores: Scores = new Map();
    for (const c of summary.candidates) add(scores, `ours: ${c.name}`, c.rocAuc, c.brier);
    add(scores, `ours: ${summary.baseline.name}`, summary.baseline.rocAuc, summary.baseline.brier);

    let versions: unknown = null;
    if (python) {
      // The very rows the pipeline trained and evaluated on, feature for feature.
      const plan = summary.plan;
      const trainRows: LabelledFeatureRow[] = [];
      const trainDays: number[] = [];
      for (const t of plan.train) {
        const rows = await services.features.batchAt(t, plan.horizonDays);
        trainRows.push(...rows);
        trainDays.push(...rows.map(() => epochDay(t)));
      }
      const valRows = await services.features.batchAt(plan.validation, plan.horizonDays);
      const { evalIdx } = splitValidation(valRows);
      const evalRows = evalIdx.map((i) => valRows[i]);
      const evalDays = evalRows.map(() => epochDay(plan.validation));
      const write = (file: string, rows: LabelledFeatureRow[], features = toFeatureMatrix(rows)) =>
        writeCsv(
          file,
          features,
          rows.map((r) => r.label),
          rows.map((_, i) => i),
        );
      const task: Task = {
        name: 'world',
        train: path.join(dir, 'world-train.csv'),
        test: path.join(dir, 'world-eval.csv'),
        target: 'label',
        numeric: [...NUMERIC_FEATURES],
        categorical: [...CATEGORICAL_FEATURES],
      };
      write(task.train, trainRows);
      write(task.test, evalRows);
      say(
        `world: the peers on ${trainRows.length} training rows → ${evalRows.length} evaluation rows`,
      );
      // The same rows with the world's latent engagement as well as the sittings reveal it.
      const posterior = await engagementFilter(
        pool,
        python,
        dir,
        [...plan.train, plan.validation],
        say,
      );
      const withPosterior = (rows: LabelledFeatureRow[], days: number[]): FeatureMatrix => {
        const m = toFeatureMatrix(rows);
        const missing = FILTER_COLUMNS.map(() => null);
        return {
          ...m,
          numeric: m.numeric.map((r, i) => [
            ...Array.from(r),
            ...(posterior.get(`${rows[i].userId}|${days[i]}`) ?? missing),
          ]),
          numericNames: [...m.numericNames, ...FILTER_COLUMNS],
        };
      };
      const filtered: Task = {
        ...task,
        name: 'world-filter',
        train: path.join(dir, 'world-filter-train.csv'),
        test: path.join(dir, 'world-filter-eval.csv'),
        numeric: [...NUMERIC_FEATURES, ...FILTER_COLUMNS],
      };
      write(filtered.train, trainRows, withPosterior(trainRows, trainDays));
      write(filtered.test, evalRows, withPosterior(evalRows, evalDays));
      const peers = runPeers(python, [task, filtered], dir);
      versions = peers.versions;
      addPeers(scores, peers.results, ['world']);
      for (const [model, r] of Object.entries(peers.results['world-filter']))
        add(scores, `${model} + engagement filter`, r.auc, r.brier);
    }
    print(
      `World (${users} × ${days}, seed ${SEED}): evaluation half of the ${summary.plan.validation.toISOString().slice(0, 10)} snapshot, ` +
        `${summary.baseline.n} subscribers, ${summary.baseline.positives} churners; oracle AUC ${f4(summary.oracleAuc ?? NaN)}:\n` +
        table(scoreTable(scores).map(({ 'per split AUC': _drop, ...rest }) => rest)),
    );
    return {
      users,
      days,
      evaluation_rows: summary.baseline.n,
      churners: summary.baseline.positives,
      oracle_auc: summary.oracleAuc,
      peer_versions: versions,
      models: summarise(scores),
    };
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await pool.end();
    await db.drop();
    fs.rmSync(modelDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  await ensureBackend();
  const python = findPython();
  if (!python) {
    say(
      'python3 with scikit-learn was not found: the peers are skipped (install them with `apt-get install -y python3-sklearn python3-xgboost`)',
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-peers-'));
  try {
    const telcoResults = process.argv.includes('--skip-telco') ? null : await telco(python, dir);
    const worldResults = process.argv.includes('--skip-world') ? null : await world(python, dir);
    const file = writeResults('peers', {
      settings: { quick: QUICK, seed: SEED, python, peers: python !== null },
      total_seconds: Math.round((performance.now() - started) / 100) / 10,
      telco: telcoResults,
      world: worldResults,
    });
    print(`written to ${file}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench:peers failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
