/**
 * `npm run bench:survival`: how well the survival models say when subscribers will leave, on the
 * default world (5,000 subscribers, 180 days, seed 42), against the world's truth.
 *
 * 1. Seed the world, build the online features and run the training pipeline (`churn train`: churn
 *    models, then the survival models on the same snapshots); read the survival figures back through
 *    GraphQL (activeSurvivalModel): concordance, integrated Brier (IPCW) and calibration per risk band
 *    on the evaluation half of the validation snapshot, beside the Kaplan–Meier-per-plan baseline.
 * 2. The truth: the world is re-simulated to the validation snapshot and every active subscriber's
 *    future replayed (seeds/world/survival-truth.ts) for their true S(t), t = 1 … 180. The true
 *    curves are scored like a model (the ceiling), and every model's curves are compared with them
 *    over the whole 180 days, most of which no model saw any follow-up for.
 * 3. Lifetime value of the same subscribers from the model's curves and from the true ones.
 * 4. Latency of User.survival + lifetimeValue for a page of 50 subscribers, and of churnOverview's
 *    Kaplan–Meier curves, over HTTP.
 *
 * Writes bench/results/survival.json. Flags: --users N (default 5000), --replays N (truth replays per
 * subscriber, default 16), --quick (1,500 subscribers, 120 days, 4 replays, deep model capped at
 * 6 epochs: under a minute on a quiet machine).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { seedWorld, trueSurvivalCurves } from '../seeds';
import { startApp, type App } from '../src/app/start-app';
import { startOfTodayUtc } from '../src/common/dates';
import { createLogger } from '../src/common/logger';
import { createProgress } from '../src/common/progress';
import { loadConfig } from '../src/app/config';
import {
  evaluateSurvival,
  groupKaplanMeierCurves,
  lifetimeValue,
  meanAbsoluteCurveError,
  restrictedMeanDays,
  tailHazard,
  type SurvivalEvaluation,
} from '../src/ml';
import {
  concatSubjects,
  splitSubjects,
  subjectsAt,
} from '../src/modules/survival/survival-subjects';
import { formatSurvivalSummary } from '../src/modules/training/training-report';
import { createBenchDatabase, latencyStats, numberFlag, table, writeResults } from './support';

const QUICK = process.argv.includes('--quick');
const USERS = numberFlag('bench:survival', 'users', QUICK ? 1500 : 5000);
const REPLAYS = numberFlag('bench:survival', 'replays', QUICK ? 4 : 16);
const DAYS = QUICK ? 120 : 180;
const SEED = 42;
const CURVE_DAYS = 180;

const say = (message: string) => process.stderr.write(`\nbench:survival: ${message}\n`);
const print = (text: string) => process.stdout.write(`\n${text}\n`);
const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;
const f = (n: number, digits = 4) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

async function gql(app: App, query: string): Promise<any> {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

interface CurveSet {
  name: string;
  curves: Float64Array[];
  tails: number[];
}

async function main(): Promise<void> {
  const started = performance.now();
  const db = await createBenchDatabase();
  const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-bench-survival-'));
  const pool = new Pool({ connectionString: db.url, max: 2 });
  let app: App | undefined;
  try {
    const end = startOfTodayUtc();
    const worldOptions = { users: USERS, days: DAYS, seed: SEED, end };
    say(`seeding the world: ${USERS} subscribers, ${DAYS} days, seed ${SEED}`);
    await seedWorld(pool, worldOptions);
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: db.url,
      MODEL_DIR: modelDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
      AUTO_SEED: 'false',
      AUTO_TRAIN: 'false',
      AUTO_TRAIN_RECS: 'false',
      DEFAULT_ROLE: 'admin',
      RESCORE_SWEEP_MS: '0',
    });
    app = await startApp(config, createLogger('warn'));
    const services = app.services;
    const progress = createProgress({ label: 'features', total: USERS, unit: 'subscribers' });
    progress.done(`${await services.features.rebuildAll(progress)} subscribers`);

    say('training pipeline (churn models, then the survival models on the same snapshots)');
    let t0 = performance.now();
    const summary = await services.training.trainNow(
      { seed: SEED, force: true, maxEpochs: QUICK ? 6 : 40, withSequence: false, rescore: true },
      { step: (m) => process.stderr.write(`train: ${m}\n`), epoch: () => undefined },
    );
    const trainSeconds = (performance.now() - t0) / 1000;
    const trained = summary.survival!;
    print(formatSurvivalSummary(trained));

    // 1. The figures as a client reads them.
    const served = (
      await gql(
        app,
        `{ activeSurvivalModel { version variant metrics { name concordance integratedBrier brierAtTau calibrationError tau subjects events }
             baseline { name concordance integratedBrier } compared { name concordance integratedBrier calibrationError } } }`,
      )
    ).activeSurvivalModel;

    // 2. The truth at the validation snapshot, and every curve set on the evaluation half.
    const plan = summary.plan;
    say(
      `replaying every subscriber's future from ${plan.validation.toISOString().slice(0, 10)} (${REPLAYS} replays, ${CURVE_DAYS} days)`,
    );
    t0 = performance.now();
    const replay = createProgress({ label: 'truth', total: USERS, unit: 'subscribers' });
    const truth = trueSurvivalCurves(worldOptions, {
      days: CURVE_DAYS,
      replays: REPLAYS,
      onProgress: (stage, done) => {
        if (stage === 'replay' && done % 100 === 0) replay.tick(100);
      },
    });
    replay.done(`${truth.userIds.length} curves`);
    const truthSeconds = (performance.now() - t0) / 1000;
    if (truth.snapshotSec * 1000 !== plan.validation.getTime()) {
      throw new Error('the truth snapshot is not the validation snapshot');
    }
    const valRows = await services.features.batchAt(plan.validation, plan.horizonDays);
    const { evalSet } = splitSubjects(
      await subjectsAt(app.database.dataSource, plan.validation, plan.end, valRows),
    );
    const trainParts = [];
    for (const t of plan.train) {
      const rows = await services.features.batchAt(t, plan.horizonDays);
      trainParts.push(await subjectsAt(app.database.dataSource, t, plan.validation, rows));
    }
    const train = concatSubjects(trainParts);
    const truthByUser = new Map(truth.userIds.map((u, i) => [String(u), truth.curves[i]]));
    const trueCurves = evalSet.userIds.map((id) => truthByUser.get(id)!);
    if (trueCurves.some((c) => c === undefined)) throw new Error('a subscriber has no true curve');

    const sets: CurveSet[] = [];
    for (const version of trained.versions) {
      const model = await services.survival.model(version);
      const p = model.predict(evalSet.features);
      sets.push({
        name: `discrete-time hazard (${model.variant})${version === served.version ? ' [active]' : ''}`,
        curves: p.curves,
        tails: Array.from(p.tailHazards),
      });
    }
    const kmOf = groupKaplanMeierCurves(train.plans, train.outcomes, CURVE_DAYS);
    const km = evalSet.plans.map(kmOf);
    sets.push({
      name: 'baseline: Kaplan–Meier per plan',
      curves: km,
      tails: km.map((c) => tailHazard(c)),
    });
    sets.push({
      name: 'truth (replayed futures)',
      curves: trueCurves,
      tails: trueCurves.map((c) => tailHazard(c)),
    });

    const tau = trained.tau;
    const fees = new Map(valRows.map((r) => [r.userId, Number(r.values.monthly_fee)]));
    const trueRmst = trueCurves.map((c) => restrictedMeanDays(c, CURVE_DAYS));
    const rows = sets.map((s) => {
      const e: SurvivalEvaluation = evaluateSurvival(s.name, s.curves, evalSet.outcomes, { tau });
      const at = (d: number) =>
        meanAbsoluteCurveError(
          s.curves.map((c) => c.subarray(d - 1, d)),
          trueCurves.map((c) => c.subarray(d - 1, d)),
          1,
        );
      return {
        name: s.name,
        evaluation: e,
        curveError180: meanAbsoluteCurveError(s.curves, trueCurves, CURVE_DAYS),
        errorAt: { 30: at(30), 90: at(90), 180: at(180) },
        meanS180: s.curves.reduce((a, c) => a + c[CURVE_DAYS - 1], 0) / s.curves.length,
        rmstCorrelation: pearson(
          s.curves.map((c) => restrictedMeanDays(c, CURVE_DAYS)),
          trueRmst,
        ),
        meanClv: mean(
          s.curves.map((c, i) => clvOf(c, s.tails[i], fees.get(evalSet.userIds[i]) ?? 0)),
        ),
      };
    });
    print(
      `Evaluation half of the ${plan.validation.toISOString().slice(0, 10)} snapshot: ${evalSet.userIds.length} subscribers, ` +
        `${rows[0].evaluation.events} cancelled within ${tau} days (observed), true curves from ${REPLAYS} replays each.\n` +
        table(
          rows.map((r) => ({
            curves: r.name,
            'C-index': f(r.evaluation.concordance),
            'int. Brier': f(r.evaluation.integratedBrier, 5),
            [`Brier@${tau}`]: f(r.evaluation.brierAtTau, 5),
            'calib. err': f(r.evaluation.calibrationError),
            '|S−S*| 1..180': f(r.curveError180),
            '|S−S*| @30/90/180': `${f(r.errorAt[30], 3)}/${f(r.errorAt[90], 3)}/${f(r.errorAt[180], 3)}`,
            'mean S(180)': f(r.meanS180, 3),
            'r(RMST180)': f(r.rmstCorrelation, 3),
            'mean CLV': f(r.meanClv, 2),
          })),
        ),
    );

    // 4. Latency through the API.
    const ids: string[] = (
      await app.database.dataSource.query(
        `SELECT id::text FROM users WHERE status = 'ACTIVE' ORDER BY id LIMIT 500`,
      )
    ).map((r: { id: string }) => r.id);
    const pageMs: number[] = [];
    for (let k = 0; k + 50 <= ids.length; k += 50) {
      const t = performance.now();
      await gql(
        app,
        `{ users(first: 50, after: null, filter: { status: ACTIVE }) { edges { node { id survival { medianDays expectedRemainingDays curve(days: 30) { survival } } lifetimeValue { clv } } } } }`,
      );
      pageMs.push(performance.now() - t);
    }
    const overviewMs: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      await gql(
        app,
        `{ churnOverview { survivalByPlan(days: 180) { curves { group medianDays } } survivalBySegment(days: 30) { curves { group } } } }`,
      );
      overviewMs.push(performance.now() - t);
    }
    const page = latencyStats(pageMs);
    const overview = latencyStats(overviewMs);
    const totalSeconds = (performance.now() - started) / 1000;

    const summaryRows = [
      {
        measure: 'active survival model (GraphQL)',
        value: `${served.version}: C-index ${f(served.metrics.concordance)}, int. Brier ${f(served.metrics.integratedBrier, 5)}`,
      },
      {
        measure: 'Kaplan–Meier-per-plan baseline (GraphQL)',
        value: `C-index ${f(served.baseline.concordance)}, int. Brier ${f(served.baseline.integratedBrier, 5)}`,
      },
      {
        measure: 'truth on the same subscribers',
        value: `C-index ${f(rows.at(-1)!.evaluation.concordance)}, int. Brier ${f(rows.at(-1)!.evaluation.integratedBrier, 5)}`,
      },
      {
        measure: 'User.survival + lifetimeValue, page of 50',
        value: `p50 ${f(page.p50Ms, 0)} ms, p99 ${f(page.p99Ms, 0)} ms`,
      },
      {
        measure: 'churnOverview Kaplan–Meier (plan + segment)',
        value: `p50 ${f(overview.p50Ms, 0)} ms`,
      },
      {
        measure: 'training pipeline / truth replay',
        value: `${trainSeconds.toFixed(0)} s / ${truthSeconds.toFixed(0)} s`,
      },
    ];
    const file = writeResults('survival', {
      settings: {
        users: USERS,
        days: DAYS,
        seed: SEED,
        replays: REPLAYS,
        quick: QUICK,
        curve_days: CURVE_DAYS,
      },
      total_seconds: round(totalSeconds, 1),
      training_seconds: round(trainSeconds, 1),
      truth_seconds: round(truthSeconds, 1),
      validation_snapshot: plan.validation.toISOString(),
      evaluation_subjects: evalSet.userIds.length,
      tau,
      served,
      curves: rows.map((r) => ({
        name: r.name,
        concordance: round(r.evaluation.concordance),
        integrated_brier: round(r.evaluation.integratedBrier, 5),
        brier_at_tau: round(r.evaluation.brierAtTau, 5),
        calibration_error: round(r.evaluation.calibrationError),
        calibration: r.evaluation.calibration,
        curve_error_1_180: round(r.curveError180),
        curve_error_at: {
          30: round(r.errorAt[30]),
          90: round(r.errorAt[90]),
          180: round(r.errorAt[180]),
        },
        mean_s180: round(r.meanS180),
        rmst180_correlation_with_truth: round(r.rmstCorrelation),
        mean_clv: round(r.meanClv, 2),
      })),
      latency: { page_of_50: page, overview },
    });
    print(
      `Summary (${totalSeconds.toFixed(0)} s in all):\n${table(summaryRows)}\n\nwritten to ${file}`,
    );
  } finally {
    await app?.stop();
    await pool.end();
    await db.drop();
    fs.rmSync(modelDir, { recursive: true, force: true });
  }
}

/** Lifetime value with the default settings (35 % margin, 10 % a year, 24 months). */
function clvOf(curve: ArrayLike<number>, hazard: number, fee: number): number {
  return lifetimeValue(curve, {
    monthlyMargin: 0.35 * fee,
    annualDiscountRate: 0.1,
    horizonMonths: 24,
    tailHazard: hazard,
  });
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

function pearson(a: number[], b: number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, i) => {
    ab += (x - ma) * (b[i] - mb);
    aa += (x - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

main().catch((err) => {
  process.stderr.write(`bench:survival failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
