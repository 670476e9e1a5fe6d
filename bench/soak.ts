/**
 * `npm run bench:soak`: the live path held at a steady rate for minutes, to see what creeps. The built
 * service runs on a seeded world with a trained model (as bench:live), 100 graphql-ws subscribers listen,
 * and events arrive at 1,000/s for 10 minutes. Each minute: event → riskUpdated latency p50/p99, the
 * server's resident memory (sampled every second: the minute's median and peak, since the heap
 * saws up and down between collections within a minute), the outbox depth; at the end, alerts lost (raised × subscribers − delivered,
 * must be 0), memory growth after the first minute and the trend of the per-minute medians after it
 * (MiB per minute, least squares). The first minute is the heap growing to its working size, so growth
 * is measured from the end of it: the highest median RSS of any later minute against the second
 * minute's median (target < 10%; a climb anywhere after warm-up counts, not only at the end), beside
 * the last minute's median against the same base.
 *
 * Prints the figures and writes bench/results/soak.json.
 * Flags: --minutes N (default 10), --rate N (default 1000), --subscribers N (default 100), --users N
 * (world size, default 5000), --batch N (events per request, default 20). --quick: 1 minute at 300/s
 * with 20 subscribers on a 1,000-subscriber world.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import { startLiveHarness } from './live-harness';
import { latencyStats, numberFlag, QUICK, table, writeResults } from './support';

const flag = (name: string, fallback: number) => numberFlag('bench:soak', name, fallback);
const MINUTES = flag('minutes', QUICK ? 1 : 10);
const RATE = flag('rate', QUICK ? 300 : 1000);
const SUBSCRIBERS = flag('subscribers', QUICK ? 20 : 100);
const USERS = flag('users', QUICK ? 1000 : 5000);
const BATCH = flag('batch', 20);

/** Resident memory of a process in MiB (Linux /proc). */
function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Least-squares slope of values over their index (per minute). */
function slope(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

async function main(): Promise<void> {
  const h = await startLiveHarness({
    bench: 'bench:soak',
    users: USERS,
    subscribers: SUBSCRIBERS,
    env: { ALERT_PROBABILITY_DELTA: '0.005' },
  });
  try {
    await h.run(RATE, 5, BATCH); // warm-up
    h.tracker.reset();
    const alertsBefore = await h.alertMark();
    const deliveredBefore = h.alertsReceived.reduce((a, b) => a + b, 0);
    const minutes: Record<string, number>[] = [];
    for (let m = 1; m <= MINUTES; m++) {
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(rssMiB(h.serverPid)), 1000);
      const r = await h
        .run(RATE, 60, BATCH, m === MINUTES ? 5000 : 0)
        .finally(() => clearInterval(sampler));
      samples.sort((a, b) => a - b);
      const lat = latencyStats(h.tracker.latencies.splice(0));
      const row = {
        minute: m,
        achieved: Math.round(r.achieved),
        p50Ms: Math.round(lat.p50Ms * 10) / 10,
        p99Ms: Math.round(lat.p99Ms * 10) / 10,
        rssMiB: samples[Math.floor(samples.length / 2)],
        rssPeakMiB: samples[samples.length - 1],
        outbox: r.backlog,
        failures: r.failures,
        dropped: r.dropped,
      };
      minutes.push(row);
      process.stderr.write(
        `  minute ${m}: ${row.achieved}/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, rss ${row.rssMiB} MiB, outbox ${row.outbox}\n`,
      );
    }
    // Let the last alerts reach every subscriber.
    await new Promise((r) => setTimeout(r, 2000));
    const raised = await h.alertsSince(alertsBefore);
    const delivered = h.alertsReceived.reduce((a, b) => a + b, 0) - deliveredBefore;
    const lost = raised * SUBSCRIBERS - delivered;
    // The base is the first minute after warm-up (the whole run when it is one minute long).
    const after = minutes.length > 1 ? minutes.slice(1) : minutes;
    const base = after[0].rssMiB;
    const last = after[after.length - 1].rssMiB;
    const highest = Math.max(...after.map((row) => row.rssMiB));
    const growth = (highest - base) / base;
    const lastGrowth = (last - base) / base;
    const trend = slope(after.map((row) => row.rssMiB));
    const results = {
      settings: {
        minutes: MINUTES,
        rate: RATE,
        subscribers: SUBSCRIBERS,
        users: USERS,
        batch: BATCH,
      },
      model: h.model,
      minutes,
      memory: {
        firstMinuteMedianMiB: minutes[0].rssMiB,
        baseMedianMiB: base,
        highestLaterMedianMiB: highest,
        lastMinuteMedianMiB: last,
        growthAfterFirstMinute: growth,
        lastAgainstBase: lastGrowth,
        trendMiBPerMinute: Math.round(trend * 10) / 10,
      },
      alerts: { raised, expectedDeliveries: raised * SUBSCRIBERS, delivered, lost },
      unresolvedEvents: h.tracker.outstanding(),
      targets: { lostZero: lost === 0, memoryGrowthUnder10Percent: growth < 0.1 },
    };
    process.stdout.write(
      `\nbench:soak (${MINUTES} min at ${RATE} events/s, ${SUBSCRIBERS} ws subscribers)\n\n` +
        table(minutes as Record<string, number>[]) +
        '\n\n' +
        table([
          {
            measure: 'alerts delivered',
            result: `${delivered} of ${raised} x ${SUBSCRIBERS} (lost ${lost})`,
            target: `lost = 0: ${lost === 0 ? 'met' : 'NOT met'}`,
          },
          {
            measure: 'server memory after the first minute',
            result:
              `median ${base} MiB in minute ${minutes.length > 1 ? 2 : 1}, highest later ${highest} ` +
              `(${(100 * growth).toFixed(1)}%), last ${last} (${(100 * lastGrowth).toFixed(1)}%), ` +
              `trend ${trend.toFixed(1)} MiB/min (minute 1: ${minutes[0].rssMiB})`,
            target: `< 10%: ${growth < 0.1 ? 'met' : 'NOT met'}`,
          },
        ]) +
        `\n\nwritten to ${writeResults('soak', results)}\n`,
    );
  } finally {
    await h.close();
  }
}

main().catch((err) => {
  process.stderr.write(
    `bench:soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
