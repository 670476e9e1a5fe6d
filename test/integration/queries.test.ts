/** Queries over HTTP against real PostgreSQL: users, titles, connections, loaders, typed argument errors. */
import type { App } from '../../src/app/start-app';
import { Plan, UserStatus } from '../../src/modules/users/user.entity';
import { TitleType } from '../../src/modules/catalog/title.entity';
import { createTitle, createUser } from '../factories';
import { installFixtureModel } from '../factories/fixture-model';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { countQueries } from '../support/count-queries';
import { gql, startTestApp } from '../support/test-app';

let db: TestDatabase;
let app: App;
const ids: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db.url);
  for (let i = 0; i < 7; i++) {
    const u = await createUser(db.dataSource, {
      plan: i % 2 === 0 ? Plan.PREMIUM : Plan.BASIC,
      country: i < 4 ? 'DE' : 'FR',
      status: i === 6 ? UserStatus.CANCELLED : UserStatus.ACTIVE,
      cancelledAt: i === 6 ? new Date('2026-05-01T00:00:00Z') : null,
    });
    ids[`u${i}`] = u.id;
  }
  ids.drama = (
    await createTitle(db.dataSource, { name: 'The Silent Harbor', genres: ['Drama', 'Mystery'] })
  ).id;
  ids.comedy = (
    await createTitle(db.dataSource, {
      name: 'Laughing Matters',
      genres: ['Comedy'],
      type: TitleType.SERIES,
      episodeCount: 10,
      runtimeMinutes: 25,
    })
  ).id;
  ids.pct = (
    await createTitle(db.dataSource, { name: '100% Harbor_Lights', genres: ['Drama'] })
  ).id;
  await db.pool.query(
    `INSERT INTO viewing_events (client_event_id, user_id, title_id, started_at, watched_seconds, completion, device)
     SELECT 'q-' || g, $1, CASE WHEN g % 2 = 0 THEN $2::bigint ELSE $3::bigint END,
            timestamptz '2026-06-01' + g * interval '1 hour', 600, 0.5, 'TV'
     FROM generate_series(1, 15) g`,
    [ids.u0, ids.drama, ids.comedy],
  );
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

