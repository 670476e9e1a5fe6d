/**
 * The events module's subscription topic and the JSON-safe shapes of stored events as published
 * (timestamps as ISO strings: the Redis PubSub carries payloads between instances as JSON).
 */
import type { Device } from './viewing-event.entity';

export const EventTopic = {
  VIEWING_EVENT_RECORDED: 'VIEWING_EVENT_RECORDED',
} as const;

/** A stored viewing event, as published. */
export interface ViewingEventPayload {
  id: string;
  clientEventId: string;
  userId: string;
  titleId: string;
  startedAt: string;
  watchedSeconds: number;
  completion: number;
  device: Device;
  rating: number | null;
  ingestedAt: string;
}

/** A stored account event, as published. */
export interface AccountEventPayload {
  id: string;
  clientEventId: string | null;
  userId: string;
  kind: string;
  at: string;
  plan: string | null;
  monthlyFee: number | null;
  ingestedAt: string;
}

declare module '../../pubsub/topics' {
  interface TopicPayloads {
    /** Routed by user id: a user's events reach only that user's subscribers. */
    VIEWING_EVENT_RECORDED: [userId: string, payload: ViewingEventPayload];
  }
}
