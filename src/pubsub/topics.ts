import type { ViewingEvent } from '../modules/events/viewing-event.entity';

/** Every subscription topic and its payload, declared once. */
export enum Topic {
  VIEWING_EVENT_RECORDED = 'VIEWING_EVENT_RECORDED',
}

/**
 * Publish arguments per topic: `[id, payload]` topics are routed by id (a user's events reach only
 * that user's subscribers without filtering every payload).
 */
export interface TopicPayloads {
  [Topic.VIEWING_EVENT_RECORDED]: [userId: string, payload: ViewingEvent];
}
