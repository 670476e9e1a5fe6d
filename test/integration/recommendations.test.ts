/**
 * Recommendations in the API against real PostgreSQL on a small seeded world with a trained
 * collaborative model: the next answer reflects a new event at once (fold-in from the full history),
 * finished titles never come back, a brand-new subscriber gets a sensible list, reasons name real
 * watched titles, no started title is recommended and started ones form the continueWatching row,
 * at-risk subscribers get the churn-aware re-rank, serving writes nothing, impressions reported by
 * the client and effectiveness,
 * similar titles, typed errors, and a page of 50 subscribers in a bounded number of statements.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../../src/app/start-app';
import { startOfTodayUtc } from '../../src/common/dates';
import { seedWorld } from '../../seeds';
import { LiveFeed } from '../../seeds/world/live-feed';
import { showRecommendationRows } from '../../src/commands/live-recommendations';
import { RecommendationSource } from '../../src/modules/recommendations/recommendation-source';
import { createUser, viewEvent } from '../factories';
import { installFixtureModel } from '../factories/fixture-model';
import { countQueries } from '../support/count-queries';
import { RECORD_VIEWS_ACCEPTED } from '../support/documents';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp } from '../support/test-app';

let db: TestDatabase;
let app: App;
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-recs-'));
let seq = 0;

const RECS = `query($id: ID!, $first: Int, $source: RecommendationSource) {
  user(id: $id) {
    recommendations(first: $first, source: $source) {
      listId titleId rank score source predictedCompletion
      title { id name genres }
      reasons { kind text titleId genre title { id name } }
    }
  }
}`;

async function recs(id: string, first = 10, source = 'HYBRID'): Promise<any[]> {
  const res = await gql(app.url, RECS, { id, first, source });
  expect(res.errors).toBeUndefined();
  return res.data!.user.recommendations;
}

/** Ten minutes watched `hoursAgo`; each view also moves activeViewer() on to another subscriber. */
function view(userId: string, titleId: string, completion: number, hoursAgo = 3) {
  seq += 1;
  return viewEvent(userId, titleId, completion, {
    tag: 'recs',
    minutesAgo: hoursAgo * 60,
    watchedSeconds: 600,
  });
}

/** An active subscriber with some history. */
async function activeViewer(): Promise<string> {
  const [row] = await db.dataSource.query(
    `SELECT u.id::text FROM users u JOIN viewing_events e ON e.user_id = u.id
      WHERE u.status = 'ACTIVE' GROUP BY u.id HAVING count(*) BETWEEN 10 AND 60 ORDER BY u.id LIMIT 1 OFFSET $1`,
    [seq],
  );
  return row.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await seedWorld(
    db.pool,
    { users: 600, days: 90, seed: 21, end: startOfTodayUtc() },
    { silent: true },
  );
  app = await startTestApp(db.url, { MODEL_DIR: modelDir });
  await installFixtureModel(app.services);
  await app.services.scoring.scoreAll({ silent: true });
  await app.services.recommendations.train({ seed: 3, epochs: 4, factors: 16, silent: true });
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  fs.rmSync(modelDir, { recursive: true, force: true });
});