describe('users', () => {
  it('fetches one user by id and null for an unknown id', async () => {
    const res = await gql(
      app.url,
      `query($id: ID!) { user(id: $id) { id plan country status monthlyFee signupAt } missing: user(id: "987654") { id } }`,
      { id: ids.u0 },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.user).toMatchObject({
      id: ids.u0,
      plan: 'PREMIUM',
      country: 'DE',
      status: 'ACTIVE',
      monthlyFee: 13.99,
    });
    expect(res.data!.missing).toBeNull();
  });

  it('returns INVALID_ID for an id that cannot exist', async () => {
    const res = await gql(app.url, `{ user(id: "not-a-number") { id } }`);
    expect(res.errors![0].extensions).toMatchObject({
      code: 'INVALID_ID',
      category: 'BAD_USER_INPUT',
    });
  });

  it('pages through a filtered connection with stable cursors and a total count', async () => {
    const query = `query($after: String) {
      users(first: 2, after: $after, filter: { plan: PREMIUM, status: ACTIVE }) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id plan status } }
      }
    }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: any = await gql(app.url, query, { after });
      expect(res.errors).toBeUndefined();
      const conn = res.data.users;
      expect(conn.totalCount).toBe(3);
      seen.push(...conn.edges.map((e: any) => e.node.id));
      for (const e of conn.edges)
        expect(e.node).toMatchObject({ plan: 'PREMIUM', status: 'ACTIVE' });
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual([ids.u0, ids.u2, ids.u4]);
  });

  it('pages every subscriber once, in id order, across a change in the number of digits', async () => {
    // Ids 9 → 10 → 11 sort differently as text: a page ordered by the text id skipped subscribers.
    for (let i = 0; i < 6; i++)
      await createUser(db.dataSource, { plan: Plan.BASIC, country: 'US' });
    const query = `query($after: String) {
      users(first: 3, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } }
    }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res: any = await gql(app.url, query, { after });
      seen.push(...res.data.users.edges.map((e: any) => e.node.id));
      if (!res.data.users.pageInfo.hasNextPage) break;
      after = res.data.users.pageInfo.endCursor;
    }
    const all: { id: string }[] = await db.dataSource.query(
      'SELECT id::text FROM users ORDER BY users.id',
    );
    expect(all.length).toBeGreaterThanOrEqual(10);
    expect(seen).toEqual(all.map((u) => u.id));
  });

  it('filters by country', async () => {
    const res = await gql(
      app.url,
      `{ users(first: 100, filter: { country: "FR" }) { totalCount edges { node { country } } } }`,
    );
    expect(res.data!.users.totalCount).toBe(3);
  });

  it('rejects out-of-range first, a forged cursor and a bad country with typed errors', async () => {
    const big = await gql(app.url, `{ users(first: 101) { totalCount } }`);
    expect(big.errors![0].extensions).toMatchObject({
      code: 'INVALID_ARGUMENT',
      argument: 'first',
    });
    const zero = await gql(app.url, `{ users(first: 0) { totalCount } }`);
    expect(zero.errors![0].extensions!.code).toBe('INVALID_ARGUMENT');
    const cursor = await gql(app.url, `{ users(after: "bm9wZQ") { totalCount } }`);
    expect(cursor.errors![0].extensions!.code).toBe('INVALID_CURSOR');
    const country = await gql(app.url, `{ users(filter: { country: "germany" }) { totalCount } }`);
    expect(country.errors![0].extensions).toMatchObject({
      code: 'INVALID_ARGUMENT',
      argument: 'filter.country',
    });
  });

  it('serves recentEvents newest first with their titles', async () => {
    const res = await gql(
      app.url,
      `query($id: ID!) { user(id: $id) { recentEvents(first: 3) { clientEventId startedAt title { id name } } } }`,
      { id: ids.u0 },
    );
    const events = res.data!.user.recentEvents;
    expect(events.map((e: any) => e.clientEventId)).toEqual(['q-15', 'q-14', 'q-13']);
    expect(events[0].title).toEqual({ id: ids.comedy, name: 'Laughing Matters' });
    const tooMany = await gql(
      app.url,
      `query($id: ID!) { user(id: $id) { recentEvents(first: 500) { id } } }`,
      { id: ids.u0 },
    );
    expect(tooMany.errors![0].extensions!.code).toBe('INVALID_ARGUMENT');
  });

  it('batches nested lookups through DataLoader: a page of users and their events in a bounded number of statements', async () => {
    const statements = await countStatements(db, () =>
      gql(
        app.url,
        `{ users(first: 50) { edges { node { id recentEvents(first: 5) { id title { id name } user { id } } } } } }`,
      ),
    );
    // page + one recent-events batch + one titles batch + one users batch, whatever the page size
    expect(statements).toBeLessThanOrEqual(4);
  });

  it('counts the subscribers only when the client asks for totalCount', async () => {
    const page = `{ users(first: 20) { edges { node { id plan churnScore { probability riskLevel } } } } }`;
    const withCount = `{ users(first: 20) { totalCount edges { node { id } } } }`;
    // The page reads its users' latest scores in its own statement; the count is a second one.
    expect(await countStatements(db, () => gql(app.url, page))).toBe(1);
    expect(await countStatements(db, () => gql(app.url, withCount))).toBe(2);
  });

  it('plans the page statement once per connection, not at every page', async () => {
    // A LIMIT given as a parameter made PostgreSQL's generic plan look 25× dearer than a custom one
    // (it assumes a tenth of the table), so every execution was planned anew.
    const page = `{ users(first: 11) { edges { node { id churnScore { probability } } } } }`;
    const before = await plansOf('%FROM users%LIMIT 21)%');
    for (let i = 0; i < 30; i++) await gql(app.url, page);
    const after = await plansOf('%FROM users%LIMIT 21)%');
    const executions = (plans: { generic: number; custom: number }[]) =>
      plans.reduce((n, p) => n + p.generic + p.custom, 0);
    expect(executions(after) - executions(before)).toBe(30);
    // PostgreSQL tries five custom plans on a connection before it settles on the generic one.
    for (const p of after) expect(p.custom).toBeLessThanOrEqual(5);
  });

  it('reads only the score fields a page selects', async () => {
    const [thin] = await countQueries(async () => {
      await gql(app.url, `{ users(first: 2) { edges { node { churnScore { riskLevel } } } } }`);
    });
    expect(thin).toMatch(/risk_level/);
    expect(thin).not.toMatch(/scored_at\)|model_version\)/);
    const [full] = await countQueries(async () => {
      await gql(
        app.url,
        `{ users(first: 2) { edges { node { ...S } } } } fragment S on User { churnScore { scoredAt modelVersion } }`,
      );
    });
    expect(full).toMatch(/scored_at\)/);
    expect(full).toMatch(/model_version\)/);
  });

  it('returns exactly `first` users and the right hasNextPage whatever the page size', async () => {
    // The statement reads up to a rounded-up size (6, 11, 21 …) and the page drops the extra rows.
    const all = await gql<{ users: { totalCount: number } }>(app.url, `{ users { totalCount } }`);
    const total = all.data!.users.totalCount;
    for (const first of [1, 5, total - 1, total, total + 1]) {
      const res = await gql<{
        users: { edges: unknown[]; pageInfo: { hasNextPage: boolean } };
      }>(
        app.url,
        `query($first: Int!) { users(first: $first) { edges { node { id } } pageInfo { hasNextPage } } }`,
        { first },
      );
      expect(res.data!.users.edges).toHaveLength(Math.min(first, total));
      expect(res.data!.users.pageInfo.hasNextPage).toBe(first < total);
    }
  });

  it("plans a one-key lookup once per connection (a subscriber's detail)", async () => {
    const pattern = '%FROM users WHERE id = ANY(ARRAY[$1::bigint])%';
    const before = await plansOf(pattern);
    for (let i = 0; i < 30; i++) {
      const res = await gql(app.url, `query($id: ID!) { user(id: $id) { id plan } }`, {
        id: ids.u3,
      });
      expect(res.data).toEqual({ user: { id: ids.u3, plan: 'BASIC' } });
    }
    const after = await plansOf(pattern);
    const executions = (plans: { generic: number; custom: number }[]) =>
      plans.reduce((n, p) => n + p.generic + p.custom, 0);
    expect(executions(after) - executions(before)).toBe(30);
    for (const p of after) expect(p.custom).toBeLessThanOrEqual(5);
  });

  /** How each connection of the app's pool has run the statements LIKE `pattern` so far. */
  async function plansOf(pattern: string): Promise<{ generic: number; custom: number }[]> {
    const pool = (app.database.dataSource.driver as unknown as { master: import('pg').Pool })
      .master;
    const clients = await Promise.all(
      Array.from({ length: pool.totalCount }, () => pool.connect()),
    );
    try {
      const results = await Promise.all(
        clients.map((c) =>
          c.query<{ generic: number; custom: number }>(
            `SELECT generic_plans::int AS generic, custom_plans::int AS custom
               FROM pg_prepared_statements WHERE statement LIKE $1`,
            [pattern],
          ),
        ),
      );
      return results.flatMap((r) => r.rows);
    } finally {
      for (const c of clients) c.release();
    }
  }

  it('reads the columns a page selects, through fragments too, as the user query gives them', async () => {
    const fields = 'id externalId signupAt country ageBand plan monthlyFee status cancelledAt';
    const page = await gql<{ users: { edges: { node: Record<string, unknown> }[] } }>(
      app.url,
      `{ users(first: 7) { edges { node { id ...A ... on User { status cancelledAt } } } } }
       fragment A on User { externalId signupAt country ageBand plan monthlyFee }`,
    );
    expect(page.errors).toBeUndefined();
    const nodes = page.data!.users.edges.map((e) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      const one = await gql<{ user: Record<string, unknown> }>(
        app.url,
        `query($id: ID!) { user(id: $id) { ${fields} } }`,
        { id: node.id },
      );
      expect(node).toEqual(one.data!.user);
    }
    const thin = await gql<{ users: { edges: { node: Record<string, unknown> }[] } }>(
      app.url,
      '{ users(first: 1) { edges { node { plan } } } }',
    );
    expect(Object.keys(thin.data!.users.edges[0].node)).toEqual(['plan']);
  });

  it('gives each user of a page the same churnScore as the user query', async () => {
    // u0 scored twice (user_risk names the later), u1 once, u6 scored before it cancelled (no
    // user_risk row: the latest of its history), the others never.
    const version = await installFixtureModel(app.services);
    const score = (user: string, at: string, p: number) =>
      db.pool.query<{ id: string }>(
        `INSERT INTO churn_scores (user_id, model_version, probability, risk_level, scored_at, logit)
         VALUES ($1, $2, $3, 'LOW', $4, 0.5) RETURNING id::text`,
        [user, version, p, at],
      );
    await score(ids.u0, '2026-06-01T00:00:00Z', 0.1);
    const latest = (await score(ids.u0, '2026-06-02T00:00:00Z', 0.2)).rows[0].id;
    const only = (await score(ids.u1, '2026-06-02T00:00:00Z', 0.3)).rows[0].id;
    await score(ids.u6, '2026-04-01T00:00:00Z', 0.4);
    await score(ids.u6, '2026-04-02T00:00:00Z', 0.5);
    await db.pool.query(
      `INSERT INTO user_risk (user_id, score_id, probability, risk_level, model_version, scored_at)
       SELECT user_id, id, probability, risk_level, model_version, scored_at FROM churn_scores
        WHERE id = ANY($1::bigint[])`,
      [[latest, only]],
    );
    const fields = 'userId modelVersion probability riskLevel scoredAt';
    const page = await gql<{
      users: { edges: { node: { id: string; churnScore: unknown } }[] };
    }>(app.url, `{ users(first: 100) { edges { node { id churnScore { ${fields} } } } } }`);
    const nodes = page.data!.users.edges.map((e) => e.node);
    expect(nodes.some((n) => n.churnScore !== null)).toBe(true);
    for (const node of nodes) {
      const one = await gql<{ user: { churnScore: unknown } }>(
        app.url,
        `query($id: ID!) { user(id: $id) { churnScore { ${fields} } } }`,
        { id: node.id },
      );
      expect(node.churnScore).toEqual(one.data!.user.churnScore);
    }
    const probability = (id: string) =>
      (nodes.find((n) => n.id === id)?.churnScore as { probability: number } | null)?.probability;
    expect([ids.u0, ids.u1, ids.u6, ids.u2].map(probability)).toEqual([0.2, 0.3, 0.5, undefined]);
  });
});

