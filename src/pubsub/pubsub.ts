import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import type { TopicPayloads } from './topics';

/** The service's typed PubSub: in-process today; a Redis event target plugs in behind the same type. */
export type AppPubSub = PubSub<{ [K in keyof TopicPayloads]: TopicPayloads[K] }>;

export function createAppPubSub(): AppPubSub {
  return createPubSub<{ [K in keyof TopicPayloads]: TopicPayloads[K] }>();
}
