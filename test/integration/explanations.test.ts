/**
 * Explanations in the API against real PostgreSQL: stored with every score and served from the store,
 * computed on demand beyond the stored top, complete (contributions add up to logit − baseline), with
 * readable reasons; global importance from a batch scoring; and a page of 50 explained subscribers in
 * a bounded number of SQL statements (DataLoader).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../../src/app/start-app';
import { scoreEveryone } from '../../src/app/ensure-model';
import { createTitle, createUser } from '../factories';
import { installFixtureModel } from '../factories/fixture-model';
import { countQueries } from '../support/count-queries';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp } from '../support/test-app';

let db: TestDatabase;
let app: App;
let version: string;
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-explain-'));
const users: string[] = [];

const EXPLAIN = `query($id: ID!, $top: Int) {
  user(id: $id) {
    explanation(top: $top) {
      modelVersion method source baseProbability averageProbability probability baselineLogit logit otherContributions
      completenessError summary
      contributions { feature label value valueText typicalValue typicalValueText contribution direction reason
        unit plainValue typicalPlainValue comparedTo pairedFeature pairedPlainValue }
    }
  }
}`;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db.url, { MODEL_DIR: modelDir });
  const title = await createTitle(db.dataSource, { runtimeMinutes: 100 });
  version = await installFixtureModel(app.services);
  for (let i = 0; i < 60; i++) {
    users.push(
      (await createUser(db.dataSource, { signupAt: new Date(Date.now() - (10 + i) * 86400_000) }))
        .id,
    );
  }
  // Some watch and finish, some abandon, some never watch.
  const events = users.slice(0, 40).map((userId, i) => ({
    clientEventId: `explain-${i}`,
    userId,
    titleId: title.id,
    startedAt: new Date(Date.now() - (5 + (i % 4)) * 3600_000).toISOString(),
    watchedSeconds: i % 2 === 0 ? 5700 : 300,
    completion: i % 2 === 0 ? 0.95 : 0.05,
    device: 'TV',
  }));
  const res = await gql(
    app.url,
    `mutation($e: [ViewingEventInput!]!) { recordViewingEvents(events: $e) { accepted } }`,
    {
      e: events,
    },
  );
  expect(res.data!.recordViewingEvents.accepted).toBe(40);
  await scoreEveryone(app.services);
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  fs.rmSync(modelDir, { recursive: true, force: true });
});

describe('User.explanation', () => {
  it('words every contribution in plain units and says what it is compared with', async () => {
    const res = await gql(app.url, EXPLAIN, { id: users[1], top: 12 });
    expect(res.errors).toBeUndefined();
    const e = res.data!.user.explanation;
    for (const c of e.contributions) {
      expect(['OWN_PAST', 'EVERYONE']).toContain(c.comparedTo);
      expect(c.reason).not.toMatch(/viewing level/i);
      if (c.value !== null && c.unit !== null) expect(c.plainValue).toEqual(expect.any(Number));
      if (c.pairedFeature !== null) {
        expect(c.comparedTo).toBe('OWN_PAST');
        expect(c.reason).toMatch(/^Viewing (fell|rose|held steady)/);
      }
    }
    // A pair is one change: its two halves never both appear.
    const features = e.contributions.map((c: any) => c.feature);
    const paired = e.contributions
      .filter((c: any) => c.pairedFeature)
      .map((c: any) => c.pairedFeature);
    for (const p of paired) expect(features).not.toContain(p);
    const sum =
      e.contributions.reduce((s: number, c: any) => s + c.contribution, 0) + e.otherContributions;
    expect(Math.abs(sum - (e.logit - e.baselineLogit))).toBeLessThan(1e-3);
  });

  it('serves the stored top contributions of the latest score, complete to the logit', async () => {
    const res = await gql(app.url, EXPLAIN, { id: users[1], top: 5 });
    expect(res.errors).toBeUndefined();
    const e = res.data!.user.explanation;
    expect(e).toMatchObject({ modelVersion: version, method: 'linear', source: 'STORED' });
    expect(e.contributions).toHaveLength(5);
    const sum =
      e.contributions.reduce((s: number, c: any) => s + c.contribution, 0) + e.otherContributions;
    expect(Math.abs(sum - (e.logit - e.baselineLogit))).toBeLessThan(1e-9);
    expect(e.completenessError).toBeLessThan(1e-6);
    // Largest first, directions follow the signs, and the fixture's drivers lead.
    const mags = e.contributions.map((c: any) => Math.abs(c.contribution));
    expect(mags).toEqual([...mags].sort((a: number, b: number) => b - a));
    for (const c of e.contributions) {
      expect(c.direction).toBe(c.contribution >= 0 ? 'RAISES_RISK' : 'LOWERS_RISK');
      expect(c.reason.length).toBeGreaterThan(5);
      expect(c.label.length).toBeGreaterThan(2);
    }
    const abandoned = e.contributions.find((c: any) => c.feature === 'abandoned_share_30d');
    expect(abandoned).toMatchObject({
      value: 1,
      direction: 'RAISES_RISK',
      reason: expect.stringMatching(/Abandoned 100% of sessions/),
    });
    expect(e.probability).toBeGreaterThan(e.baseProbability);
    // The fixture records no evaluation churn rate: no average to compare with, so none is claimed.
    expect(e.averageProbability).toBeNull();
    expect(e.summary).toMatch(/^\d+(\.\d)?% risk: /);
    expect(e.summary).not.toMatch(/average subscriber/);
  });

  it('computes more contributions than are stored on demand, with the same completeness', async () => {
    const res = await gql(app.url, EXPLAIN, { id: users[0], top: 12 });
    const e = res.data!.user.explanation;
    expect(e).toMatchObject({ source: 'COMPUTED', method: 'linear' });
    // 12 features, a recent/usual pair listed together counting as one change.
    const features = e.contributions.flatMap((c: any) =>
      c.pairedFeature ? [c.feature, c.pairedFeature] : [c.feature],
    );
    expect(features).toHaveLength(12);
    const sum =
      e.contributions.reduce((s: number, c: any) => s + c.contribution, 0) + e.otherContributions;
    expect(Math.abs(sum - (e.logit - e.baselineLogit))).toBeLessThan(1e-9);
    // Computed now, the watch-time trend reads as hours in each fortnight.
    const trend = e.contributions.find((c: any) => c.feature === 'watch_trend_14d');
    expect(trend).toBeDefined();
    expect(trend.comparedTo).toBe('OWN_PAST');
    expect(trend.reason).toMatch(
      /^Watched [\d.,]+ h in the last 14 days, [\d.,]+ h in the 14 before$/,
    );
    // The finished views of users[0] lower their risk.
    expect(e.contributions.find((c: any) => c.feature === 'abandoned_share_30d').direction).toBe(
      'LOWERS_RISK',
    );
  });

  it('rejects an out-of-range top with a typed error', async () => {
    const res = await gql(app.url, EXPLAIN, { id: users[0], top: 31 });
    expect(res.errors![0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'top' });
  });

  it('explains a page of 50 subscribers in a bounded number of SQL statements', async () => {
    const counted = await countQueries(async () => {
      const res = await gql(
        app.url,
        `{ users(first: 50) { edges { node { id explanation { probability summary contributions { feature reason } } } } } }`,
      );
      expect(res.errors).toBeUndefined();
      const nodes = res.data!.users.edges.map((e: any) => e.node);
      expect(nodes).toHaveLength(50);
      expect(nodes.every((n: any) => n.explanation?.contributions.length === 5)).toBe(true);
    });
    // The page, its count, latest scores, stored attributions (and the odd active-model lookup).
    expect(counted.length).toBeLessThanOrEqual(8);
  });
});

describe('featureImportance', () => {
  it('reports mean |attribution| over the subscribers of the last batch scoring, largest first', async () => {
    const res = await gql(
      app.url,
      `{ featureImportance { modelVersion attributionRows meanAbsAttribution { feature label importance signed } permutation { feature } } }`,
    );
    const r = res.data!.featureImportance;
    expect(r.modelVersion).toBe(version);
    expect(r.attributionRows).toBe(60);
    const top = r.meanAbsAttribution.map((x: any) => x.feature);
    expect(top.slice(0, 2).sort()).toEqual(['abandoned_share_30d', 'days_since_last_view']);
    const values = r.meanAbsAttribution.map((x: any) => x.importance);
    expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
    // The fixture was not trained here, so there is no validation snapshot to permute.
    expect(r.permutation).toEqual([]);
  });

  it('names unknown versions with MODEL_NOT_FOUND', async () => {
    const res = await gql(app.url, `{ featureImportance(modelVersion: "nope") { modelVersion } }`);
    expect(res.errors![0].extensions!.code).toBe('MODEL_NOT_FOUND');
  });
});
