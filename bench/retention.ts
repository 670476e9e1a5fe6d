/**
 * `npm run bench:retention`: retention plans checked against the synthetic world's truth, through
 * the API a client uses. On a seeded world (default 5,000 subscribers × 180 days, seed 42) with the
 * service running as its own process:
 *
 *  - `retentionPlan(budget, horizonDays: 60)` for each budget (campaigns for every strategy are run
 *    first, in the world, by the first plan), then `runRetentionSimulation(plan)` with its progress
 *    followed over `retentionSimulationProgressed`;
 *  - per budget: the plan's predicted net value and 95% interval against the world's true value,
 *    the uplift plan against "treat the riskiest" and "treat at random" at the same budget, and per
 *    strategy the AUUC of the true effects ranked by predicted uplift, by risk and at random;
 *  - with ../shared/data/hillstrom present (not with --quick), `churn evaluate-uplift` on the
 *    Hillstrom campaign: each arm's effect and interval and the held-out Qini.
 *
 * Prints the figures and writes bench/results/retention.json. Flags: --quick (1,200 subscribers ×
 * 150 days, two strategies, one budget: under a minute), --users N, --days N.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { Pool } from 'pg';
import WebSocket from 'ws';
import { seedWorld } from '../seeds';
import { createProgress } from '../src/common/progress';
import {
  ROOT,
  createBenchDatabase,
  numberFlag,
  startServerProcess,
  table,
  writeResults,
} from './support';

const QUICK = process.argv.includes('--quick');
const USERS = numberFlag('bench:retention', 'users', QUICK ? 1200 : 5000);
const DAYS = numberFlag('bench:retention', 'days', QUICK ? 150 : 180);
const HORIZON = QUICK ? 30 : 60;
/** Budgets per 1,000 candidates: the plan treats a minority, so targeting matters. */
const BUDGETS_PER_1000 = QUICK ? [75] : [40, 75, 150];
const STRATEGIES = QUICK ? ['CONTENT_PUSH', 'REENGAGEMENT_MESSAGE'] : null;
const END = new Date('2026-12-01T00:00:00Z');
const KEY = 'analyst-bench-key-0123456789';
const HILLSTROM = path.resolve(ROOT, '../shared/data/hillstrom/hillstrom.csv');

