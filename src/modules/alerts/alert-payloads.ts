/** risk_alerts rows (with their causes) as the one published and served alert shape. */
import { encodeCursor } from '../../common/pagination';
import type { RiskAlertPayload } from './alert.topics';
import {
  accountEventPayload,
  viewingEventPayload,
  type AccountEventRow,
} from '../events/event-payloads';
import type { ViewingEvent } from '../events/viewing-event.entity';
import type { RiskLevel } from '../model-registry/risk-levels';
import type { AlertReason, AlertResolution, AlertStatus } from './alert-reason';

/** A risk_alerts row as selected with its causes (snake_case columns, as PostgreSQL names them). */
export interface AlertRow {
  id: string | number;
  user_id: string | number;
  score_id: string | number;
  raised_seq: string | number;
  reason: AlertReason;
  status: AlertStatus;
  resolution: AlertResolution | null;
  probability: number;
  previous_probability: number | null;
  risk_level: RiskLevel;
  previous_level: RiskLevel | null;
  opened_level: RiskLevel;
  current_level: RiskLevel;
  current_probability: number;
  peak_probability: number;
  model_version: string;
  cause_event_id: string | number | null;
  cause_account_event_id: string | number | null;
  raised_at: Date | string;
  level_reached_at: Date | string;
  updated_at: Date | string;
  acknowledged_at: Date | string | null;
  acknowledged_by: string | null;
  resolved_at: Date | string | null;
  resolved_by: string | null;
  note: string | null;
  scored_at: Date | string | null;
  cause: ViewingEvent | null;
  account_cause: AccountEventRow | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));

export function alertPayload(r: AlertRow): RiskAlertPayload {
  return {
    alertId: String(r.id),
    raisedSeq: String(r.raised_seq),
    userId: String(r.user_id),
    scoreId: String(r.score_id),
    reason: r.reason,
    status: r.status,
    resolution: r.resolution,
    probability: Number(r.probability),
    previousProbability: r.previous_probability === null ? null : Number(r.previous_probability),
    riskLevel: r.risk_level,
    previousRiskLevel: r.previous_level,
    openedLevel: r.opened_level,
    currentLevel: r.current_level,
    currentProbability: Number(r.current_probability),
    peakProbability: Number(r.peak_probability),
    modelVersion: r.model_version,
    scoredAt: iso(r.scored_at ?? r.level_reached_at),
    raisedAt: iso(r.raised_at),
    levelReachedAt: iso(r.level_reached_at),
    updatedAt: iso(r.updated_at),
    acknowledgedAt: isoOrNull(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    resolvedAt: isoOrNull(r.resolved_at),
    resolvedBy: r.resolved_by,
    note: r.note,
    causeKind:
      r.cause_event_id !== null
        ? 'VIEWING'
        : r.cause_account_event_id !== null
          ? 'ACCOUNT'
          : 'TIME',
    cause: r.cause ? viewingEventPayload(r.cause) : null,
    accountCause: r.account_cause ? accountEventPayload(r.account_cause) : null,
  };
}

/** The catch-up cursor of an alert: its latest raise in commit order. */
export function alertCursor(raisedSeq: string): string {
  return encodeCursor('alert', raisedSeq);
}
