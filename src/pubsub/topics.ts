/**
 * Every subscription topic and its payload, declared once. Payloads are JSON-safe (timestamps as ISO
 * strings) because the Redis PubSub carries them between instances as JSON; the in-memory one passes
 * the same objects, so resolvers see one shape whichever is configured.
 */
import type { Device } from '../modules/events/viewing-event.entity';
import type { AlertReason } from '../modules/alerts/alert-reason';
import type { RiskLevel } from '../modules/scoring/risk-levels';

export enum Topic {
  VIEWING_EVENT_RECORDED = 'VIEWING_EVENT_RECORDED',
  RISK_UPDATED = 'RISK_UPDATED',
  RISK_ALERT = 'RISK_ALERT',
  RETENTION_SIMULATION_PROGRESSED = 'RETENTION_SIMULATION_PROGRESSED',
}

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

/** One rescore of one subscriber after events were recorded. */
export interface RiskUpdatedPayload {
  scoreId: string;
  userId: string;
  probability: number;
  previousProbability: number | null;
  riskLevel: RiskLevel;
  previousRiskLevel: RiskLevel | null;
  modelVersion: string;
  scoredAt: string;
  /** The latest of the events that triggered the rescore. */
  cause: ViewingEventPayload | null;
}

/** A persisted risk alert (risk_alerts row). */
export interface RiskAlertPayload extends RiskUpdatedPayload {
  alertId: string;
  reason: AlertReason;
  raisedAt: string;
}

/** Progress of a retention simulation run (routed by run id). */
export interface RetentionSimulationProgressPayload {
  runId: string;
  planId: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  /** Replays done and to do. */
  done: number;
  total: number;
  message: string;
}

/**
 * Publish arguments per topic: `[id, payload]` topics are routed by id (a user's events reach only
 * that user's subscribers without filtering every payload).
 */
export interface TopicPayloads {
  [Topic.VIEWING_EVENT_RECORDED]: [userId: string, payload: ViewingEventPayload];
  [Topic.RISK_UPDATED]: [payload: RiskUpdatedPayload];
  [Topic.RISK_ALERT]: [payload: RiskAlertPayload];
  [Topic.RETENTION_SIMULATION_PROGRESSED]: [
    runId: string,
    payload: RetentionSimulationProgressPayload,
  ];
}
