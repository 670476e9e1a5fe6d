/**
 * Every subscription topic and its payload, declared once. Payloads are JSON-safe (timestamps as ISO
 * strings) because the Redis PubSub carries them between instances as JSON; the in-memory one passes
 * the same objects, so resolvers see one shape whichever is configured.
 */
import type { Device } from '../modules/events/viewing-event.entity';
import type {
  AlertChange,
  AlertReason,
  AlertResolution,
  AlertStatus,
} from '../modules/alerts/alert-reason';
import type { RiskLevel } from '../modules/scoring/risk-levels';

export enum Topic {
  VIEWING_EVENT_RECORDED = 'VIEWING_EVENT_RECORDED',
  RISK_UPDATED = 'RISK_UPDATED',
  RISK_ALERT = 'RISK_ALERT',
  RISK_ALERT_CHANGED = 'RISK_ALERT_CHANGED',
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

/** What made a subscriber be rescored. */
export type ScoreCauseKind = 'VIEWING' | 'ACCOUNT' | 'TIME';

/** One rescore of one subscriber (after events were recorded, or as time passed). */
export interface RiskUpdatedPayload {
  scoreId: string;
  userId: string;
  probability: number;
  previousProbability: number | null;
  riskLevel: RiskLevel;
  previousRiskLevel: RiskLevel | null;
  modelVersion: string;
  scoredAt: string;
  causeKind: ScoreCauseKind;
  /** The latest viewing event behind the rescore, when a viewing event caused it. */
  cause: ViewingEventPayload | null;
  /** The latest account event behind the rescore, when an account event caused it. */
  accountCause: AccountEventPayload | null;
}

/**
 * A persisted risk alert (risk_alerts row). `probability`, `riskLevel` and their previous values are
 * those of the rescore that raised it or last escalated it; `current*` follow later rescores.
 */
export interface RiskAlertPayload extends RiskUpdatedPayload {
  alertId: string;
  /** Commit order of the alert's latest raise (opening or escalation): the catch-up cursor. */
  raisedSeq: string;
  reason: AlertReason;
  status: AlertStatus;
  resolution: AlertResolution | null;
  openedLevel: RiskLevel;
  currentLevel: RiskLevel;
  currentProbability: number;
  peakProbability: number;
  raisedAt: string;
  levelReachedAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  note: string | null;
}

/** A lifecycle change of an alert. */
export interface RiskAlertChangedPayload {
  change: AlertChange;
  alert: RiskAlertPayload;
  /** The alert's level before this change (null when it was opened by it). */
  previousAlertLevel: RiskLevel | null;
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
  /** Alerts opened or escalated (riskAlertRaised). */
  [Topic.RISK_ALERT]: [payload: RiskAlertChangedPayload];
  [Topic.RISK_ALERT_CHANGED]: [payload: RiskAlertChangedPayload];
  [Topic.RETENTION_SIMULATION_PROGRESSED]: [
    runId: string,
    payload: RetentionSimulationProgressPayload,
  ];
}
