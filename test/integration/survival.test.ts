/**
 * Survival and lifetime value over GraphQL against real PostgreSQL: Kaplan–Meier curves per plan
 * and per segment in churnOverview, the survival model trained with `churn train` (quality floor
 * beside the Kaplan–Meier-per-plan baseline, files on disk, save/load round trip), User.survival
 * and User.lifetimeValue (checked against a hand computation from the served curve), the service
 * other modules call, follow-up cut at the cutoff, and typed errors. A small seeded world keeps it quick.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../../src/app/start-app';
import { startOfTodayUtc } from '../../src/common/dates';
import { DAY_MS, DiscreteHazardModel } from '../../src/ml';
import { toFeatureMatrix } from '../../src/modules/features/feature-matrix';
import { subjectsAt } from '../../src/modules/survival/survival-subjects';
import { seedWorld } from '../../seeds';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp } from '../support/test-app';

let db: TestDatabase;
let app: App;
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-survival-'));
const quiet = { step: () => undefined, epoch: () => undefined };

beforeAll(async () => {
  db = await createTestDatabase();
  await seedWorld(
    db.pool,
    { users: 1200, days: 120, seed: 9, end: startOfTodayUtc() },
    { silent: true },
  );
  app = await startTestApp(db.url, {
    MODEL_DIR: modelDir,
    CLV_MARGIN_RATE: '0.4',
    CLV_ANNUAL_DISCOUNT_RATE: '0.12',
    CLV_HORIZON_MONTHS: '12',
  });
  await app.services.features.rebuildAll();
}, 240_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  fs.rmSync(modelDir, { recursive: true, force: true });
});

const KM = `origin from until description curves { group label subscribers cancellations followUpDays medianDays points { day survival lower upper } }`;

async function activeUserId(): Promise<string> {
  const [row] = await db.dataSource.query(
    `SELECT id::text FROM users WHERE status = 'ACTIVE' ORDER BY id LIMIT 1`,
  );
  return row.id;
}

function expectMonotoneCurves(curves: any[]): void {
  for (const c of curves) {
    let previous = 1;
    for (const p of c.points) {
      expect(p.survival).toBeLessThanOrEqual(previous + 1e-12);
      expect(p.lower).toBeLessThanOrEqual(p.survival + 1e-12);
      expect(p.upper).toBeGreaterThanOrEqual(p.survival - 1e-12);
      previous = p.survival;
    }
  }
}

describe('survival and lifetime value', () => {
  it('serves Kaplan–Meier curves per plan before any model is trained, and nulls where a model is needed', async () => {
    const res = await gql(
      app.url,
      `query($id: ID!) {
        churnOverview { survivalByPlan(days: 90) { ${KM} } survivalBySegment { origin } lifetimeValue { totalClv } }
        activeSurvivalModel { version } survivalModels { version }
        user(id: $id) { survival { medianDays } lifetimeValue { clv } }
      }`,
      { id: await activeUserId() },
    );
    expect(res.errors).toBeUndefined();
    const o = res.data!.churnOverview;
    expect(o.survivalBySegment).toBeNull();
    expect(o.lifetimeValue).toBeNull();
    expect(res.data!.activeSurvivalModel).toBeNull();
    expect(res.data!.survivalModels).toEqual([]);
    expect(res.data!.user).toEqual({ survival: null, lifetimeValue: null });

    const byPlan = o.survivalByPlan;
    expect(byPlan.origin).toBe('SIGNUP');
    expect(byPlan.curves.map((c: any) => c.group).sort()).toEqual(['BASIC', 'PREMIUM', 'STANDARD']);
    expectMonotoneCurves(byPlan.curves);
    // One subject per subscription spell that was at risk after the recorded activity began.
    const [{ spells }] = await db.dataSource.query(
      `SELECT count(*)::int AS spells FROM subscription_events WHERE kind IN ('SIGNUP', 'REACTIVATE')`,
    );
    const subjects = byPlan.curves.reduce((n: number, c: any) => n + c.subscribers, 0);
    expect(subjects).toBeLessThanOrEqual(spells);
    expect(subjects).toBeGreaterThan(spells * 0.9);
    for (const c of byPlan.curves) {
      expect(c.points.length).toBe(Math.min(90, c.followUpDays));
      expect(c.points[0].day).toBe(1);
    }
  });

  it('trains the survival models with `churn train`, beside the Kaplan–Meier-per-plan baseline, and keeps them on disk', async () => {
    const summary = await app.services.training.trainNow(
      { seed: 3, maxEpochs: 6, withSequence: false, force: false },
      quiet,
    );
    expect(summary.survival!.activated).toBe(true);
    expect(summary.survival!.versions).toHaveLength(2);
    const res = await gql(
      app.url,
      `{ activeSurvivalModel { version variant active horizonDays validationSnapshot trainSnapshots
           metrics { name subjects events tau concordance integratedBrier brierAtTau calibrationError meanPredictedSurvival observedSurvival }
           baseline { name concordance integratedBrier }
           compared { name concordance } }
         survivalModels { version active } }`,
    );
    expect(res.errors).toBeUndefined();
    const m = res.data!.activeSurvivalModel;
    expect(m.version).toBe(summary.survival!.winner);
    expect(m.horizonDays).toBe(180);
    expect(m.metrics.tau).toBe(30);
    expect(m.baseline.name).toMatch(/Kaplan–Meier per plan/);
    expect(m.compared).toHaveLength(2);
    // Quality floor: it ranks who leaves first far better than plan alone, and is no worse calibrated.
    expect(m.metrics.concordance).toBeGreaterThan(0.65);
    expect(m.metrics.concordance).toBeGreaterThan(m.baseline.concordance + 0.08);
    expect(m.metrics.integratedBrier).toBeLessThan(m.baseline.integratedBrier * 1.02);
    expect(Math.abs(m.metrics.meanPredictedSurvival - m.metrics.observedSurvival)).toBeLessThan(
      0.03,
    );
    for (const t of m.trainSnapshots)
      expect(new Date(t).getTime()).toBeLessThan(new Date(m.validationSnapshot).getTime());
    expect(res.data!.survivalModels.filter((v: any) => v.active)).toHaveLength(1);
    for (const file of ['model.json', 'weights.bin', 'metadata.json'])
      expect(fs.existsSync(path.join(modelDir, 'survival', m.version, file))).toBe(true);
    expect(fs.readFileSync(path.join(modelDir, 'survival', 'active'), 'utf8').trim()).toBe(
      m.version,
    );
  }, 240_000);

  it('serves each subscriber’s survival curve and lifetime value, as computed by hand from that curve', async () => {
    const id = await activeUserId();
    const res = await gql(
      app.url,
      `query($id: ID!) { user(id: $id) { monthlyFee status
         survival { userId modelVersion horizonDays medianDays expectedRemainingDays tailHazard curve { day survival } first30: curve(days: 30) { day survival } }
         lifetimeValue { userId clv monthlyMargin expectedRemainingDays modelVersion } } }`,
      { id },
    );
    expect(res.errors).toBeUndefined();
    const u = res.data!.user;
    const s = u.survival;
    expect(s.userId).toBe(id);
    expect(s.curve).toHaveLength(180);
    expect(s.first30).toEqual(s.curve.slice(0, 30));
    const curve: number[] = s.curve.map((p: any) => p.survival);
    expect(curve[0]).toBeLessThanOrEqual(1);
    for (let t = 1; t < curve.length; t++) expect(curve[t]).toBeLessThanOrEqual(curve[t - 1]);
    // Expected remaining days: the curve's sum plus its geometric tail.
    const tail = (curve[179] * (1 - s.tailHazard)) / s.tailHazard;
    expect(s.expectedRemainingDays).toBeCloseTo(curve.reduce((a, b) => a + b, 0) + tail, 6);
    if (s.medianDays !== null && s.medianDays <= 180)
      expect(curve[s.medianDays - 1]).toBeLessThanOrEqual(0.5);

    // CLV by hand: 12 monthly payments, 40 % margin, 12 % a year.
    const l = u.lifetimeValue;
    expect(l.monthlyMargin).toBeCloseTo(u.monthlyFee * 0.4, 6);
    let clv = 0;
    for (let m = 1; m <= 12; m++) {
      const day = 30 * m;
      const alive = day <= 180 ? curve[day - 1] : curve[179] * (1 - s.tailHazard) ** (day - 180);
      clv += (alive * l.monthlyMargin) / 1.12 ** (m / 12);
    }
    expect(l.clv).toBeCloseTo(clv, 6);
    expect(l.expectedRemainingDays).toBeCloseTo(s.expectedRemainingDays, 6);
    expect(l.modelVersion).toBe(s.modelVersion);

    // The service the retention work calls gives the same figures, and leaves out who is not active.
    const [cancelled] = await db.dataSource.query(
      `SELECT id::text FROM users WHERE status = 'CANCELLED' ORDER BY id LIMIT 1`,
    );
    const values = await app.services.lifetimeValue.lifetimeValues([cancelled.id, id]);
    expect(values).toHaveLength(1);
    expect(values[0]).toMatchObject({ userId: id, modelVersion: s.modelVersion });
    // Computed a moment later: recency features moved by milliseconds.
    expect(values[0].clv).toBeCloseTo(l.clv, 3);
    const gone = await gql(
      app.url,
      `query($id: ID!) { user(id: $id) { survival { medianDays } } }`,
      {
        id: cancelled.id,
      },
    );
    expect(gone.data!.user.survival).toBeNull();
  });

  it('serves what the stored artifacts predict (save/load round trip through the store)', async () => {
    const row = (await app.services.survival.activeRow())!;
    const served = await app.services.survival.model(row.version);
    const reloaded = await DiscreteHazardModel.fromArtifacts(
      app.services.survival.store.read(row.version).artifacts,
    );
    try {
      const ids: string[] = (
        await db.dataSource.query(
          `SELECT id::text FROM users WHERE status = 'ACTIVE' ORDER BY id LIMIT 50`,
        )
      ).map((r: any) => r.id);
      const matrix = toFeatureMatrix(await app.services.features.onlineAt(ids));
      const a = served.predict(matrix).curves;
      const b = reloaded.predict(matrix).curves;
      b.forEach((c: Float64Array, i: number) => expect(Array.from(c)).toEqual(Array.from(a[i])));
    } finally {
      reloaded.dispose();
    }
  });

  it('adds Kaplan–Meier curves per segment and lifetime value by segment and plan to churnOverview', async () => {
    const res = await gql(
      app.url,
      `{ churnOverview {
           survivalBySegment(days: 60) { ${KM} }
           lifetimeValue { modelVersion subscribers totalClv meanClv marginRate annualDiscountRate horizonMonths
             bySegment { group label subscribers totalClv meanClv meanExpectedRemainingDays }
             byPlan { group subscribers totalClv } } }
         segments { id label churnRate size }
         segmentRun { snapshotAt fittedUsers } }`,
    );
    expect(res.errors).toBeUndefined();
    const o = res.data!.churnOverview;
    const bySegment = o.survivalBySegment;
    expect(bySegment.origin).toBe('SNAPSHOT');
    expect(bySegment.from).toBe(res.data!.segmentRun.snapshotAt);
    expectMonotoneCurves(bySegment.curves);
    // The fitted population, all followed for the 30 days to the end of the data: 1 − S(30) is
    // each segment's observed churn rate (up to the few subscribers k-means' last step placed
    // differently from the nearest final centroid).
    expect(bySegment.curves.reduce((n: number, c: any) => n + c.subscribers, 0)).toBe(
      res.data!.segmentRun.fittedUsers,
    );
    for (const segment of res.data!.segments) {
      const c = bySegment.curves.find((x: any) => x.group === segment.id);
      expect(c.label).toBe(segment.label);
      expect(c.followUpDays).toBe(30);
      expect(c.points).toHaveLength(30);
      expect(Math.abs(1 - c.points[29].survival - segment.churnRate)).toBeLessThan(0.005);
    }

    const lv = o.lifetimeValue;
    const [{ active }] = await db.dataSource.query(
      `SELECT count(*)::int AS active FROM users WHERE status = 'ACTIVE'`,
    );
    expect(lv).toMatchObject({
      subscribers: active,
      marginRate: 0.4,
      annualDiscountRate: 0.12,
      horizonMonths: 12,
    });
    expect(lv.meanClv).toBeCloseTo(lv.totalClv / active, 6);
    const segmentTotal = lv.bySegment.reduce((a: number, g: any) => a + g.totalClv, 0);
    expect(segmentTotal).toBeCloseTo(lv.totalClv, 4);
    expect(lv.bySegment.reduce((n: number, g: any) => n + g.subscribers, 0)).toBe(active);
    expect(lv.byPlan.map((g: any) => g.group).sort()).toEqual(['BASIC', 'PREMIUM', 'STANDARD']);
    for (const g of lv.bySegment) expect(g.meanClv).toBeGreaterThan(0);
  });

  it('cuts training follow-up at the cutoff: no cancellation after it reaches a subject', async () => {
    const plan = await app.services.training.plan();
    const t = plan.train[0];
    const rows = await app.services.features.batchAt(t, plan.horizonDays);
    const subjects = await subjectsAt(db.dataSource, t, plan.validation, rows);
    const maxDays = (plan.validation.getTime() - t.getTime()) / DAY_MS;
    expect(Math.max(...Array.from(subjects.outcomes.time))).toBeLessThanOrEqual(maxDays);
    const later: { user_id: string }[] = await db.dataSource.query(
      `SELECT user_id::text FROM subscription_events WHERE kind = 'CANCEL' AND at > $1
       GROUP BY user_id HAVING min(at) > $2`,
      [t.toISOString(), plan.validation.toISOString()],
    );
    const lateIds = new Set(later.map((r) => r.user_id));
    expect(lateIds.size).toBeGreaterThan(0);
    subjects.userIds.forEach((id, i) => {
      if (lateIds.has(id)) expect(subjects.outcomes.event[i]).toBe(0);
    });
    // Events are exactly the cancellations within (t, cutoff] among those active at t.
    const [{ n }] = await db.dataSource.query(
      `SELECT count(DISTINCT user_id)::int AS n FROM subscription_events
        WHERE kind = 'CANCEL' AND at > $1 AND at <= $2 AND user_id = ANY($3::bigint[])`,
      [t.toISOString(), plan.validation.toISOString(), subjects.userIds],
    );
    expect(Array.from(subjects.outcomes.event).reduce((a, b) => a + b, 0)).toBe(n);
  });

  it('rejects out-of-range days with typed errors', async () => {
    const id = await activeUserId();
    const bad = await gql(
      app.url,
      `query($id: ID!) { user(id: $id) { survival { curve(days: 181) { day } } } }`,
      {
        id,
      },
    );
    expect(bad.errors![0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'days' });
    const badOverview = await gql(
      app.url,
      `{ churnOverview { survivalByPlan(days: 0) { origin } } }`,
    );
    expect(badOverview.errors![0].extensions).toMatchObject({
      code: 'INVALID_ARGUMENT',
      argument: 'days',
    });
  });
});
