/**
 * `npm run bench:alerts`: what alerts are worth. Seeds a world, then replays its last days through the
 * alert code path (as `churn alert-quality`, in a scratch database): precision, lift over the base rate,
 * share of churners alerted at least 7 days ahead, median lead time and alerts per 1,000 subscribers per
 * day, for the served rule and along a curve of thresholds.
 *
 * Prints the figures and writes bench/results/alerts.json. Flags: --users N (default 5000), --days N
 * (replayed, default 60). --quick: 1,000 subscribers, 40 days.
 */
import 'reflect-metadata';
import { seedWorld } from '../seeds';
import { formatAlertQuality } from '../src/commands/alert-commands';
import { replayAlertQuality } from '../src/commands/alert-replay';
import { startOfTodayUtc } from '../src/common/dates';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/app/config';
import { createDataSource } from '../src/db/data-source';
import { benchPool, createBenchDatabase, numberFlag, QUICK, writeResults } from './support';

const flag = (name: string, fallback: number) => numberFlag('bench:alerts', name, fallback);
const USERS = flag('users', QUICK ? 1000 : 5000);
const DAYS = flag('days', QUICK ? 40 : 60);

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const pool = benchPool(db.url, 2);
  const ds = createDataSource({ url: db.url });
  try {
    await seedWorld(pool, { users: USERS, days: 180, seed: 42, end: startOfTodayUtc() });
    await ds.initialize();
    const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'warn' });
    const report = await replayAlertQuality(ds, config, createLogger('warn'), {
      days: DAYS,
      horizonDays: 30,
      minLeadDays: 7,
      seed: 42,
      maxEpochs: 10,
    });
    process.stdout.write(
      `\n${formatAlertQuality(report)}\n\nwritten to ${writeResults('alerts', { ...report })}\n`,
    );
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await pool.end();
    await db.drop();
  }
}

main().catch((err) => {
  process.stderr.write(
    `bench:alerts failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