async function gql(url: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

const PLAN = `query($budget: Float!, $horizon: Int!, $strategies: [RetentionStrategyInput!]) {
  retentionPlan(budget: $budget, horizonDays: $horizon, strategies: $strategies, seed: 42) {
    id candidates treated strategyMix { strategy subscribers }
    netValue { mean lower upper } cost { mean } saved { mean lower upper }
    references { policy treated netValue }
    models { strategy rows averageEffect calibrationSlope }
  }
}`;

const RESULT = `query($id: ID!) { retentionSimulation(id: $id) { status error result {
  truthWithinInterval upliftOverRiskiest predictedNet { mean lower upper }
  policies { policy treated predicted { net cost saved } truth { net cost saved roi } realised { net saved } }
  targeting { strategy candidates upliftAuuc riskAuuc randomAuuc }
} } }`;

/** Start a simulation, follow its progress over the WebSocket until it ends, return its result. */
async function simulate(url: string, planId: string) {
  const { runRetentionSimulation: run } = await gql(
    url,
    `mutation($plan: ID!) { runRetentionSimulation(plan: $plan) { id } }`,
    { plan: planId },
  );
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${KEY}` },
  });
  let bar: ReturnType<typeof createProgress> | null = null;
  let updates = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      client.subscribe<{ retentionSimulationProgressed: any }>(
        {
          query: `subscription($id: ID!) { retentionSimulationProgressed(runId: $id) { status done total } }`,
          variables: { id: run.id },
        },
        {
          next: ({ data }) => {
            const p = data!.retentionSimulationProgressed;
            updates++;
            if (p.status === 'RUNNING' && p.total > 1) {
              bar ??= createProgress({
                label: `simulate plan ${planId}`,
                total: p.total,
                unit: 'replays',
              });
              bar.update(p.done);
            }
            if (p.status === 'SUCCEEDED' || p.status === 'FAILED') resolve();
          },
          error: reject,
          complete: resolve,
        },
      );
    });
  } finally {
    await client.dispose();
  }
  (bar as ReturnType<typeof createProgress> | null)?.done(`${updates} progress updates received`);
  const { retentionSimulation: r } = await gql(url, RESULT, { id: run.id });
  if (r.status !== 'SUCCEEDED') throw new Error(`simulation ${run.id}: ${r.status} ${r.error}`);
  return { ...r.result, progressUpdates: updates };
}

function hillstrom() {
  if (QUICK) return { skipped: 'not run with --quick' };
  if (!fs.existsSync(HILLSTROM)) {
    process.stderr.write(`bench:retention: ${HILLSTROM} not found; skipping Hillstrom.\n`);
    return { skipped: `${HILLSTROM} not found` };
  }
  const t0 = Date.now();
  const args = ['evaluate-uplift', '--table', HILLSTROM, '--treatment', 'segment'];
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'dist', 'src', 'cli.js'),
      ...args,
      '--control',
      'No E-Mail',
      '--outcome',
      'visit',
    ],
    { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  if (r.status !== 0) throw new Error(`evaluate-uplift failed: ${r.stderr}`);
  process.stdout.write(`${r.stdout}\n`);
  const arms = ['Mens E-Mail', 'Womens E-Mail'].map((arm) => {
    const e = new RegExp(
      `  ${arm}: .* → ([+-][\\d.]+) pp \\[([+-][\\d.]+) pp, ([+-][\\d.]+) pp\\]`,
    ).exec(r.stdout)!;
    const q = (learner: string) =>
      Number(new RegExp(`${arm} · ${learner}: Qini (-?[\\d.]+)`).exec(r.stdout)![1]);
    return {
      arm,
      effectPp: Number(e[1]),
      lowerPp: Number(e[2]),
      upperPp: Number(e[3]),
      qiniTLearner: q('t-learner'),
      qiniXLearner: q('x-learner'),
    };
  });
  return { arms, seconds: (Date.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const started = Date.now();
  const db = await createBenchDatabase();
  let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-bench-retention-'));
  try {
    const pool = new Pool({ connectionString: db.url, max: 4 });
    await seedWorld(pool, { users: USERS, days: DAYS, seed: 42, end: END });
    await pool.end();
    server = await startServerProcess(db.url, {
      API_KEYS: `analyst:${KEY}`,
      AUTO_TRAIN: 'false',
      DATA_DIR: dataDir,
    });
    const rows: Record<string, string | number>[] = [];
    const budgets: Record<string, unknown>[] = [];
    let candidates = USERS;
    for (const perThousand of BUDGETS_PER_1000) {
      const budget = Math.round((perThousand * candidates) / 1000);
      const t0 = Date.now();
      const { retentionPlan: plan } = await gql(server.url, PLAN, {
        budget,
        horizon: HORIZON,
        strategies: STRATEGIES?.map((code) => ({ code })) ?? null,
      });
      candidates = plan.candidates;
      const planSeconds = (Date.now() - t0) / 1000;
      const t1 = Date.now();
      const sim = await simulate(server.url, plan.id);
      const simulationSeconds = (Date.now() - t1) / 1000;
      const [uplift, riskiest, random] = sim.policies;
      budgets.push({ budget, planSeconds, simulationSeconds, plan, simulation: sim });
      rows.push({
        budget,
        treated: plan.treated,
        'predicted net [95%]': `${plan.netValue.mean.toFixed(0)} [${plan.netValue.lower.toFixed(0)}, ${plan.netValue.upper.toFixed(0)}]`,
        'true net': uplift.truth.net.toFixed(0),
        within: sim.truthWithinInterval ? 'yes' : 'no',
        'riskiest true': riskiest.truth.net.toFixed(0),
        'random true': random.truth.net.toFixed(0),
        'vs riskiest': `${(100 * sim.upliftOverRiskiest).toFixed(0)}%`,
        'plan s': planSeconds.toFixed(0),
        'sim s': simulationSeconds.toFixed(0),
      });
    }
    const last = budgets[budgets.length - 1].simulation as { targeting: any[] };
    const targeting = last.targeting.map((t) => ({
      strategy: t.strategy,
      candidates: t.candidates,
      'uplift AUUC': t.upliftAuuc.toFixed(4),
      'risk AUUC': t.riskAuuc.toFixed(4),
      'random AUUC': t.randomAuuc.toFixed(4),
      'beats risk': t.upliftAuuc > t.riskAuuc ? 'yes' : 'no',
      'beats random': t.upliftAuuc > t.randomAuuc ? 'yes' : 'no',
    }));
    await server.stop();
    server = undefined;
    const hill = hillstrom();
    process.stdout.write(
      `\nretention plans on ${USERS} × ${DAYS} days (seed 42), horizon ${HORIZON} days:\n${table(rows)}\n\n` +
        `targeting (true effects of every candidate, last budget):\n${table(targeting)}\n`,
    );
    const file = writeResults('retention', {
      quick: QUICK,
      world: { users: USERS, days: DAYS, seed: 42, end: END.toISOString() },
      horizonDays: HORIZON,
      budgets,
      targeting: last.targeting,
      hillstrom: hill,
      seconds: (Date.now() - started) / 1000,
    });
    process.stdout.write(
      `bench:retention: done in ${((Date.now() - started) / 1000).toFixed(0)}s — results in ${path.relative(ROOT, file)}\n`,
    );
  } finally {
    await server?.stop();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench:retention: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