describe('titles', () => {
  it('finds a title by id and lists by genre and search', async () => {
    const one = await gql(
      app.url,
      `query($id: ID!) { title(id: $id) { name type genres episodeCount runtimeMinutes } }`,
      { id: ids.comedy },
    );
    expect(one.data!.title).toEqual({
      name: 'Laughing Matters',
      type: 'SERIES',
      genres: ['Comedy'],
      episodeCount: 10,
      runtimeMinutes: 25,
    });
    const drama = await gql(
      app.url,
      `{ titles(genre: "Drama") { totalCount edges { node { name } } } }`,
    );
    expect(drama.data!.titles.totalCount).toBe(2);
    const search = await gql(
      app.url,
      `{ titles(search: "harbor") { totalCount edges { node { name } } } }`,
    );
    expect(search.data!.titles.edges.map((e: any) => e.node.name).sort()).toEqual([
      '100% Harbor_Lights',
      'The Silent Harbor',
    ]);
    // LIKE wildcards in the search are literal characters.
    const literal = await gql(app.url, `{ titles(search: "0% H") { totalCount } }`);
    expect(literal.data!.titles.totalCount).toBe(1);
    const wildcard = await gql(app.url, `{ titles(search: "_") { totalCount } }`);
    expect(wildcard.data!.titles.totalCount).toBe(1);
  });

  it('rejects an over-long search', async () => {
    const res = await gql(app.url, `query($s: String) { titles(search: $s) { totalCount } }`, {
      s: 'x'.repeat(101),
    });
    expect(res.errors![0].extensions!.code).toBe('INVALID_ARGUMENT');
  });
});

/** SQL statements the app sent while `fn` ran, counted at TypeORM's PostgreSQL query runner. */
async function countStatements(
  _database: TestDatabase,
  fn: () => Promise<unknown>,
): Promise<number> {
  return (
    await countQueries(async () => {
      await fn();
    })
  ).length;
}
