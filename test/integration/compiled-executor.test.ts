/**
 * The HTTP executor compiles an operation on its second execution (graphql-jit): every answer of a
 * compiled operation, data and errors alike, must be the one graphql-js gave it the first time.
 */
import type { App } from '../../src/app/start-app';
import { Plan, UserStatus } from '../../src/modules/users/user.entity';
import { createTitle, createUser } from '../factories';
import { installFixtureModel } from '../factories/fixture-model';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, type GqlResponse } from '../support/test-app';
import { startTestApp } from '../support/test-app';

let db: TestDatabase;
let app: App;
const ids: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db.url);
  for (let i = 0; i < 4; i++) {
    const u = await createUser(db.dataSource, {
      plan: i % 2 === 0 ? Plan.PREMIUM : Plan.BASIC,
      status: i === 3 ? UserStatus.CANCELLED : UserStatus.ACTIVE,
      cancelledAt: i === 3 ? new Date('2026-05-01T00:00:00Z') : null,
    });
    ids.push(u.id);
  }
  await createTitle(db.dataSource, { name: 'Harbor Lights', genres: ['Drama'] });
  const version = await installFixtureModel(app.services);
  await db.pool.query(
    `INSERT INTO churn_scores (user_id, model_version, probability, risk_level, scored_at, logit)
     VALUES ($1, $2, 0.3, 'MEDIUM', '2026-06-02T00:00:00Z', 0.5)`,
    [ids[0], version],
  );
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

/** The same request three times: the first runs on graphql-js, the others compiled. */
async function thrice(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlResponse[]> {
  const answers: GqlResponse[] = [];
  for (let i = 0; i < 3; i++) answers.push(await gql(app.url, query, variables));
  return answers;
}

describe('compiled executor', () => {
  it.each([
    [
      'a page with fragments, aliases and nested scores',
      `query Page($first: Int!) {
         users(first: $first) {
           pageInfo { hasNextPage endCursor }
           edges { cursor node { ...U also: plan churnScore { probability riskLevel scoredAt } } }
         }
       }
       fragment U on User { id status __typename }`,
      { first: 3 },
    ],
    [
      'a user and a missing one',
      `query($id: ID!) { user(id: $id) { id plan } none: user(id: "999999") { id } }`,
    ],
    [
      'titles with a search',
      `{ titles(first: 5, search: "harbor") { edges { node { id name genres } } } }`,
    ],
    ['a typed argument error', `{ users(first: 0) { edges { node { id } } } }`],
    ['an invalid id', `{ user(id: "x1") { id } }`],
    [
      'a skipped and an included field',
      `query($yes: Boolean!) { users(first: 2) { edges { node { id plan @skip(if: $yes) status @include(if: $yes) } } } }`,
      { yes: true },
    ],
  ])('answers %s as graphql-js does', async (_name, query, ...rest: unknown[]) => {
    // (A rest parameter: Jest reads a declared parameter beyond the row's as a `done` callback.)
    // A query without variables of its own asks for the first subscriber ($id, when it has one).
    const variables = (rest[0] as Record<string, unknown> | undefined) ?? { id: ids[0] };
    const [first, ...compiled] = await thrice(query, variables);
    for (const answer of compiled) expect(answer).toEqual(first);
  });

  it('refuses bad variables with the same BAD_USER_INPUT error every time', async () => {
    const answers = await thrice(
      `query($first: Int!) { users(first: $first) { edges { node { id } } } }`,
      {
        first: 'ten',
      },
    );
    expect(answers[0].errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
  });
});
