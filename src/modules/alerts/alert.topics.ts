/** The alerts module's subscription topics and the published alert shape. */
import type { RiskLevel } from '../model-registry/risk-levels';
import type { RiskUpdatedPayload } from '../scoring/risk-update.topics';
import type { AlertChange, AlertReason, AlertResolution, AlertStatus } from './alert-reason';

export const AlertTopic = {
  /** Alerts opened or escalated (riskAlertRaised). */
  RISK_ALERT: 'RISK_ALERT',
  /** Every lifecycle change (riskAlertChanged). */
  RISK_ALERT_CHANGED: 'RISK_ALERT_CHANGED',
} as const;

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

declare module '../../pubsub/topics' {
  interface TopicPayloads {
    RISK_ALERT: [payload: RiskAlertChangedPayload];
    RISK_ALERT_CHANGED: [payload: RiskAlertChangedPayload];
  }
}
