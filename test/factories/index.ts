/** Rows for tests, inserted through the real database. Overrides win; defaults are plausible. */
import type { DataSource } from 'typeorm';
import { Title, TitleType } from '../../src/modules/catalog/title.entity';
import { Plan, User, UserStatus } from '../../src/modules/users/user.entity';

export * from './events';

let counter = 0;

export async function createUser(ds: DataSource, overrides: Partial<User> = {}): Promise<User> {
  counter += 1;
  const user = ds.getRepository(User).create({
    externalId: `test-user-${process.pid}-${counter}`,
    signupAt: new Date('2026-01-01T00:00:00Z'),
    country: 'DE',
    ageBand: '25-34',
    plan: Plan.STANDARD,
    monthlyFee: 13.99,
    status: UserStatus.ACTIVE,
    cancelledAt: null,
    ...overrides,
  });
  return ds.getRepository(User).save(user);
}

export async function createTitle(ds: DataSource, overrides: Partial<Title> = {}): Promise<Title> {
  counter += 1;
  const title = ds.getRepository(Title).create({
    name: `Test Title ${counter}`,
    type: TitleType.MOVIE,
    genres: ['Drama'],
    releaseYear: 2024,
    runtimeMinutes: 100,
    episodeCount: 1,
    maturity: 'PG-13',
    description: 'A test title.',
    tags: ['test'],
    ...overrides,
  });
  return ds.getRepository(Title).save(title);
}

/** Row counts of every table recordViewingEvents could touch: compare before and after a rejected call. */
export async function rowCounts(ds: DataSource): Promise<Record<string, number>> {
  const [row] = await ds.query(`SELECT
    (SELECT count(*)::int FROM viewing_events) AS viewing_events,
    (SELECT count(*)::int FROM users) AS users,
    (SELECT count(*)::int FROM titles) AS titles,
    (SELECT count(*)::int FROM subscription_events) AS subscription_events`);
  return row;
}
