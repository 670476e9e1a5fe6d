import type { DataSource } from 'typeorm';
import type { AppPubSub } from '../pubsub/pubsub';

export interface Health {
  status: 'ok' | 'degraded';
  database: { status: 'up' | 'down'; latencyMs?: number; error?: string };
  live?: {
    pubSub: AppPubSub['kind'];
    /** Whether subscriptions can receive payloads from every instance now. */
    pubSubStatus: 'up' | 'down';
    pubSubSince: string;
    pubSubPublishFailures: number;
    /** Subscription listeners attached now. */
    listeners: number;
    sockets: number;
    /** Subscribers waiting in the rescoring outbox (all instances). */
    rescoreBacklog: number | null;
  };
  uptimeSeconds: number;
}

export interface LiveProbe {
  pubSub: AppPubSub;
  sockets: number;
  backlog: () => Promise<number>;
}

/** Liveness plus a real round trip to PostgreSQL (bounded, so a hung database shows as down). */
export async function checkHealth(
  dataSource: DataSource,
  live?: LiveProbe,
  timeoutMs = 2000,
): Promise<Health> {
  const started = Date.now();
  const uptimeSeconds = Math.round(process.uptime());
  // The rejection waits one turn of the event loop (setImmediate runs after pending I/O): when a long
  // synchronous stretch (a model fitting in-process) delays both the timer and the answer, the answer
  // that already arrived wins, so a busy process is not reported as a database outage.
  const bounded = <T>(p: Promise<T>) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => setImmediate(() => reject(new Error(`no answer in ${timeoutMs}ms`))),
          timeoutMs,
        ).unref(),
      ),
    ]);
  try {
    await bounded(dataSource.query('SELECT 1'));
    const latencyMs = Date.now() - started;
    const pubSub = live?.pubSub.health();
    return {
      status: pubSub && !pubSub.up ? 'degraded' : 'ok',
      database: { status: 'up', latencyMs },
      ...(live && {
        live: {
          pubSub: live.pubSub.kind,
          pubSubStatus: pubSub!.up ? 'up' : 'down',
          pubSubSince: pubSub!.since,
          pubSubPublishFailures: pubSub!.publishFailures,
          listeners: live.pubSub.listenerCount(),
          sockets: live.sockets,
          rescoreBacklog: await bounded(live.backlog()).catch(() => null),
        },
      }),
      uptimeSeconds,
    };
  } catch (err) {
    return {
      status: 'degraded',
      database: { status: 'down', error: (err as Error).message },
      uptimeSeconds,
    };
  }
}
