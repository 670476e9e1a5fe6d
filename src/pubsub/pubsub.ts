/**
 * The service's one PubSub interface, typed by topic (topics.ts). In-process when REDIS_URL is unset;
 * Redis (@graphql-yoga/redis-event-target over ioredis) when it is set, so a payload published on
 * one instance reaches subscribers on every instance.
 */
import { FixedBuffer, Repeater, type PubSub } from '@graphql-yoga/subscription';
import { setMaxListeners } from 'node:events';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { Logger } from '../common/logger';
import { CountingEventTarget } from './counting-event-target';
import { connectRedisEventTarget } from './redis-event-target';
import { TopicRouter } from './topic-router';
import type { TopicPayloads } from './topics';

type Payloads = { [K in keyof TopicPayloads]: TopicPayloads[K] };

export interface AppPubSub extends PubSub<Payloads> {
  readonly kind: 'memory' | 'redis';
  /**
   * Subscribe to a topic, keeping only payloads `accept` returns true for. With `userIds`, only
   * payloads whose `userId` is one of them are even offered to `accept`: the subscription is filed
   * under those ids (topic-router.ts), so an event costs nothing for the subscriptions that do not
   * watch its subscriber. The predicate runs before anything is queued.
   */
  subscribeWhere<K extends keyof Payloads & string>(
    topic: K,
    accept: (payload: Payloads[K][0]) => boolean,
    userIds?: readonly string[] | null,
  ): AsyncIterable<Payloads[K][0]>;
  /** Subscriptions attached now (one per live subscription and topic). */
  listenerCount(): number;
  /** Whether payloads can reach every instance's subscribers now (always, in memory). */
  health(): PubSubHealth;
  /** Close the Redis connections (no-op in memory). */
  close(): Promise<void>;
}

export interface PubSubHealth {
  up: boolean;
  /** When the current state began (ISO). */
  since: string;
  /** Publishes that failed since start (Redis). */
  publishFailures: number;
}

/** What `wrap` needs to know of a connection-backed target. */
interface Connection {
  isUp(): boolean;
  onStateChange(listener: (up: boolean, reason: string) => void): void;
  publishFailures(): number;
}

const ALWAYS_UP: Connection = {
  isUp: () => true,
  onStateChange: () => undefined,
  publishFailures: () => 0,
};

/**
 * Events a slow subscriber may have pending before its subscription fails (it can then catch up on
 * alerts with `riskAlerts(after:)`); without a buffer the repeater allows 1,024.
 */
const SUBSCRIBER_BUFFER = 10_000;

/** In-process PubSub: enough for one instance (and for building the schema). */
export function createAppPubSub(): AppPubSub {
  const target = new EventTarget();
  // One listener per subscription per topic: hundreds are normal, not a leak (listenerCount() tells).
  setMaxListeners(0, target);
  return wrap('memory', new CountingEventTarget(target), async () => undefined, ALWAYS_UP);
}

/** Redis when `redisUrl` is set, else in-process. Fails when Redis does not answer. */
export async function openAppPubSub(
  options: { redisUrl?: string; channelPrefix: string },
  logger: Logger,
): Promise<AppPubSub> {
  if (!options.redisUrl) return createAppPubSub();
  const redis = await connectRedisEventTarget(options.redisUrl, logger);
  logger.info('Subscriptions fan out through Redis', { channelPrefix: options.channelPrefix });
  return wrap(
    'redis',
    new CountingEventTarget(redis.target, options.channelPrefix),
    redis.close,
    redis,
  );
}

/**
 * yoga's createPubSub, except that every subscription gets its own buffer (its `repeaterBuffer` option
 * is one instance shared by all subscriptions), a subscriber that falls too far behind is ended
 * with an error instead of throwing inside the publisher, and when the connection behind the target
 * drops every subscription ends with RESYNC_REQUIRED (payloads published meanwhile are lost to it, so
 * its client must reconnect and catch up from the alert log) and new ones are refused until it is back.
 */
function wrap(
  kind: AppPubSub['kind'],
  target: CountingEventTarget,
  close: () => Promise<void>,
  connection: Connection,
): AppPubSub {
  const active = new Set<(reason: Error) => void>();
  const router = new TopicRouter(target);
  let since = new Date().toISOString();
  connection.onStateChange((up, reason) => {
    since = new Date().toISOString();
    if (up) return;
    const error = new DomainError(
      ErrorCode.RESYNC_REQUIRED,
      `the subscription fan-out lost its connection (${reason}): reconnect, then catch up with riskAlerts(after: <last cursor>)`,
      { retryable: true },
    );
    for (const end of [...active]) end(error);
  });
  const publish = (routingKey: string, ...args: unknown[]): void => {
    const payload = args[1] ?? args[0] ?? null;
    const topic = args[1] === undefined ? routingKey : `${routingKey}:${String(args[0])}`;
    target.dispatchEvent(new CustomEvent(topic, { detail: payload }));
  };
  const subscribe = (
    routingKey: string,
    id?: unknown,
    accept?: (payload: unknown) => boolean,
    userIds?: readonly string[] | null,
  ) => {
    const topic = id === undefined ? routingKey : `${routingKey}:${String(id)}`;
    if (!connection.isUp()) {
      throw new DomainError(
        ErrorCode.SERVICE_UNAVAILABLE,
        'live subscriptions are unavailable while the PubSub is down; retry shortly',
        { retryable: true },
      );
    }
    return new Repeater<unknown>((push, stop) => {
      const deliver = (payload: unknown) => {
        try {
          void push(payload).catch(() => undefined);
        } catch {
          stop(new Error(`subscriber fell more than ${SUBSCRIBER_BUFFER} events behind`));
        }
      };
      const end = (reason: Error) => stop(reason);
      active.add(end);
      const remove = router.add(topic, { accept: accept ?? null, deliver }, userIds ?? null);
      void stop.then(() => {
        active.delete(end);
        remove();
      });
    }, new FixedBuffer(SUBSCRIBER_BUFFER));
  };
  return {
    kind,
    publish: publish as AppPubSub['publish'],
    subscribe: ((topic: string, id?: unknown) => subscribe(topic, id)) as AppPubSub['subscribe'],
    subscribeWhere: ((
      topic: string,
      accept: (p: unknown) => boolean,
      userIds?: readonly string[] | null,
    ) => subscribe(topic, undefined, accept, userIds)) as AppPubSub['subscribeWhere'],
    listenerCount: () => router.subscriptionCount(),
    health: () => ({
      up: connection.isUp(),
      since,
      publishFailures: connection.publishFailures(),
    }),
    close,
  };
}
