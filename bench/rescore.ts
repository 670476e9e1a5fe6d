/**
 * `npm run bench:rescore`: how fast time-driven rescoring goes, and what a daily pass over 1,000,000
 * subscribers costs. On a seeded, trained and scored world the service's clock moves a day ahead and
 * every active subscriber is rescored through the live path (claim → score → alerts → publish), in
 * claims of up to 5,000; repeated, best of three.
 *
 * Prints the figures and writes bench/results/rescore.json. Flags: --users N (default 20000).
 * --quick: 2,000 subscribers.
 */
import 'reflect-metadata';
import os from 'node:os';
import { Pool } from 'pg';
import { seedWorld } from '../seeds';
import { ManualClock } from '../src/common/clock';
import { startOfTodayUtc } from '../src/common/dates';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/app/config';
import { createDataSource } from '../src/db/data-source';
import { ensureFeatures } from '../src/app/ensure-model';
import { createAppPubSub } from '../src/pubsub/pubsub';
import { createServices } from '../src/app/services';
import { createBenchDatabase, numberFlag, QUICK, table, writeResults } from './support';

const USERS = numberFlag('bench:rescore', 'users', QUICK ? 2000 : 20000);
const DAY = 86_400_000;

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const pool = new Pool({ connectionString: db.url, max: 2 });
  const ds = createDataSource({ url: db.url });
  const modelDir = `${os.tmpdir()}/churn-bench-rescore-${process.pid}`;
  try {
    await seedWorld(pool, { users: USERS, days: 120, seed: 42, end: startOfTodayUtc() });
    await ds.initialize();
    const clock = new ManualClock();
    const config = loadConfig({
      MODEL_DIR: modelDir,
      NODE_ENV: 'production',
      RESCORE_INTERVAL_HOURS: '24',
    });
    const logger = createLogger('warn');
    const services = createServices(ds, createAppPubSub(), config, logger, clock);
    await ensureFeatures(services, logger);
    await services.training.trainNow(
      { seed: 42, maxEpochs: 10, withSequence: false, force: false },
      { step: (m) => process.stderr.write(`  ${m}\n`), epoch: () => undefined },
    );
    const rates: number[] = [];
    for (let pass = 1; pass <= 3; pass++) {
      clock.advance(DAY + 60_000);
      const started = performance.now();
      const { rescored } = await services.timeRescoring.runDue(5000);
      const seconds = (performance.now() - started) / 1000;
      rates.push(rescored / seconds);
      process.stderr.write(`  pass ${pass}: ${rescored} subscribers in ${seconds.toFixed(1)} s\n`);
    }
    const best = Math.max(...rates);
    const millionSeconds = 1e6 / best;
    const results = {
      users: USERS,
      subscribersPerSecond: Math.round(best),
      dailyPassOverOneMillion: {
        seconds: Math.round(millionSeconds),
        shareOfADay: millionSeconds / 86_400,
      },
    };
    process.stdout.write(
      `\nbench:rescore (${os.cpus().length} cores, ${USERS} subscribers)\n\n` +
        table([
          { measure: 'time-driven rescoring', result: `${Math.round(best)} subscribers/s` },
          {
            measure: 'a daily pass over 1,000,000 subscribers',
            result: `${(millionSeconds / 60).toFixed(1)} min of one process (${(100 * results.dailyPassOverOneMillion.shareOfADay).toFixed(1)}% of a day)`,
          },
        ]) +
        `\n\nwritten to ${writeResults('rescore', results)}\n`,
    );
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await pool.end();
    await db.drop();
  }
}

main().catch((err) => {
  process.stderr.write(
    `bench:rescore failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
