/**
 * Retention over GraphQL against real PostgreSQL on a small seeded world: the catalogue, a
 * randomised campaign stored with its outcomes (deterministic per seed, bad input rejected with
 * nothing written), a budgeted plan that respects the budget, eligibility and one strategy per
 * subscriber, and its simulation in the world with progress pushed over a subscription.
 */
import type { App } from '../../src/app/start-app';
import { startOfTodayUtc } from '../../src/common/dates';
import { seedWorld } from '../../seeds';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp, wsClient, wsSubscribe } from '../support/test-app';
import { waitFor } from '../support/wait-for';

let db: TestDatabase;
let app: App;
const READER = 'reader-key-retention-0123456789';
const END = startOfTodayUtc();

beforeAll(async () => {
  db = await createTestDatabase();
  await seedWorld(db.pool, { users: 800, days: 150, seed: 11, end: END }, { silent: true });
  app = await startTestApp(db.url, { API_KEYS: `reader:${READER}` });
}, 120_000);

afterAll(async () => {
  await app?.services.retention.idle();
  await app?.stop();
  await db?.drop();
});

const EXPERIMENT = `mutation($input: RetentionExperimentInput!) {
  runRetentionExperiment(input: $input) {
    id strategy parameters { name value } share waves campaignAt horizonDays
    treatedRows controlRows treatedChurnRate controlChurnRate effect { mean lower upper } acceptance
  }
}`;

