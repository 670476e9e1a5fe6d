/**
 * `npm run bench:recs-world`: the churn-aware re-rank against the synthetic world's truth
 * (seeds/world/rerank-experiment.ts). The at-risk subscribers of a seeded world each live the next
 * 30 days twice, shown the plain blend or the re-ranked row, with common random numbers; the
 * world responds to recommendations as seeds/world/recommendation-response.ts states. Prints the
 * true churn of each arm and the difference with its 95% interval; writes
 * bench/results/recs-world.json. Flags: --users N (5000), --days N (180), --replays N (16),
 * --quick (1,000 subscribers, 90 days, 4 replays).
 */
import { DEFAULT_UPTAKE } from '../seeds/world/recommendation-response';
import { rerankExperiment } from '../seeds/world/rerank-experiment';
import { DEFAULT_HAZARD } from '../seeds/world/hazard';
import { startOfTodayUtc } from '../src/common/dates';
import { numberFlag, table, writeResults } from './support';

const QUICK = process.argv.includes('--quick');
const USERS = numberFlag('bench:recs-world', 'users', QUICK ? 1000 : 5000);
const DAYS = numberFlag('bench:recs-world', 'days', QUICK ? 90 : 180);
const REPLAYS = numberFlag('bench:recs-world', 'replays', QUICK ? 4 : 16);

async function main(): Promise<void> {
  process.stderr.write(
    `bench:recs-world: ${USERS} subscribers, ${DAYS} days, ${REPLAYS} replays per arm\n`,
  );
  const t0 = performance.now();
  const r = await rerankExperiment({
    world: { users: USERS, days: DAYS, seed: 42, end: startOfTodayUtc() },
    replays: REPLAYS,
  });
  const seconds = (performance.now() - t0) / 1000;
  const truth = {
    uptake: DEFAULT_UPTAKE,
    recommendedFinish: DEFAULT_HAZARD.recommendedFinish,
    recommendedFinishDecayDays: DEFAULT_HAZARD.recommendedFinishDecayDays,
  };
  const file = writeResults('recs-world', {
    world: { users: USERS, days: DAYS, seed: 42, replays: REPLAYS },
    truth,
    ...r,
    seconds,
  });
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const f2 = (x: number) => x.toFixed(2);
  process.stdout.write(
    `\nbench:recs-world (${r.atRisk} at-risk of ${r.activeAtEnd} active subscribers, ${REPLAYS} replays, ${seconds.toFixed(0)} s)\n\n` +
      table([
        {
          row: 'plain blend',
          'true 30-day churn': pct(r.plain.churn),
          'titles taken': f2(r.plain.taken),
          'recommended finished': f2(r.plain.finished),
        },
        {
          row: 'churn-aware re-rank',
          'true 30-day churn': pct(r.reranked.churn),
          'titles taken': f2(r.reranked.taken),
          'recommended finished': f2(r.reranked.finished),
        },
      ]) +
      `\n\ntrue effect of the re-rank on 30-day churn: ${pct(r.effect.difference)} ` +
      `(95% interval ${pct(r.effect.low)} to ${pct(r.effect.high)}); ${pct(r.listsDiffer)} of the row's titles differ\n` +
      `\nwritten to ${file}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(
    `bench:recs-world failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
