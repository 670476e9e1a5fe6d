/**
 * The churn model lifecycle over GraphQL against real PostgreSQL: train (through the mutation), the
 * registry and its activation rule, scores in the API, typed errors. A small seeded world keeps it quick.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../../src/app/start-app';
import { startOfTodayUtc } from '../../src/common/dates';
import { riskLevelOf } from '../../src/modules/model-registry/risk-levels';
import { toFeatureMatrix } from '../../src/modules/features/feature-matrix';
import { seedWorld } from '../../seeds';
import { TRAIN_REFUSED } from '../support/documents';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp } from '../support/test-app';

let db: TestDatabase;
let app: App;
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-models-'));
const quiet = { step: () => undefined, epoch: () => undefined };

beforeAll(async () => {
  db = await createTestDatabase();
  await seedWorld(
    db.pool,
    { users: 1200, days: 120, seed: 5, end: startOfTodayUtc() },
    { silent: true },
  );
  app = await startTestApp(db.url, { MODEL_DIR: modelDir, TRAIN_MAX_EPOCHS: '8' });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  fs.rmSync(modelDir, { recursive: true, force: true });
});

const MODEL_FIELDS = `version kind variant active threshold calibration dataFingerprint validationSnapshot trainSnapshots horizonDays oracleAuc
  metrics { name rows positives rocAuc prAuc accuracy f1 brier ece topDecileLift threshold
            confusionMatrix { tp fp tn fn } reliability { lower upper count meanPredicted observedRate } }
  baseline { name rocAuc brier }
  compared { name rocAuc }
  features { name label kind }`;

async function waitForRun(id: string): Promise<any> {
  await app.services.training.idle();
  const res = await gql(
    app.url,
    `query($id: ID!) { trainingRun(id: $id) { id status modelVersion activated error startedAt finishedAt } }`,
    { id },
  );
  return res.data!.trainingRun;
}

describe('churn models', () => {
  it('has no model and no scores before training', async () => {
    const res = await gql(
      app.url,
      `{ activeModel { version } models { version } churnOverview { scoredUsers activeModelVersion } users(first: 1) { edges { node { churnScore { probability } } } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.activeModel).toBeNull();
    expect(res.data!.models).toEqual([]);
    expect(res.data!.churnOverview).toEqual({ scoredUsers: 0, activeModelVersion: null });
    expect(res.data!.users.edges[0].node.churnScore).toBeNull();
  });

  it('rejects bad training arguments and unknown runs with typed errors', async () => {
    const bad = await gql(app.url, TRAIN_REFUSED);
    expect(bad.errors![0].extensions).toMatchObject({
      code: 'INVALID_ARGUMENT',
      argument: 'maxEpochs',
    });
    const missing = await gql(app.url, `{ trainingRun(id: "987654") { id } }`);
    expect(missing.errors![0].extensions).toMatchObject({
      code: 'TRAINING_RUN_NOT_FOUND',
      category: 'NOT_FOUND',
    });
  });

  it('trains through the mutation, registers both models, activates the better, and scores everyone', async () => {
    const started = await gql(
      app.url,
      `mutation { trainModel(input: { seed: 7, maxEpochs: 8, withSequence: true }) { id status } }`,
    );
    expect(started.errors).toBeUndefined();
    expect(['QUEUED', 'RUNNING']).toContain(started.data!.trainModel.status);
    const again = await gql(app.url, `mutation { trainModel { id } }`);
    expect(again.errors![0].extensions!.code).toBe('TRAINING_IN_PROGRESS');

    const run = await waitForRun(started.data!.trainModel.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', activated: true, error: null });

    const res = await gql(app.url, `{ activeModel { ${MODEL_FIELDS} } models { version active } }`);
    expect(res.errors).toBeUndefined();
    const model = res.data!.activeModel;
    expect(model.version).toBe(run.modelVersion);
    expect(res.data!.models).toHaveLength(2);
    expect(res.data!.models.filter((m: any) => m.active)).toHaveLength(1);
    // Honest evaluation beside a naive baseline and the oracle, with the full metric set.
    expect(model.metrics.rocAuc).toBeGreaterThan(0.6);
    expect(model.oracleAuc).toBeGreaterThan(model.metrics.rocAuc - 0.05);
    expect(model.baseline.name).toMatch(/days since last view/);
    expect(model.compared.map((c: any) => c.name)).toEqual([
      'logistic regression',
      'deep (MLP)',
      'deep (MLP + 28-day sequence)',
    ]);
    expect(model.metrics.reliability).toHaveLength(10);
    const cm = model.metrics.confusionMatrix;
    expect(cm.tp + cm.fp + cm.tn + cm.fn).toBe(model.metrics.rows);
    expect(model.features.map((f: any) => f.name)).toContain('watch_trend_14d');
    // The split: every training label window ends before the validation snapshot.
    const validation = new Date(model.validationSnapshot).getTime();
    for (const t of model.trainSnapshots)
      expect(new Date(t).getTime() + 30 * 86400_000).toBeLessThanOrEqual(validation);
    // The artifacts are on disk.
    for (const file of ['model.json', 'weights.bin', 'metadata.json']) {
      expect(fs.existsSync(path.join(modelDir, model.version, file))).toBe(true);
    }
    expect(fs.readFileSync(path.join(modelDir, 'active'), 'utf8').trim()).toBe(model.version);
  }, 180_000);

  it('serves latest scores, history, at-risk users and the overview', async () => {
    const overview = await gql(
      app.url,
      `{ churnOverview { scoredUsers meanProbability activeModelVersion thresholds levels { level users meanProbability } } }`,
    );
    const o = overview.data!.churnOverview;
    const [{ active }] = await db.dataSource.query(
      `SELECT count(*)::int AS active FROM users WHERE status = 'ACTIVE'`,
    );
    expect(o.scoredUsers).toBe(active);
    expect(o.levels.map((l: any) => l.level)).toEqual(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
    // The active version's own bands, chosen on its validation snapshot: every level is reachable.
    const active_ = await gql(
      app.url,
      `{ activeModel { riskLevels { level lowerBound share rows lift } } }`,
    );
    const bands = active_.data!.activeModel.riskLevels;
    expect(bands.map((b: any) => b.level)).toEqual(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
    expect(o.thresholds).toEqual(bands.slice(1).map((b: any) => b.lowerBound));
    for (const l of o.levels) expect(l.users).toBeGreaterThan(0);
    // Each level states its lift on the evaluation rows (small worlds make the values themselves noisy).
    for (const b of bands) expect(typeof b.lift).toBe('number');

    const page1 = await gql(
      app.url,
      `{ atRiskUsers(minLevel: MEDIUM, first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { node { user { id status } score { probability riskLevel modelVersion } } } } }`,
    );
    expect(page1.errors).toBeUndefined();
    const conn = page1.data!.atRiskUsers;
    const atOrAbove = o.levels
      .filter((l: any) => l.level !== 'LOW')
      .reduce((n: number, l: any) => n + l.users, 0);
    expect(conn.totalCount).toBe(atOrAbove);
    const probs = conn.edges.map((e: any) => e.node.score.probability);
    expect(probs).toEqual([...probs].sort((a, b) => b - a));
    for (const e of conn.edges) {
      expect(e.node.user.status).toBe('ACTIVE');
      expect(e.node.score.riskLevel).toBe(
        riskLevelOf(e.node.score.probability, o.thresholds as [number, number, number]),
      );
      expect(e.node.score.riskLevel).not.toBe('LOW');
    }
    if (conn.pageInfo.hasNextPage) {
      const page2 = await gql(
        app.url,
        `query($after: String) { atRiskUsers(minLevel: MEDIUM, first: 5, after: $after) { edges { node { score { probability } user { id } } } } }`,
        { after: conn.pageInfo.endCursor },
      );
      const next = page2.data!.atRiskUsers.edges;
      expect(next[0].node.score.probability).toBeLessThanOrEqual(probs[probs.length - 1]);
      const ids = new Set(conn.edges.map((e: any) => e.node.user.id));
      for (const e of next) expect(ids.has(e.node.user.id)).toBe(false);
    }

    const userId = conn.edges[0]?.node.user.id ?? '1';
    const one = await gql(
      app.url,
      `query($id: ID!) { user(id: $id) { churnScore { probability riskLevel scoredAt modelVersion } scoreHistory(first: 5) { probability } } }`,
      { id: userId },
    );
    expect(one.data!.user.churnScore.probability).toBeGreaterThanOrEqual(0);
    expect(one.data!.user.scoreHistory.length).toBeGreaterThanOrEqual(1);
    const bad = await gql(app.url, `{ atRiskUsers(first: 500) { totalCount } }`);
    expect(bad.errors![0].extensions!.code).toBe('INVALID_ARGUMENT');
    const badCursor = await gql(app.url, `{ atRiskUsers(after: "xyz") { totalCount } }`);
    expect(badCursor.errors![0].extensions!.code).toBe('INVALID_CURSOR');
  });

  it('stores both global importances, segments the subscribers, and explains the deep model (DeepLIFT for an MLP, integrated gradients with a sequence)', async () => {
    const imp = await gql(
      app.url,
      `{ featureImportance { modelVersion attributionRows permutationRows meanAbsAttribution { feature importance } permutation { feature importance spread } } segments { id label size } }`,
    );
    expect(imp.errors).toBeUndefined();
    const r = imp.data!.featureImportance;
    const [{ active }] = await db.dataSource.query(
      `SELECT count(*)::int AS active FROM users WHERE status = 'ACTIVE'`,
    );
    expect(r.attributionRows).toBe(active);
    expect(r.permutationRows).toBeGreaterThan(50);
    expect(r.meanAbsAttribution.length).toBeGreaterThan(20);
    expect(r.permutation.length).toBeGreaterThan(20);
    // Shuffling the strongest feature costs AUC.
    expect(r.permutation[0].importance).toBeGreaterThan(0);
    // Training segments the subscribers once the new model is active.
    expect(imp.data!.segments.reduce((n: number, s: any) => n + s.size, 0)).toBe(active);

    const deep = (await app.services.registry.list()).find((m) => m.kind === 'deep-churn')!;
    const wasActive = (await app.services.registry.activeRow())!.version;
    await app.services.registry.activate(deep.version);
    try {
      const ids: string[] = (
        await db.dataSource.query(
          `SELECT id::text FROM users WHERE status = 'ACTIVE' ORDER BY id LIMIT 3`,
        )
      ).map((x: any) => x.id);
      for (const id of ids) {
        const res = await gql(
          app.url,
          `query($id: ID!) { user(id: $id) { explanation(top: 30) { method source modelVersion logit baselineLogit otherContributions completenessError probability averageProbability summary contributions { feature contribution } } } }`,
          { id },
        );
        const e = res.data!.user.explanation;
        expect(e).toMatchObject({ source: 'COMPUTED', modelVersion: deep.version });
        expect(e.method).toBe(deep.metadata.sequence ? 'integrated-gradients' : 'deeplift-rescale');
        const sum =
          e.contributions.reduce((t: number, c: any) => t + c.contribution, 0) +
          e.otherContributions;
        // Completeness within the method's tolerance (at most 0.01 logits), checked by the service too.
        expect(Math.abs(sum - (e.logit - e.baselineLogit))).toBeLessThan(0.01);
        if (deep.metadata.sequence)
          expect(e.contributions.map((c: any) => c.feature)).toContain('sequence:sessions');
        // The summary compares with the average subscriber's risk (the evaluation subscribers'
        // churn rate), not with the network's output at the mean features, its reference point.
        const average = deep.metadata.riskLevels!.baseRate;
        expect(e.averageProbability).toBeCloseTo(average, 12);
        const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;
        expect(e.summary).toContain(`the average subscriber's ${pct(average)}`);
        expect(e.summary.startsWith(`${pct(e.probability)} risk, `)).toBe(true);
      }
    } finally {
      await app.services.registry.activate(wasActive);
    }
  }, 120_000);

  it('serves exactly what the stored artifacts predict (save/load round trip through the registry)', async () => {
    const active = (await app.services.registry.activeRow())!;
    const served = (await app.services.registry.activeModel())!;
    const reloaded = await app.services.registry.load(active.version);
    const ids: string[] = (
      await db.dataSource.query(
        `SELECT id::text FROM users WHERE status = 'ACTIVE' ORDER BY id LIMIT 200`,
      )
    ).map((r: any) => r.id);
    const rows = await app.services.features.onlineAt(ids);
    const a = served.predict(toFeatureMatrix(rows));
    const b = reloaded.predict(toFeatureMatrix(rows));
    expect(Array.from(b)).toEqual(Array.from(a));
    reloaded.dispose();
  });

  it('activates a new version only when it beats the active one on the same rows, or when forced', async () => {
    const before = (await app.services.registry.activeRow())!.version;
    // Same data and seed: the same AUC, which does not beat the active model.
    // The survival models have their own activation rule (test/integration/survival.test.ts).
    const same = await app.services.training.trainNow(
      { seed: 7, maxEpochs: 8, withSequence: true, force: false, withSurvival: false },
      quiet,
    );
    expect(same.result.activated).toBe(false);
    expect(same.result.reason).toMatch(/kept active/);
    expect((await app.services.registry.activeRow())!.version).toBe(before);
    const forced = await app.services.training.trainNow(
      { seed: 8, maxEpochs: 4, withSequence: false, force: true, withSurvival: false },
      quiet,
    );
    expect(forced.result.activated).toBe(true);
    expect((await app.services.registry.activeRow())!.version).toBe(forced.result.winner);
  }, 180_000);
});
