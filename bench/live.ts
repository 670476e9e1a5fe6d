/**
 * `npm run bench:live`: the live path end to end. The built service runs as its own process on a seeded
 * world with a trained model; 100 graphql-ws subscribers (each watching riskUpdated for its own slice of
 * the subscribers, and every riskAlertRaised) listen while events are sent over HTTP at a fixed rate.
 *
 *  - latency: event sent → riskUpdated received for it, p50/p95/p99, at --rate events/s (default 1,000);
 *  - throughput: rising rates; a rate is sustained when the sender keeps it up, every event's update
 *    arrives within the grace period after the stage, and the rescoring outbox is empty;
 *  - delivery: every alert raised during the run reached every subscriber (lost = 0).
 *
 * Prints the figures and writes bench/results/live.json.
 * Flags: --users N (world size, default 5000), --rate N, --seconds N (latency run, default 20),
 *        --subscribers N (default 100), --max-rate N (highest throughput stage, default 12000),
 *        --batch N (events per request in the latency run, default 20; the throughput stages send
 *        rate / 50 events per request, at least 20).
 *
 * --quick runs a 1,000-subscriber world, 20 ws subscribers, 5 s measurements and stages up to 2,000/s.
 */
import 'reflect-metadata';
import os from 'node:os';
import type { CpuSnapshot } from './cpu-accounting';
import { startLiveHarness } from './live-harness';
import { numberFlag, percentile, QUICK, table, writeResults } from './support';

const flag = (name: string, fallback: number) => numberFlag('bench:live', name, fallback);
const USERS = flag('users', QUICK ? 1000 : 5000);
const RATE = flag('rate', QUICK ? 500 : 1000);
const SECONDS = flag('seconds', QUICK ? 5 : 20);
const SUBSCRIBERS = flag('subscribers', QUICK ? 20 : 100);
const MAX_RATE = flag('max-rate', QUICK ? 2000 : 12000);
/** Events per request in the latency run: player backends batch what their players send. */
const BATCH = flag('batch', 20);
/** A light load, to show the pipeline's latency when it is not queueing. */
const LIGHT_RATE = flag('light-rate', 200);
/** Requests per second the throughput stages aim for (events per request = rate / this). */
const REQUESTS_PER_SECOND = 50;

/** CPU per event of the three processes sharing the machine. */
function cpuText(cpu: CpuSnapshot): string {
  return `CPU ms/event: server ${cpu.server}, PostgreSQL ${cpu.postgres}, client ${cpu.client}`;
}

