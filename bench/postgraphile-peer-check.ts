/**
 * `node dist/bench/postgraphile-peer-check.js` (DATABASE_URL or BENCH_DATABASE_URL: a migrated,
 * seeded and scored database): starts the PostGraphile peer, sends it its page query and checks the
 * answer is the page bench:read's raw statement returns (same ids in order, plan, status, probability,
 * risk level), so the side-by-side compares like with like. Exits 1 on any difference.
 */
import { Pool } from 'pg';
import { startPostGraphilePeer } from './postgraphile-peer';

interface PeerNode {
  id: string;
  plan: string;
  status: string;
  userRiskByUserId: { probability: number; riskLevel: string } | null;
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('set DATABASE_URL to a seeded and scored database');
  const pool = new Pool({ connectionString: url, max: 1 });
  const peer = await startPostGraphilePeer(url);
  try {
    const res = await fetch(peer.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: peer.query }),
    });
    const body = (await res.json()) as {
      data?: { allUsers: { nodes: PeerNode[] } };
      errors?: unknown[];
    };
    if (!res.ok || body.errors || !body.data) throw new Error(JSON.stringify(body));
    const got = body.data.allUsers.nodes.map((n) => [
      n.id,
      n.plan,
      n.status,
      n.userRiskByUserId?.probability ?? null,
      n.userRiskByUserId?.riskLevel ?? null,
    ]);
    const { rows } = await pool.query<Record<string, unknown>>(
      `SELECT u.id::text, u.plan::text, u.status::text, r.probability, r.risk_level::text
         FROM users u LEFT JOIN user_risk r ON r.user_id = u.id ORDER BY u.id LIMIT 20`,
    );
    const want = rows.map((r) => [r.id, r.plan, r.status, r.probability, r.risk_level]);
    const same = JSON.stringify(got) === JSON.stringify(want);
    process.stdout.write(
      `${peer.url}: ${got.length} users, ${got.filter((g) => g[3] !== null).length} with a score; ` +
        `${same ? 'same page as the raw statement' : 'DIFFERENT from the raw statement'}\n`,
    );
    if (!same) {
      process.stdout.write(`peer: ${JSON.stringify(got)}\nraw:  ${JSON.stringify(want)}\n`);
      process.exitCode = 1;
    }
  } finally {
    await peer.stop();
    await pool.end();
  }
}

main().catch((err) => {
  process.stderr.write(
    `postgraphile-peer-check failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
