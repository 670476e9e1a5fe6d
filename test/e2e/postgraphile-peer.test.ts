/**
 * bench:read's PostGraphile peer answers its page query with the page our users query returns (same
 * users in id order, their risk or null), so the side-by-side compares like with like. Runs the built
 * peer (npm run build, which `npm test` runs first); skipped only when it is not built.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startPostGraphilePeer, type PostGraphilePeer } from '../../bench/postgraphile-peer';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'bench', 'postgraphile-peer-server.js');
const describeIfBuilt = fs.existsSync(SERVER) ? describe : describe.skip;

describeIfBuilt('PostGraphile peer (bench:read)', () => {
  let db: TestDatabase;
  let peer: PostGraphilePeer | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(`
      INSERT INTO users (id, external_id, signup_at, country, age_band, plan, monthly_fee, status, cancelled_at)
      VALUES (3, 'u3', now(), 'US', '25-34', 'PREMIUM', 17.99, 'ACTIVE', NULL),
             (1, 'u1', now(), 'GB', '18-24', 'BASIC', 6.99, 'ACTIVE', NULL),
             (2, 'u2', now(), 'DE', '35-44', 'STANDARD', 12.99, 'CANCELLED', now())`);
    await db.pool.query(`
      INSERT INTO user_risk (user_id, score_id, probability, risk_level, model_version, scored_at)
      VALUES (1, 10, 0.125, 'LOW', 'm', now()), (3, 11, 0.875, 'CRITICAL', 'm', now())`);
    // The peer is a devDependency installed with the rest: failing to start is a failure.
    peer = await startPostGraphilePeer(db.url);
  });

  afterAll(async () => {
    await peer?.stop();
    await db?.drop();
  });

  it('returns the users page by id with each risk or null', async () => {
    const res = await fetch(peer!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: peer!.query }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      data: {
        allUsers: {
          nodes: [
            {
              id: '1',
              plan: 'BASIC',
              status: 'ACTIVE',
              userRiskByUserId: { probability: 0.125, riskLevel: 'LOW' },
            },
            { id: '2', plan: 'STANDARD', status: 'CANCELLED', userRiskByUserId: null },
            {
              id: '3',
              plan: 'PREMIUM',
              status: 'ACTIVE',
              userRiskByUserId: { probability: 0.875, riskLevel: 'CRITICAL' },
            },
          ],
        },
      },
    });
  });
});
