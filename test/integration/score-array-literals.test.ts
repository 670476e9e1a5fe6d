import { arrayLiteral } from '../../src/modules/scoring/scores.repository';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// Stored attributions travel to PostgreSQL as array literals; what comes back must be what went in.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('attribution arrays as PostgreSQL array literals', () => {
  it('round-trips text with quotes, backslashes, commas, braces and NULL', async () => {
    const texts = ['plain', 'say "hi"', 'back\\slash', 'a, b', '{braced}', '', null, 'NULL'];
    const [{ back }] = await db.dataSource.query('SELECT $1::text::text[] AS back', [
      arrayLiteral(texts),
    ]);
    expect(back).toEqual(texts);
  });

  it('round-trips float8 values, tiny, huge, negative and NULL', async () => {
    const values = [0.1, -2.5e-7, 1e300, -4, 3, null];
    const [{ back }] = await db.dataSource.query('SELECT $1::text::float8[] AS back', [
      arrayLiteral(values),
    ]);
    expect(back.map((v: string | null) => (v === null ? null : Number(v)))).toEqual([
      0.1,
      -2.5e-7,
      1e300,
      -4,
      3,
      null,
    ]);
  });
});
