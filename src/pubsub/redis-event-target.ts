import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import Redis from 'ioredis';
import type { Logger } from '../common/logger';
import type { TopicEventTarget } from './counting-event-target';

const CONNECT_TIMEOUT_MS = 5000;

/**
 * Two ioredis connections (a subscriber connection cannot publish) behind the yoga Redis event
 * target. Publishing never throws into the caller: a failed publish is logged (alerts stay in
 * `risk_alerts` for clients to catch up on).
 */
export async function connectRedisEventTarget(
  url: string,
  logger: Logger,
): Promise<{ target: TopicEventTarget; close(): Promise<void> }> {
  const options = {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 3,
  };
  const publishClient = new Redis(url, options);
  const subscribeClient = new Redis(url, options);
  for (const client of [publishClient, subscribeClient]) {
    client.on('error', (err: Error) =>
      logger.warn('Redis connection error', { error: err.message }),
    );
  }
  try {
    await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  } catch (err) {
    publishClient.disconnect();
    subscribeClient.disconnect();
    throw new Error(`REDIS_URL=${redact(url)} does not answer: ${(err as Error).message}`);
  }
  const safePublisher = {
    publish: (channel: string, message: string) =>
      publishClient.publish(channel, message).catch((err: Error) => {
        logger.error('Redis publish failed', { channel, error: err.message });
        return 0;
      }),
  } as unknown as Redis;
  const target = createRedisEventTarget<CustomEvent>({
    publishClient: safePublisher,
    subscribeClient,
  }) as unknown as TopicEventTarget;
  return {
    target,
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
