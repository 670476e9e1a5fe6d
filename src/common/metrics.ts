/**
 * The process's one Prometheus registry (prom-client) and helpers to declare metrics on it. A module
 * declares its metrics once, at load:
 *
 *   const ingested = counter({ name: 'churn_events_ingested_total', help: 'Viewing events stored.' });
 *   ingested.inc(batch.length);
 *
 * Declaring the same name twice returns the first metric (tests start several apps in one process),
 * so a declaration is safe anywhere. Names follow Prometheus conventions: the `churn_` prefix, a unit
 * suffix (`_seconds`, `_bytes`), `_total` for counters. Keep label values few and bounded (a role, a
 * level, a root field), never an id or anything a client chooses freely. /metrics serves `metricsText()`.
 */
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'churn_' });
// prom-client names three gauges with a `_total` suffix, which the exposition format keeps for
// counters (`promtool check metrics` rejects them); the handle counts are not worth a rename.
for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total']) {
  registry.removeSingleMetric(`churn_nodejs_${name}`);
}

/** Request latencies from 1 ms to 10 s. */
export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

function declare<M>(name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

export function counter<L extends string = string>(
  config: Omit<CounterConfiguration<L>, 'registers'>,
): Counter<L> {
  return declare(config.name, () => new Counter({ ...config, registers: [registry] }));
}

export function gauge<L extends string = string>(
  config: Omit<GaugeConfiguration<L>, 'registers'>,
): Gauge<L> {
  return declare(config.name, () => new Gauge({ ...config, registers: [registry] }));
}

export function histogram<L extends string = string>(
  config: Omit<HistogramConfiguration<L>, 'registers'>,
): Histogram<L> {
  return declare(config.name, () => new Histogram({ ...config, registers: [registry] }));
}

/**
 * Caps the distinct values a label may take (protects the registry when a value comes from a
 * request): past `max` distinct values, new ones are reported as `other`.
 */
export function boundedLabel(max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max) return 'other';
    seen.add(value);
    return value;
  };
}

/** The exposition text and its content type. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