describe('User.recommendations', () => {
  it('serves a ranked list with reasons that name real watched titles', async () => {
    const id = await activeViewer();
    const list = await recs(id);
    expect(list).toHaveLength(10);
    expect(list.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const scores = list.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const watched = new Set(
      (
        await db.dataSource.query(
          'SELECT DISTINCT title_id::text AS id FROM viewing_events WHERE user_id = $1',
          [id],
        )
      ).map((r: any) => r.id),
    );
    // The blend's reasons come from its leading sources; the collaborative list always names titles.
    const collaborative = await recs(id, 10, 'COLLABORATIVE');
    const named = [...list, ...collaborative]
      .flatMap((r) => r.reasons)
      .filter((x: any) => x.kind === 'BECAUSE_YOU_WATCHED');
    expect(collaborative.flatMap((r) => r.reasons).length).toBeGreaterThan(0);
    expect(named.length).toBeGreaterThan(0);
    for (const reason of named) {
      expect(watched.has(reason.titleId)).toBe(true);
      expect(reason.text).toBe(`Because you watched ${reason.title.name}`);
    }
    for (const r of list) expect(r.reasons.length).toBeGreaterThan(0);
  });

  it('never recommends a title the subscriber started, from any source', async () => {
    const id = await activeViewer();
    const started = new Set(
      (
        await db.dataSource.query(
          'SELECT DISTINCT title_id::text AS id FROM viewing_events WHERE user_id = $1',
          [id],
        )
      ).map((r: any) => r.id),
    );
    for (const source of Object.values(RecommendationSource)) {
      const list = await recs(id, 50, source);
      expect(list).toHaveLength(50);
      for (const r of list) expect(started.has(r.titleId)).toBe(false);
    }
  });

  it('lists started, unfinished titles in continueWatching, most recent first', async () => {
    const user = await createUser(db.dataSource, {
      signupAt: new Date(Date.now() - 30 * 86400_000),
    });
    const movies = (
      await db.dataSource.query(
        `SELECT id::text FROM titles WHERE type = 'MOVIE' ORDER BY id LIMIT 4`,
      )
    ).map((r: any) => r.id);
    await gql(app.url, RECORD_VIEWS_ACCEPTED, {
      events: [
        view(user.id, movies[0], 0.6, 30), // paused, a day ago
        view(user.id, movies[1], 0.7, 5), // paused, this morning
        view(user.id, movies[2], 0.97, 3), // finished
        view(user.id, movies[3], 0.1, 2), // abandoned
      ],
    });
    const res = await gql(
      app.url,
      `query($id: ID!) { user(id: $id) {
         continueWatching(first: 10) { titleId progress lastWatchedAt title { id } }
         recommendations(first: 50) { titleId } } }`,
      { id: user.id },
    );
    expect(res.errors).toBeUndefined();
    const row = res.data!.user.continueWatching;
    expect(row.map((r: any) => r.titleId)).toEqual([movies[1], movies[0]]);
    expect(row[0].progress).toBeCloseTo(0.7, 6);
    expect(row[0].title.id).toBe(movies[1]);
    expect(Date.parse(row[0].lastWatchedAt)).toBeGreaterThan(Date.parse(row[1].lastWatchedAt));
    const recommended = res.data!.user.recommendations.map((r: any) => r.titleId);
    for (const m of movies) expect(recommended).not.toContain(m);
  });

  it('ranks only the titles named by `among`', async () => {
    const id = await activeViewer();
    const full = await recs(id, 50);
    const among = [full[30].titleId, full[4].titleId, full[12].titleId];
    const res = await gql(
      app.url,
      `query($id: ID!, $among: [ID!]) { user(id: $id) { recommendations(first: 10, among: $among) { titleId score } } }`,
      { id, among },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.user.recommendations.map((r: any) => r.titleId)).toEqual([
      full[4].titleId,
      full[12].titleId,
      full[30].titleId,
    ]);
  });

  it('changes the very next answer after one event (fold-in from the full history)', async () => {
    const id = await activeViewer();
    const before = await recs(id, 10);
    const top = before[0];
    // Finish the top recommendation: it must go, and the list must move.
    const [title] = await db.dataSource.query('SELECT type FROM titles WHERE id = $1', [
      top.titleId,
    ]);
    const res = await gql(app.url, RECORD_VIEWS_ACCEPTED, {
      events: [view(id, top.titleId, title.type === 'MOVIE' ? 0.97 : 0.95, 1)],
    });
    expect(res.data!.recordViewingEvents.accepted).toBe(1);
    const after = await recs(id, 10);
    expect(after.map((r) => r.titleId)).not.toEqual(before.map((r) => r.titleId));
    if (title.type === 'MOVIE') expect(after.map((r) => r.titleId)).not.toContain(top.titleId);
  });

  it('gives a brand-new subscriber with no history a sensible non-empty list', async () => {
    const fresh = await createUser(db.dataSource, { signupAt: new Date(Date.now() - 3600_000) });
    const list = await recs(fresh.id, 10);
    expect(list).toHaveLength(10);
    for (const r of list) {
      expect(['POPULAR_IN_SEGMENT', 'TRENDING']).toContain(r.source);
      expect(r.reasons.every((x: any) => x.kind !== 'BECAUSE_YOU_WATCHED')).toBe(true);
    }
  });

  it('re-ranks an at-risk subscriber toward titles similar subscribers finish, and says so', async () => {
    // The fixture model puts a subscriber with only abandoned views at CRITICAL.
    const user = await createUser(db.dataSource, {
      signupAt: new Date(Date.now() - 20 * 86400_000),
    });
    const titles = (
      await db.dataSource.query(
        `SELECT id::text FROM titles WHERE type = 'MOVIE' ORDER BY id LIMIT 3`,
      )
    ).map((r: any) => r.id);
    await gql(app.url, RECORD_VIEWS_ACCEPTED, {
      events: titles.map((t: string, i: number) => view(user.id, t, 0.05, 5 + i)),
    });
    const score = await gql(
      app.url,
      `query($id: ID!) { user(id: $id) { churnScore { riskLevel } } }`,
      { id: user.id },
    );
    expect(score.data!.user.churnScore.riskLevel).toBe('CRITICAL');
    const list = await recs(user.id, 10);
    expect(list.every((r) => typeof r.predictedCompletion === 'number')).toBe(true);
    const likely = list.flatMap((r) => r.reasons).filter((x: any) => x.kind === 'LIKELY_TO_FINISH');
    expect(likely.length).toBeGreaterThan(0);
    expect(likely[0].text).toMatch(/Viewers like you usually finish this/);
    // A LOW-risk subscriber's list is not re-ranked.
    const low = await recs(await activeViewer(), 10);
    expect(low.every((r) => r.predictedCompletion === null)).toBe(true);
  });

  it('writes nothing when serving; records the impressions a client reports and attributes later views', async () => {
    seq += 50; // a subscriber no other test has been shown anything
    const id = await activeViewer();
    // Deliberate: `since` must fall strictly after every earlier test's writes (a time boundary).
    await new Promise((r) => setTimeout(r, 50));
    const since = new Date().toISOString();
    const count = async () =>
      (
        await db.dataSource.query(
          'SELECT count(*)::int AS n FROM recommendation_impressions WHERE user_id = $1',
          [id],
        )
      )[0].n;
    const list = await recs(id, 5);
    expect(await count()).toBe(0); // a query is a read
    expect(new Set(list.map((r) => r.listId)).size).toBe(1);
    // The client shows the five and says so.
    const shown = await gql(
      app.url,
      `mutation($i: [RecommendationImpressionInput!]!) { recordRecommendationImpressions(impressions: $i) { recorded } }`,
      {
        i: list.map((r) => ({
          listId: r.listId,
          userId: id,
          titleId: r.titleId,
          rank: r.rank,
          source: r.source,
          score: r.score,
          reasons: r.reasons.map((x: any) => x.text),
        })),
      },
    );
    expect(shown.errors).toBeUndefined();
    expect(shown.data!.recordRecommendationImpressions.recorded).toBe(5);
    expect(await count()).toBe(5);
    // The subscriber starts the second recommendation a moment after it was shown (deliberate: the
    // view must start strictly after the impression to be attributed to it).
    await new Promise((r) => setTimeout(r, 20));
    await gql(app.url, RECORD_VIEWS_ACCEPTED, {
      events: [
        {
          ...view(id, list[1].titleId, 0.8),
          startedAt: new Date().toISOString(),
          watchedSeconds: 0,
        },
      ],
    });
    const res = await gql(
      app.url,
      `query($since: DateTimeISO) { recommendationEffectiveness(since: $since) {
        impressions recommendedPairs usersShown taken uptakeRate recommendedViews organicViews recommendedCompletion
        usersWhoTook usersWhoDidNot churnRateTook churnRateDidNot } }`,
      { since },
    );
    expect(res.errors).toBeUndefined();
    const e = res.data!.recommendationEffectiveness;
    expect(e).toMatchObject({
      impressions: 5,
      recommendedPairs: 5,
      usersShown: 1,
      taken: 1,
      recommendedViews: 1,
      usersWhoTook: 1,
    });
    expect(e.uptakeRate).toBeCloseTo(0.2, 10);
    expect(e.recommendedCompletion).toBeCloseTo(0.8, 5);
  });

  it('lets the demo feed show rows, report them and take titles with the world’s true uptake', async () => {
    const subscribers = (
      await db.dataSource.query(
        `SELECT u.id::text AS id, u.signup_at, l.engagement, l.taste
           FROM users u JOIN sim.user_latent l ON l.user_id = u.id WHERE u.status = 'ACTIVE' ORDER BY u.id`,
      )
    ).map((r: any) => ({
      id: r.id,
      signupAt: new Date(r.signup_at).getTime(),
      engagement: r.engagement,
      taste: r.taste,
    }));
    const titles = (
      await db.dataSource.query(
        `SELECT id::text AS id, genres, runtime_minutes AS "runtimeMinutes", 0 AS views FROM titles`,
      )
    ).map((r: any) => r);
    const feed = new LiveFeed(subscribers, titles, {
      seed: 8,
      driftingShare: 0,
      driftTurnoverPerMinute: 0,
    });
    const since = new Date().toISOString();
    const totals = { rowsShown: 0, titlesTaken: 0 };
    const taken = await showRecommendationRows(
      app.url,
      { 'content-type': 'application/json' },
      feed,
      30,
      totals,
    );
    expect(totals.rowsShown).toBe(30);
    expect(totals.titlesTaken).toBe(taken.length);
    expect(taken.length).toBeGreaterThan(0);
    const res = await gql(app.url, RECORD_VIEWS_ACCEPTED, {
      events: taken.map((e, k) => ({
        clientEventId: `feed-${k}`,
        userId: e.userId,
        titleId: e.titleId,
        startedAt: e.startedAt.toISOString(),
        watchedSeconds: e.watchedSeconds,
        completion: e.completion,
        device: e.device,
      })),
    });
    expect(res.errors).toBeUndefined();
    const eff = await gql(
      app.url,
      `query($since: DateTimeISO) { recommendationEffectiveness(since: $since) { impressions taken } }`,
      { since },
    );
    expect(eff.data!.recommendationEffectiveness.impressions).toBe(300);
    expect(eff.data!.recommendationEffectiveness.taken).toBeGreaterThanOrEqual(taken.length - 2);
  });

  it('rejects bad impressions with typed errors and records nothing', async () => {
    const id = await activeViewer();
    const [item] = await recs(id, 1);
    const good = {
      listId: item.listId,
      userId: id,
      titleId: item.titleId,
      rank: 1,
      source: 'HYBRID',
      score: item.score,
    };
    const before = (
      await db.dataSource.query('SELECT count(*)::int AS n FROM recommendation_impressions')
    )[0].n;
    const send = (i: unknown[]) =>
      gql(
        app.url,
        `mutation($i: [RecommendationImpressionInput!]!) { recordRecommendationImpressions(impressions: $i) { recorded } }`,
        { i },
      );
    for (const bad of [
      [good, { ...good, listId: 'not-a-list' }],
      [good, { ...good, rank: 0 }],
      [good, { ...good, userId: '999999999' }],
      [],
    ]) {
      const res = await send(bad);
      expect(res.errors![0].extensions).toMatchObject({
        code: 'INVALID_ARGUMENT',
        argument: 'impressions',
      });
    }
    const after = (
      await db.dataSource.query('SELECT count(*)::int AS n FROM recommendation_impressions')
    )[0].n;
    expect(after).toBe(before);
  });

  it('rejects bad arguments with typed errors', async () => {
    const id = await activeViewer();
    const big = await gql(app.url, RECS, { id, first: 51 });
    expect(big.errors![0].extensions).toMatchObject({
      code: 'INVALID_ARGUMENT',
      argument: 'first',
    });
    const unknown = await gql(app.url, `{ similarTitles(titleId: "999999") { titleId } }`);
    expect(unknown.errors![0].extensions!.code).toBe('TITLE_NOT_FOUND');
    const future = await gql(
      app.url,
      `{ recommendationEffectiveness(since: "2999-01-01T00:00:00Z") { impressions } }`,
    );
    expect(future.errors![0].extensions!.code).toBe('INVALID_ARGUMENT');
  });

  it('answers similarTitles with titles of shared genres', async () => {
    const [t] = await db.dataSource.query(
      `SELECT id::text, genres FROM titles ORDER BY id LIMIT 1`,
    );
    const res = await gql(
      app.url,
      `query($id: ID!) { similarTitles(titleId: $id, first: 5) { titleId score title { genres } } }`,
      {
        id: t.id,
      },
    );
    const list = res.data!.similarTitles;
    expect(list).toHaveLength(5);
    expect(list.map((s: any) => s.titleId)).not.toContain(t.id);
    expect(list.some((s: any) => s.title.genres.some((g: string) => t.genres.includes(g)))).toBe(
      true,
    );
  });

  it('recommends for a page of 50 subscribers in a bounded number of SQL statements', async () => {
    await recs(await activeViewer(), 1); // warm: the serving state is built once
    const counted = await countQueries(async () => {
      const res = await gql(
        app.url,
        `{ users(first: 50, filter: { status: ACTIVE }) { edges { node { id recommendations(first: 5) { title { name } reasons { text } } } } } }`,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.users.edges.every((e: any) => e.node.recommendations.length === 5)).toBe(
        true,
      );
    });
    // Page, latest scores, histories (one statement: every stamp, the changed histories), titles;
    // segments come with the serving state. No writes.
    expect(counted.length).toBeLessThanOrEqual(4);
    expect(counted.some((q: string) => /INSERT/i.test(q))).toBe(false);
  });
});
