/**
 * Segment runs against real PostgreSQL on a small seeded world: k chosen by silhouette among 4..8 with
 * a smallest-segment floor, at least four segments whose label words hold for their members' medians,
 * breakdowns in natural order, churners against stayers in plain units, segments covering every
 * active subscriber, churn patterns from observed labels, ids and labels stable
 * when the same data is clustered again (with drift reported), and the GraphQL surface (segments,
 * segment(id).users pagination, User.segment, runSegmentation).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../../src/app/start-app';
import { startOfTodayUtc } from '../../src/common/dates';
import { seedWorld } from '../../seeds';
import { labelClaims } from '../../src/modules/segments/segment-features';
import { installFixtureModel } from '../factories/fixture-model';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp } from '../support/test-app';

let db: TestDatabase;
let app: App;
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-segments-'));

const SEGMENTS = `{
  segmentRun { id k kCriterion silhouette silhouetteByK { k silhouette smallestShare eligible } fittedUsers assignedUsers features }
  segments {
    id runId label size share churnRate meanRisk
    traits { feature label z direction value average unit median everyoneMedian summary }
    riskDistribution { level users }
    drift { previousRunId previousSize sizeChange previousChurnRate churnRateChange centroidDistance }
    churnPatterns {
      byPlan { group users churned churnRate }
      byTenure { group users churnRate }
      byTrend { group users churnRate }
      separatingFeatures { feature label unit churnerMedian stayerMedian summary }
      explainedRows
    }
  }
}`;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedWorld(
    db.pool,
    { users: 700, days: 120, seed: 11, end: startOfTodayUtc() },
    { silent: true },
  );
  app = await startTestApp(db.url, { MODEL_DIR: modelDir });
  await installFixtureModel(app.services);
  await app.services.scoring.scoreAll({ silent: true });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  fs.rmSync(modelDir, { recursive: true, force: true });
});

describe('segments', () => {
  let first: any;

  it('clusters, labels and places every active subscriber', async () => {
    const run = await gql(
      app.url,
      `mutation { runSegmentation(seed: 7) { id k fittedUsers assignedUsers } }`,
    );
    expect(run.errors).toBeUndefined();
    const res = await gql(app.url, SEGMENTS);
    expect(res.errors).toBeUndefined();
    first = res.data!;
    const { segmentRun, segments } = first;
    const [{ active }] = await db.dataSource.query(
      `SELECT count(*)::int AS active FROM users WHERE status = 'ACTIVE'`,
    );
    expect(segmentRun.assignedUsers).toBe(active);
    expect(segmentRun.k).toBe(segments.length);
    // k among 4..8: the best silhouette among k whose smallest segment holds ≥ 5%.
    expect(segmentRun.silhouetteByK.map((s: any) => s.k)).toEqual([4, 5, 6, 7, 8]);
    expect(segmentRun.k).toBeGreaterThanOrEqual(4);
    expect(segmentRun.kCriterion).toMatch(/silhouette.*5%/);
    const eligible = segmentRun.silhouetteByK.filter((s: any) => s.eligible);
    expect(eligible.length).toBeGreaterThan(0);
    for (const s of segmentRun.silhouetteByK) expect(s.eligible).toBe(s.smallestShare >= 0.05);
    const best = Math.max(...eligible.map((s: any) => s.silhouette));
    const chosen = segmentRun.silhouetteByK.find((s: any) => s.k === segmentRun.k);
    expect(chosen.eligible).toBe(true);
    expect(chosen.silhouette).toBeCloseTo(best, 12);
    expect(segments.reduce((n: number, s: any) => n + s.size, 0)).toBe(active);
    expect(new Set(segments.map((s: any) => s.label)).size).toBe(segments.length);
    for (const s of segments) {
      expect(s.churnRate).toBeGreaterThanOrEqual(0);
      expect(s.churnRate).toBeLessThanOrEqual(1);
      expect(s.traits.length).toBeGreaterThan(0);
      expect(s.riskDistribution.map((r: any) => r.level)).toEqual([
        'LOW',
        'MEDIUM',
        'HIGH',
        'CRITICAL',
      ]);
      expect(s.riskDistribution.reduce((n: number, r: any) => n + r.users, 0)).toBe(s.size);
      expect(s.drift).toBeNull(); // the first run has nothing to drift from
      const fitted = s.churnPatterns.byPlan.reduce((n: number, g: any) => n + g.users, 0);
      expect(s.churnPatterns.byTenure.reduce((n: number, g: any) => n + g.users, 0)).toBe(fitted);
      expect(s.churnPatterns.byTrend.reduce((n: number, g: any) => n + g.users, 0)).toBe(fitted);
      expect(s.churnPatterns.explainedRows).toBeGreaterThan(0);
      // Natural orders, whatever the sizes.
      const order = (groups: any[], natural: string[]) =>
        groups.map((g) => g.group).sort((a, b) => natural.indexOf(a) - natural.indexOf(b));
      const plans = ['BASIC', 'STANDARD', 'PREMIUM'];
      expect(s.churnPatterns.byPlan.map((g: any) => g.group)).toEqual(
        order(s.churnPatterns.byPlan, plans),
      );
      const bands = ['0–3 months', '3–12 months', '1 year +'];
      expect(s.churnPatterns.byTenure.map((g: any) => g.group)).toEqual(
        order(s.churnPatterns.byTenure, bands),
      );
      const trends = ['declining', 'steady', 'growing'];
      expect(s.churnPatterns.byTrend.map((g: any) => g.group)).toEqual(
        order(s.churnPatterns.byTrend, trends),
      );
      // Churners against stayers in plain units, not log-odds.
      for (const f of s.churnPatterns.separatingFeatures) {
        expect(f.unit).toEqual(expect.any(String));
        expect(f.summary).toMatch(/^churners: .+ median, stayers .+/);
      }
      // Traits in plain units beside everyone's.
      for (const t of s.traits) {
        expect(t.unit).toEqual(expect.any(String));
        expect(t.summary).toContain('(everyone: ');
      }
    }
    // At least four segments, each label's words true of its members' medians.
    expect(segments.length).toBeGreaterThanOrEqual(4);
    for (const s of segments) {
      const medians = Object.fromEntries(s.traits.map((t: any) => [t.feature, t.median]));
      const claims = labelClaims(s.label, medians);
      for (const c of claims) expect({ label: s.label, ...c }).toMatchObject({ holds: true });
      const words = s.label.toLowerCase().split(' ');
      const known = new Set([
        'typical',
        'viewers',
        ...claims.flatMap((c) => c.word.toLowerCase().split(' ')),
      ]);
      expect(words.filter((w: string) => !known.has(w) && !/^\d+$/.test(w))).toEqual([]);
    }
    // Observed churn over the segments matches the snapshot's overall rate.
    const fittedTotal = segments.reduce(
      (n: number, s: any) =>
        n + s.churnPatterns.byPlan.reduce((m: number, g: any) => m + g.users, 0),
      0,
    );
    expect(fittedTotal).toBe(segmentRun.fittedUsers);
  });

  it('keeps ids and labels when the same data is clustered again, and reports the drift', async () => {
    await gql(app.url, `mutation { runSegmentation(seed: 7) { id } }`);
    const again = (await gql(app.url, SEGMENTS)).data!;
    expect(again.segmentRun.id).not.toBe(first.segmentRun.id);
    const byId = (list: any[]) => Object.fromEntries(list.map((s) => [s.id, s]));
    const a = byId(first.segments);
    const b = byId(again.segments);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const id of Object.keys(a)) {
      expect(b[id].label).toBe(a[id].label);
      expect(b[id].size).toBe(a[id].size);
      expect(b[id].drift).toMatchObject({
        previousRunId: first.segmentRun.id,
        sizeChange: 0,
        churnRateChange: 0,
      });
      expect(b[id].drift.centroidDistance).toBeLessThan(1e-9);
    }
    // Memberships are the same too.
    const [{ moved }] = await db.dataSource.query(
      `SELECT count(*)::int AS moved FROM user_segments a JOIN user_segments b USING (user_id)
        WHERE a.run_id = $1 AND b.run_id = $2 AND a.segment_id <> b.segment_id`,
      [first.segmentRun.id, again.segmentRun.id],
    );
    expect(moved).toBe(0);
  });

  it('pages through a segment and tells each subscriber their segment', async () => {
    const seg = first.segments[0];
    const page1 = await gql(
      app.url,
      `query($id: ID!) { segment(id: $id) { id users(first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { node { id segment { id label } } } } } }`,
      { id: seg.id },
    );
    const users = page1.data!.segment.users;
    expect(users.totalCount).toBe(seg.size);
    expect(users.edges).toHaveLength(5);
    expect(
      users.edges.every(
        (e: any) => e.node.segment.id === seg.id && e.node.segment.label === seg.label,
      ),
    ).toBe(true);
    const page2 = await gql(
      app.url,
      `query($id: ID!, $after: String) { segment(id: $id) { users(first: 5, after: $after) { edges { node { id } } } } }`,
      {
        id: seg.id,
        after: users.pageInfo.endCursor,
      },
    );
    const ids1 = users.edges.map((e: any) => Number(e.node.id));
    const ids2 = page2.data!.segment.users.edges.map((e: any) => Number(e.node.id));
    expect(Math.min(...ids2)).toBeGreaterThan(Math.max(...ids1));
  });

  it('bounds every list argument and rejects bad ids with typed errors', async () => {
    const seg = first.segments[0];
    const big = await gql(
      app.url,
      `query($id: ID!) { segment(id: $id) { users(first: 101) { totalCount } } }`,
      { id: seg.id },
    );
    expect(big.errors![0].extensions!.code).toBe('INVALID_ARGUMENT');
    const bad = await gql(app.url, `{ segment(id: "x") { id } }`);
    expect(bad.errors![0].extensions!.code).toBe('INVALID_ARGUMENT');
    const none = await gql(app.url, `{ segment(id: "999") { id } }`);
    expect(none.data!.segment).toBeNull();
  });
});
