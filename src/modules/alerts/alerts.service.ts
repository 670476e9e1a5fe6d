/**
 * Persisted risk alerts (risk_alerts). Written by the rescorer inside its scoring transaction and read
 * back in id order by clients catching up after a reconnect. Ids are handed out in commit order: each
 * writing transaction takes one advisory lock before its insert and holds it until it commits, so no
 * alert can become visible below an id a reader has already passed.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../../db/prepared-query';
import { decodeCursor, encodeCursor, type Page } from '../../common/pagination';
import { levelsAtOrAbove, type RiskLevel } from '../scoring/risk-levels';
import type { RiskAlertPayload, RiskUpdatedPayload } from '../../pubsub/topics';
import type { AlertReason } from './alert-reason';

/** pg_advisory_xact_lock(namespace, key): the alert-ordering lock. */
const ALERT_ORDER_LOCK = [7302, 0] as const;

export interface NewAlert {
  update: RiskUpdatedPayload;
  reason: AlertReason;
}

export interface AlertFilter {
  after?: string | null;
  first: number;
  minLevel?: RiskLevel | null;
  userId?: string | null;
}

const ALERT_SELECT = `a.id::text AS "alertId", a.user_id::text AS "userId", a.score_id::text AS "scoreId",
  a.reason, a.probability, a.previous_probability AS "previousProbability", a.risk_level AS "riskLevel",
  a.previous_level AS "previousRiskLevel", a.model_version AS "modelVersion", s.scored_at AS "scoredAt",
  a.raised_at AS "raisedAt",
  CASE WHEN e.id IS NULL THEN NULL ELSE json_build_object(
    'id', e.id::text, 'clientEventId', e.client_event_id, 'userId', e.user_id::text, 'titleId', e.title_id::text,
    'startedAt', e.started_at, 'watchedSeconds', e.watched_seconds, 'completion', e.completion,
    'device', e.device, 'rating', e.rating, 'ingestedAt', e.ingested_at) END AS cause`;

export class AlertsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Insert alerts inside the caller's (scoring) transaction; returns them as published. */
  async record(manager: EntityManager, alerts: readonly NewAlert[]): Promise<RiskAlertPayload[]> {
    if (alerts.length === 0) return [];
    // The ordering lock, and a durable commit: the rescorer commits plain scores asynchronously, but an
    // alert a client may have been told about must survive a crash of PostgreSQL.
    await preparedQuery(
      manager,
      `SELECT pg_advisory_xact_lock($1, $2), set_config('synchronous_commit', 'on', true)`,
      [...ALERT_ORDER_LOCK],
    );
    const rows: { id: string; raised_at: Date }[] = await preparedQuery(
      manager,
      `INSERT INTO risk_alerts (user_id, score_id, reason, probability, previous_probability, risk_level,
                                previous_level, model_version, cause_event_id)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::alert_reason[], $4::float8[], $5::float8[],
                            $6::risk_level[], $7::risk_level[], $8::text[], $9::bigint[])
       RETURNING id::text, raised_at`,
      [
        alerts.map((a) => a.update.userId),
        alerts.map((a) => a.update.scoreId),
        alerts.map((a) => a.reason),
        alerts.map((a) => a.update.probability),
        alerts.map((a) => a.update.previousProbability),
        alerts.map((a) => a.update.riskLevel),
        alerts.map((a) => a.update.previousRiskLevel),
        alerts.map((a) => a.update.modelVersion),
        alerts.map((a) => a.update.cause?.id ?? null),
      ],
    );
    // unnest + INSERT … RETURNING keeps input order.
    return alerts.map((a, i) => ({
      ...a.update,
      alertId: rows[i].id,
      reason: a.reason,
      raisedAt: new Date(rows[i].raised_at).toISOString(),
    }));
  }

  /** Alerts in the order they were raised, after a cursor. */
  async list(filter: AlertFilter): Promise<Page<RiskAlertPayload>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.minLevel) {
      params.push(levelsAtOrAbove(filter.minLevel));
      where.push(`a.risk_level = ANY($${params.length}::risk_level[])`);
    }
    if (filter.userId) {
      params.push(filter.userId);
      where.push(`a.user_id = $${params.length}`);
    }
    const countWhere = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM risk_alerts a ${countWhere}`,
      params,
    );
    if (filter.after) {
      params.push(decodeCursor('alert', filter.after));
      where.push(`a.id > $${params.length}`);
    }
    const rows: (Omit<RiskAlertPayload, 'scoredAt' | 'raisedAt'> & {
      scoredAt: Date;
      raisedAt: Date;
    })[] = await this.dataSource.query(
      `SELECT ${ALERT_SELECT}
         FROM risk_alerts a
         JOIN churn_scores s ON s.id = a.score_id
         LEFT JOIN viewing_events e ON e.id = a.cause_event_id
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.id LIMIT ${filter.first + 1}`,
      params,
    );
    return {
      nodes: rows.slice(0, filter.first).map((r) => ({
        ...r,
        scoredAt: new Date(r.scoredAt).toISOString(),
        raisedAt: new Date(r.raisedAt).toISOString(),
      })),
      hasNextPage: rows.length > filter.first,
      totalCount: count,
    };
  }
}

export function alertCursor(alertId: string): string {
  return encodeCursor('alert', alertId);
}