const count = async (table: string) =>
  Number((await db.pool.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

describe('retention', () => {
  it('lists the strategy catalogue', async () => {
    const r = await gql(
      app.url,
      '{ retentionStrategies { code name description contactCost costModel eligibility parameters { name defaultValue min max } } }',
    );
    expect(r.errors).toBeUndefined();
    const codes = r.data!.retentionStrategies.map((s: { code: string }) => s.code);
    expect(codes).toEqual([
      'DISCOUNT',
      'CONTENT_PUSH',
      'REENGAGEMENT_MESSAGE',
      'DOWNGRADE_OFFER',
      'PAYMENT_RECOVERY',
    ]);
    expect(r.data!.retentionStrategies[0].parameters.map((p: { name: string }) => p.name)).toEqual([
      'percent',
      'months',
    ]);
  });

  it('runs a randomised campaign in the world and stores every assignment and outcome', async () => {
    const input = {
      strategy: 'DISCOUNT',
      parameters: [{ name: 'percent', value: 30 }],
      share: 0.5,
      horizonDays: 30,
      waves: 2,
      seed: 5,
    };
    const r = await gql(app.url, EXPERIMENT, { input });
    expect(r.errors).toBeUndefined();
    const e = r.data!.runRetentionExperiment;
    expect(e.parameters).toEqual([
      { name: 'months', value: 2 },
      { name: 'percent', value: 30 },
    ]);
    expect(e.waves).toBe(2);
    expect(new Date(e.campaignAt).getTime()).toBe(END.getTime() - 30 * 86_400_000);
    expect(Math.abs(e.treatedRows - e.controlRows)).toBeLessThanOrEqual(2);
    expect(e.effect.lower).toBeLessThan(e.effect.upper);
    const stored = await db.pool.query(
      `SELECT count(*)::int AS n, count(churned)::int AS observed, count(DISTINCT campaign_at)::int AS waves
         FROM retention_assignments WHERE experiment_id = $1`,
      [e.id],
    );
    expect(stored.rows[0]).toEqual({
      n: e.treatedRows + e.controlRows,
      observed: e.treatedRows + e.controlRows,
      waves: 2,
    });
    // The same seed replays the same campaign.
    const again = (await gql(app.url, EXPERIMENT, { input })).data!.runRetentionExperiment;
    expect({ ...again, id: e.id }).toEqual(e);
    const listed = await gql(app.url, `{ retentionExperiment(id: "${e.id}") { id treatedRows } }`);
    expect(listed.data!.retentionExperiment).toEqual({ id: e.id, treatedRows: e.treatedRows });
  }, 60_000);

  it('rejects bad campaigns with a typed error and writes nothing', async () => {
    const before = await count('retention_experiments');
    const bad = [
      { strategy: 'DISCOUNT', parameters: [{ name: 'colour', value: 1 }] },
      { strategy: 'DISCOUNT', parameters: [{ name: 'percent', value: 90 }] },
      { strategy: 'CONTENT_PUSH', share: 1.5 },
      { strategy: 'CONTENT_PUSH', horizonDays: 200 },
      { strategy: 'CONTENT_PUSH', horizonDays: 120 }, // leaves under 28 days of history
    ];
    for (const input of bad) {
      const r = await gql(app.url, EXPERIMENT, { input });
      expect(r.errors?.[0].extensions?.code).toBe('INVALID_ARGUMENT');
    }
    const missing = await gql(app.url, '{ retentionExperiment(id: "999") { id } }');
    expect(missing.errors?.[0].extensions?.code).toBe('RETENTION_NOT_FOUND');
    expect(await count('retention_experiments')).toBe(before);
  });

  let planId: string;

  it('plans within the budget, one eligible strategy per subscriber, beside two references', async () => {
    // Campaigns first (one wave where a wave has enough eligible subscribers): the plan learns
    // from the latest campaign of each strategy.
    const campaigns: Record<string, string> = {};
    for (const [strategy, waves] of [
      ['CONTENT_PUSH', 1],
      ['DOWNGRADE_OFFER', 1],
      ['PAYMENT_RECOVERY', 4],
    ] as const) {
      const input = { strategy, share: 0.5, horizonDays: 30, waves, seed: 3 };
      const e = await gql(app.url, EXPERIMENT, { input });
      expect(e.errors).toBeUndefined();
      campaigns[strategy] = e.data!.runRetentionExperiment.id;
    }
    const budget = 40;
    const r = await gql(
      app.url,
      `query($budget: Float!) {
        retentionPlan(budget: $budget, horizonDays: 30, seed: 3,
                      strategies: [{ code: CONTENT_PUSH }, { code: DOWNGRADE_OFFER }, { code: PAYMENT_RECOVERY }]) {
          id budget horizonDays lifetimeValue candidates treated strategyMix { strategy subscribers }
          saved { mean lower upper } cost { mean lower upper } netValue { mean lower upper } roi { mean }
          references { policy treated cost netValue }
          models { strategy experimentId rows averageEffect calibrationSlope }
        }
      }`,
      { budget },
    );
    expect(r.errors).toBeUndefined();
    const plan = r.data!.retentionPlan;
    planId = plan.id;
    // No survival model is trained here: every subscriber is valued at 12 months of their fee.
    expect(plan.lifetimeValue).toBe('12 months × monthly fee (no survival model yet)');
    expect(plan.cost.upper).toBeLessThanOrEqual(budget + 1e-6);
    expect(plan.netValue.lower).toBeLessThanOrEqual(plan.netValue.mean);
    expect(plan.netValue.mean).toBeLessThanOrEqual(plan.netValue.upper);
    expect(plan.references.map((p: { policy: string }) => p.policy).sort()).toEqual([
      'RANDOM',
      'RISKIEST',
    ]);
    for (const ref of plan.references) expect(ref.cost).toBeLessThanOrEqual(budget + 1e-6);
    expect(
      Object.fromEntries(
        plan.models.map((m: { strategy: string; experimentId: string }) => [
          m.strategy,
          m.experimentId,
        ]),
      ),
    ).toEqual(campaigns);

    const rows = await app.services.retention.planAssignments(planId);
    const uplift = rows.filter((a) => a.policy === 'UPLIFT');
    expect(uplift).toHaveLength(plan.treated);
    expect(uplift.reduce((s, a) => s + a.predictedCost, 0)).toBeLessThanOrEqual(budget + 1e-6);
    expect(new Set(uplift.map((a) => a.userId)).size).toBe(uplift.length);
    expect(uplift.every((a) => a.predictedNet > 0)).toBe(true);
    const plans = await db.pool.query(
      `SELECT id::text, plan FROM users WHERE id = ANY($1::bigint[])`,
      [uplift.filter((a) => a.strategy === 'DOWNGRADE_OFFER').map((a) => a.userId)],
    );
    for (const u of plans.rows) expect(u.plan).not.toBe('BASIC');
    const recovered = uplift.filter((a) => a.strategy === 'PAYMENT_RECOVERY').map((a) => a.userId);
    if (recovered.length > 0) {
      const failed = await db.pool.query(
        `SELECT DISTINCT user_id::text FROM subscription_events
          WHERE kind = 'PAYMENT_FAILED' AND at >= $2::timestamptz - interval '31 days' AND user_id = ANY($1::bigint[])`,
        [recovered, END.toISOString()],
      );
      expect(failed.rows.map((x) => x.user_id).sort()).toEqual([...recovered].sort());
    }
  }, 240_000);

  it('refuses a simulation to a reader and an unknown plan', async () => {
    const asReader = await gql(
      app.url,
      `mutation { runRetentionSimulation(plan: "${planId}") { id } }`,
      {},
      {
        authorization: `Bearer ${READER}`,
      },
    );
    expect(asReader.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const unknown = await gql(app.url, 'mutation { runRetentionSimulation(plan: "9999") { id } }');
    expect(unknown.errors?.[0].extensions?.code).toBe('RETENTION_NOT_FOUND');
  });

  it('replays the plan in the world with progress pushed over a subscription', async () => {
    const client = wsClient(app.url);
    try {
      const started = await gql(
        app.url,
        `mutation { runRetentionSimulation(plan: "${planId}") { id planId status } }`,
      );
      expect(started.errors).toBeUndefined();
      const run = started.data!.runRetentionSimulation;
      expect(run.planId).toBe(planId);
      const progress = wsSubscribe(
        client,
        `subscription($id: ID!) { retentionSimulationProgressed(runId: $id) { runId status done total message } }`,
        { id: run.id },
      );
      const finished = await waitFor(
        async () => {
          // A busy machine may reset a kept-alive connection between polls: ask again.
          const polled = await gql(
            app.url,
            `{ retentionSimulation(id: "${run.id}") {
              status error
              result { truthWithinInterval upliftOverRiskiest replays predictedNet { mean lower upper }
                       policies { policy treated predicted { net cost } truth { net saved cost } realised { net } }
                       targeting { strategy candidates upliftAuuc riskAuuc randomAuuc } }
            } }`,
          ).catch(() => null);
          const sim = polled?.data!.retentionSimulation;
          return sim && (sim.status === 'SUCCEEDED' || sim.status === 'FAILED') ? sim : undefined;
        },
        { what: `retention simulation ${run.id} to finish`, timeoutMs: 240_000, intervalMs: 200 },
      );
      expect(finished.status).toBe('SUCCEEDED');
      const result = finished.result;
      expect(result.policies.map((p: { policy: string }) => p.policy)).toEqual([
        'UPLIFT',
        'RISKIEST',
        'RANDOM',
      ]);
      expect(result.policies[0].truth.cost).toBeLessThanOrEqual(41);
      expect(result.targeting.map((t: { strategy: string }) => t.strategy).sort()).toEqual([
        'CONTENT_PUSH',
        'DOWNGRADE_OFFER',
        'PAYMENT_RECOVERY',
      ]);
      await waitFor(
        () =>
          progress.received.some(
            (p) => p.data?.retentionSimulationProgressed.status === 'SUCCEEDED',
          ),
        { what: 'the SUCCEEDED progress payload', timeoutMs: 10_000 },
      );
      const last = progress.received.at(-1)!.data!.retentionSimulationProgressed;
      expect(last).toMatchObject({ runId: run.id, status: 'SUCCEEDED' });
      expect(last.message).toMatch(/uplift plan: predicted net/);
      progress.dispose();
    } finally {
      await client.dispose();
    }
  }, 300_000);

  it('says plainly when no synthetic world is stored', async () => {
    await db.pool.query('DELETE FROM sim.worlds');
    const r = await gql(app.url, EXPERIMENT, { input: { strategy: 'CONTENT_PUSH' } });
    expect(r.errors?.[0].extensions?.code).toBe('WORLD_NOT_AVAILABLE');
  });
});