async function main(): Promise<void> {
  const cores = os.cpus().length;
  // A small alert delta, so that the run raises alerts whose delivery can be counted.
  const alertDelta = '0.005';
  const h = await startLiveHarness({
    bench: 'bench:live',
    users: USERS,
    subscribers: SUBSCRIBERS,
    env: { ALERT_PROBABILITY_DELTA: alertDelta },
  });
  const { tracker, alertsReceived } = h;
  const model = { version: h.model };
  const run = h.run;
  try {
    {
      const alertsBefore = await h.alertMark();
      const measureLatency = async (rate: number, batch: number, seconds: number) => {
        tracker.reset();
        process.stderr.write(
          `bench:live: latency at ${rate} events/s (${batch} per request) for ${seconds}s\n`,
        );
        const r = await run(rate, seconds, batch);
        const sorted = [...tracker.latencies].sort((a, b) => a - b);
        const stats = {
          rate,
          batch,
          seconds,
          achieved: Math.round(r.achieved),
          events: r.sent,
          measured: sorted.length,
          p50Ms: percentile(sorted, 50),
          p95Ms: percentile(sorted, 95),
          p99Ms: percentile(sorted, 99),
          maxMs: sorted.at(-1) ?? NaN,
          outstanding: r.outstanding,
          cpuMsPerEvent: r.cpuMsPerEvent,
        };
        process.stderr.write(
          `  p50 ${stats.p50Ms.toFixed(1)} ms, p95 ${stats.p95Ms.toFixed(1)} ms, p99 ${stats.p99Ms.toFixed(1)} ms (${sorted.length} events); ${cpuText(r.cpuMsPerEvent)}\n`,
        );
        // Let the pipeline drain before the next measurement.
        await new Promise((res) => setTimeout(res, 1500));
        return stats;
      };
      // Warm-up, then the latency at the fixed rate, and at a light load (the pipeline's own latency).
      await run(RATE, 3, BATCH);
      const latency = await measureLatency(RATE, BATCH, SECONDS);
      const light = await measureLatency(LIGHT_RATE, 5, SECONDS);

      const stages: Record<string, number | boolean>[] = [];
      let sustained = 0;
      for (const rate of [500, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 8000, 10000, 12000].filter(
        (r) => r <= MAX_RATE,
      )) {
        tracker.reset();
        const batch = Math.max(20, Math.round(rate / REQUESTS_PER_SECOND));
        const r = await run(rate, 8, batch);
        const s = [...tracker.latencies].sort((a, b) => a - b);
        const ok =
          r.achieved >= rate * 0.95 &&
          r.dropped === 0 &&
          r.outstanding === 0 &&
          r.backlog === 0 &&
          r.failures === 0;
        stages.push({
          rate,
          batch,
          achieved: Math.round(r.achieved),
          dropped: r.dropped,
          failures: r.failures,
          undelivered: r.outstanding,
          backlog: r.backlog,
          p50Ms: Math.round(percentile(s, 50)),
          p99Ms: Math.round(percentile(s, 99)),
          serverCpuMsPerEvent: r.cpuMsPerEvent.server,
          postgresCpuMsPerEvent: r.cpuMsPerEvent.postgres,
          clientCpuMsPerEvent: r.cpuMsPerEvent.client,
          sustained: ok,
        });
        process.stderr.write(
          `  ${rate}/s: achieved ${Math.round(r.achieved)}/s, p99 ${Math.round(percentile(s, 99))} ms, ${ok ? 'sustained' : 'NOT sustained'}; ${cpuText(r.cpuMsPerEvent)}\n`,
        );
        if (ok) sustained = rate;
        else break;
        // Let the outbox and the subscribers settle between stages.
        await new Promise((res) => setTimeout(res, 1000));
      }

      await new Promise((r) => setTimeout(r, 1500));
      const alertsRaised = await h.alertsSince(alertsBefore);
      const delivered = alertsReceived.reduce((a, b) => a + b, 0);
      const lost = alertsRaised * SUBSCRIBERS - delivered;
      const results = {
        cores,
        world: { users: USERS, days: 120, model: model.version },
        subscribers: SUBSCRIBERS,
        alertProbabilityDelta: Number(alertDelta),
        latency,
        lightLoadLatency: light,
        throughput: { stages, highestSustainedEventsPerSecond: sustained },
        alerts: {
          raised: alertsRaised,
          expectedDeliveries: alertsRaised * SUBSCRIBERS,
          delivered,
          lost,
        },
        targets: {
          p99Under25Ms: latency.p99Ms < 25,
          sustained5000: sustained >= 5000,
          lostZero: lost === 0,
        },
      };
      const file = writeResults('live', results);
      process.stdout.write(
        `\nbench:live (${cores} cores, ${SUBSCRIBERS} ws subscribers, model ${model.version})\n\n` +
          table([
            {
              measure: `latency p50 at ${RATE}/s`,
              result: `${latency.p50Ms.toFixed(1)} ms`,
              target: '',
            },
            {
              measure: `latency p95 at ${RATE}/s`,
              result: `${latency.p95Ms.toFixed(1)} ms`,
              target: '',
            },
            {
              measure: `latency p50 / p99 at ${LIGHT_RATE}/s (5/request)`,
              result: `${light.p50Ms.toFixed(1)} / ${light.p99Ms.toFixed(1)} ms`,
              target: '',
            },
            {
              measure: `latency p99 at ${RATE}/s`,
              result: `${latency.p99Ms.toFixed(1)} ms`,
              target: `< 25 ms: ${latency.p99Ms < 25 ? 'met' : 'NOT met'}`,
            },
            {
              measure: 'highest sustained ingest + rescore',
              result: `${sustained} events/s`,
              target: `>= 5000: ${sustained >= 5000 ? 'met' : 'NOT met'}`,
            },
            {
              measure: 'alerts delivered',
              result: `${delivered} of ${alertsRaised} x ${SUBSCRIBERS} (lost ${lost})`,
              target: `lost = 0: ${lost === 0 ? 'met' : 'NOT met'}`,
            },
          ]) +
          `\n\n${table(stages as Record<string, string | number>[])}\n\nwritten to ${file}\n`,
      );
    }
  } finally {
    await h.close();
  }
}

main().catch((err) => {
  process.stderr.write(
    `bench:live failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
