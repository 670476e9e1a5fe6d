import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import Redis from 'ioredis';
import type { Logger } from '../common/logger';
import type { TopicEventTarget } from './counting-event-target';

const CONNECT_TIMEOUT_MS = 5000;
/** At most one "publish failed" log line per this interval, with the count of failures since. */
const PUBLISH_FAILURE_LOG_MS = 10_000;

export interface RedisConnection {
  target: TopicEventTarget;
  /** Both connections are ready (the subscriber one has re-subscribed). */
  isUp(): boolean;
  /** Called on every change of isUp(). */
  onStateChange(listener: (up: boolean, reason: string) => void): void;
  /** Publishes that failed since start. */
  publishFailures(): number;
  close(): Promise<void>;
}

/**
 * Two ioredis connections (a subscriber connection cannot publish) behind the yoga Redis event
 * target. Publishing never throws into the caller: a failed publish is counted and logged at most once
 * per PUBLISH_FAILURE_LOG_MS (alerts stay in `risk_alerts` for clients to catch up on). Either
 * connection closing makes the target "down" until both are ready again.
 */
export async function connectRedisEventTarget(
  url: string,
  logger: Logger,
): Promise<RedisConnection> {
  const options = {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 3,
  };
  const publishClient = new Redis(url, options);
  const subscribeClient = new Redis(url, options);
  try {
    await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  } catch (err) {
    publishClient.disconnect();
    subscribeClient.disconnect();
    throw new Error(`REDIS_URL=${redact(url)} does not answer: ${(err as Error).message}`);
  }

  const listeners: ((up: boolean, reason: string) => void)[] = [];
  let up = true;
  let closing = false;
  const setUp = (next: boolean, reason: string) => {
    if (next === up || closing) return;
    up = next;
    if (up) logger.info('Redis is back: subscriptions are accepted again');
    else
      logger.error('Redis connection lost: live subscriptions end with RESYNC_REQUIRED', {
        reason,
      });
    for (const l of listeners) l(up, reason);
  };
  const ready = () => publishClient.status === 'ready' && subscribeClient.status === 'ready';
  for (const client of [publishClient, subscribeClient]) {
    client.on('close', () => setUp(false, 'connection closed'));
    client.on('end', () => setUp(false, 'connection ended'));
    client.on('ready', () => setUp(ready(), 'reconnected'));
    client.on('error', (err: Error) => {
      if (up) logger.warn('Redis connection error', { error: err.message });
    });
  }

  let failures = 0;
  let unlogged = 0;
  let lastLog = 0;
  const safePublisher = {
    publish: (channel: string, message: string) =>
      publishClient.publish(channel, message).catch((err: Error) => {
        failures += 1;
        unlogged += 1;
        const now = Date.now();
        if (now - lastLog >= PUBLISH_FAILURE_LOG_MS) {
          logger.error('Redis publish failed', { failures: unlogged, error: err.message });
          lastLog = now;
          unlogged = 0;
        }
        return 0;
      }),
  } as unknown as Redis;
  // (Un)subscribing while the connection is down fails after ioredis' retries: harmless (it
  // re-subscribes what it tracks on reconnect), so it must not become an unhandled rejection.
  const safeSubscriber = {
    on: subscribeClient.on.bind(subscribeClient),
    subscribe: (channel: string) => subscribeClient.subscribe(channel).catch(() => 0),
    unsubscribe: (channel: string) => subscribeClient.unsubscribe(channel).catch(() => 0),
  } as unknown as Redis;
  const target = createRedisEventTarget<CustomEvent>({
    publishClient: safePublisher,
    subscribeClient: safeSubscriber,
  }) as unknown as TopicEventTarget;
  return {
    target,
    isUp: () => up,
    onStateChange: (l) => listeners.push(l),
    publishFailures: () => failures,
    async close() {
      closing = true;
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
