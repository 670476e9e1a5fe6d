/**
 * Every statement over risk_alerts and alert_quality_runs. Alerts are written by the rescoring
 * statement (the CTEs of `alertWriteCtes`), so a score and the alert it raises commit together.
 * Raises (openings and escalations) take `raised_seq` values in commit order: the writing statement
 * takes the ordering lock before the first value is drawn and holds it until it commits, so no raise
 * can become visible below a cursor a reader has already passed.
 */
import type { Queryable } from '../../common/prepared-query';
import { decodeCursor, type Page } from '../../common/pagination';
import { accountEventJson, viewingEventJson } from '../events/event-sql';
import { levelsAtOrAbove, type RiskLevel } from '../model-registry/risk-levels';
import type { AlertResolution, AlertStatus } from './alert-reason';
import type { AlertRow } from './alert-payloads';
import { scoredAtOf } from '../scoring/score-sql';

/** pg_advisory_xact_lock(namespace, key): the raise-ordering lock. */
const RAISE_ORDER_LOCK = '7302, 0';

/** One alert change decided by the rule, as the write statement takes it. */
export interface AlertWrite {
  userId: string;
  action: 'OPEN' | 'ESCALATE' | 'REFRESH' | 'RESOLVE';
  reason: string | null;
  resolution: AlertResolution | null;
  previousProbability: number | null;
  previousLevel: RiskLevel | null;
}

export function alertWriteParams(writes: readonly AlertWrite[], at: Date): unknown[] {
  return [
    writes.map((w) => w.userId),
    writes.map((w) => w.action),
    writes.map((w) => w.reason),
    writes.map((w) => w.resolution),
    writes.map((w) => w.previousProbability),
    writes.map((w) => w.previousLevel),
    at.toISOString(),
  ];
}
export const ALERT_WRITE_PARAM_COUNT = 7;

/**
 * CTEs applying alert changes from `$first`: OPEN inserts (at most one unresolved alert per
 * subscriber), ESCALATE re-raises at the new level, REFRESH follows the current score, RESOLVE closes.
 * Scores come from CTE `s` (user_id, id, probability, risk_level, …). Yields `alert_changes` rows
 * (change, alert row).
 */
export function alertWriteCtes(first: number): string {
  const p = (k: number) => `$${first + k}`;
  const at = `${p(6)}::timestamptz`;
  return `
  alert_in AS (
    SELECT * FROM unnest(${p(0)}::bigint[], ${p(1)}::text[], ${p(2)}::alert_reason[],
                         ${p(3)}::alert_resolution[], ${p(4)}::float8[], ${p(5)}::risk_level[])
      AS x(user_id, action, reason, resolution, prev_p, prev_level)),
  alert_lock AS (SELECT pg_advisory_xact_lock(${RAISE_ORDER_LOCK}) IS NOT NULL AS locked),
  opened AS (
    INSERT INTO risk_alerts (user_id, score_id, reason, probability, previous_probability, risk_level,
      previous_level, model_version, cause_event_id, cause_account_event_id, raised_at, level_reached_at,
      opened_level, current_level, current_probability, peak_probability, updated_at)
    SELECT x.user_id, s.id, x.reason, s.probability, x.prev_p, s.risk_level, x.prev_level, s.model_version,
           s.cause_event_id, s.cause_account_event_id, ${at}, ${at}, s.risk_level, s.risk_level,
           s.probability, s.probability, ${at}
      FROM alert_in x JOIN s ON s.user_id = x.user_id
     WHERE x.action = 'OPEN' AND (SELECT locked FROM alert_lock)
     ORDER BY x.user_id
    ON CONFLICT (user_id) WHERE status <> 'RESOLVED' DO NOTHING
    RETURNING *),
  escalated AS (
    UPDATE risk_alerts a SET score_id = s.id, probability = s.probability, previous_probability = x.prev_p,
           previous_level = a.risk_level, risk_level = s.risk_level, model_version = s.model_version,
           cause_event_id = s.cause_event_id, cause_account_event_id = s.cause_account_event_id,
           raised_seq = nextval('risk_alert_raise_seq'), level_reached_at = ${at}, status = 'OPEN',
           current_level = s.risk_level, current_probability = s.probability,
           peak_probability = greatest(a.peak_probability, s.probability), updated_at = ${at}
      FROM alert_in x JOIN s ON s.user_id = x.user_id
     WHERE a.user_id = x.user_id AND a.status <> 'RESOLVED' AND x.action = 'ESCALATE'
       AND (SELECT locked FROM alert_lock)
    RETURNING a.*),
  refreshed AS (
    UPDATE risk_alerts a SET current_level = s.risk_level, current_probability = s.probability,
           peak_probability = greatest(a.peak_probability, s.probability), updated_at = ${at}
      FROM alert_in x JOIN s ON s.user_id = x.user_id
     WHERE a.user_id = x.user_id AND a.status <> 'RESOLVED' AND x.action = 'REFRESH'
    RETURNING a.id),
  resolved AS (
    UPDATE risk_alerts a SET status = 'RESOLVED', resolution = x.resolution, resolved_at = ${at},
           resolved_by = 'system', current_level = coalesce(s.risk_level, a.current_level),
           current_probability = coalesce(s.probability, a.current_probability), updated_at = ${at}
      FROM alert_in x JOIN s ON s.user_id = x.user_id
     WHERE a.user_id = x.user_id AND a.status <> 'RESOLVED' AND x.action = 'RESOLVE'
    RETURNING a.*),
  alert_changes AS (
    SELECT 'OPENED' AS change, o.* FROM opened o
    UNION ALL SELECT 'ESCALATED', e.* FROM escalated e
    UNION ALL SELECT 'RESOLVED', r.* FROM resolved r)`;
}

/** The changed alerts as json rows for the final SELECT (with their causes). */
export const ALERT_CHANGES_JSON = `(SELECT json_agg(row_to_json(c) ORDER BY c.raised_seq) FROM (
    SELECT ch.*, ${viewingEventJson('ch.cause_event_id')} AS cause,
           ${accountEventJson('ch.cause_account_event_id')} AS account_cause,
           ${scoredAtOf('ch.score_id')} AS scored_at
      FROM alert_changes ch) c)`;

/** Columns of an alert with its cause, as AlertRow. */
const ALERT_SELECT = `a.*, ${viewingEventJson('a.cause_event_id')} AS cause,
  ${accountEventJson('a.cause_account_event_id')} AS account_cause,
  ${scoredAtOf('a.score_id')} AS scored_at`;

export interface AlertFilter {
  after?: string | null;
  first: number;
  minLevel?: RiskLevel | null;
  userId?: string | null;
  statuses?: readonly AlertStatus[] | null;
}

export class AlertsRepository {
  constructor(private readonly db: Queryable) {}

  /** Every alert's subscriber and first raise time (the replay's served openings). */
  async openings(): Promise<{ userId: string; at: Date }[]> {
    return this.db.query(`SELECT user_id::text AS "userId", raised_at AS at FROM risk_alerts`);
  }

  /** Alerts in raise order (raised_seq), after a cursor. */
  async list(filter: AlertFilter, countTotal: boolean): Promise<Page<AlertRow>> {
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
    if (filter.statuses && filter.statuses.length > 0) {
      params.push(filter.statuses);
      where.push(`a.status = ANY($${params.length}::alert_status[])`);
    }
    const filterWhere = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const totalCount = countTotal
      ? (
          await this.db.query(
            `SELECT count(*)::int AS count FROM risk_alerts a ${filterWhere}`,
            params,
          )
        )[0].count
      : -1;
    if (filter.after) {
      params.push(decodeCursor('alert', filter.after));
      where.push(`a.raised_seq > $${params.length}`);
    }
    const rows: AlertRow[] = await this.db.query(
      `SELECT ${ALERT_SELECT} FROM risk_alerts a ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.raised_seq LIMIT ${filter.first + 1}`,
      params,
    );
    return {
      nodes: rows.slice(0, filter.first),
      hasNextPage: rows.length > filter.first,
      totalCount,
    };
  }

  async findById(id: string): Promise<AlertRow | null> {
    const rows: AlertRow[] = await this.db.query(
      `SELECT ${ALERT_SELECT} FROM risk_alerts a WHERE a.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** OPEN → ACKNOWLEDGED; null when the alert is not OPEN (or missing). */
  async acknowledge(
    id: string,
    by: string,
    note: string | null,
    at: Date,
  ): Promise<AlertRow | null> {
    const rows: AlertRow[] = await this.db.query(
      `WITH a AS (
         UPDATE risk_alerts SET status = 'ACKNOWLEDGED', acknowledged_at = $3, acknowledged_by = $2,
                note = coalesce($4, note), updated_at = $3
          WHERE id = $1 AND status = 'OPEN' RETURNING *)
       SELECT ${ALERT_SELECT} FROM a`,
      [id, by, at.toISOString(), note],
    );
    return rows[0] ?? null;
  }

  /** OPEN or ACKNOWLEDGED → RESOLVED (MANUAL); null when already resolved (or missing). */
  async resolve(id: string, by: string, note: string | null, at: Date): Promise<AlertRow | null> {
    const rows: AlertRow[] = await this.db.query(
      `WITH a AS (
         UPDATE risk_alerts SET status = 'RESOLVED', resolution = 'MANUAL', resolved_at = $3,
                resolved_by = $2, note = coalesce($4, note), updated_at = $3
          WHERE id = $1 AND status <> 'RESOLVED' RETURNING *)
       SELECT ${ALERT_SELECT} FROM a`,
      [id, by, at.toISOString(), note],
    );
    return rows[0] ?? null;
  }

  /**
   * Resolve as RETAINED every unresolved alert raised at or before `before` (its subscriber outlived
   * the prediction horizon).
   */
  async resolveRetained(before: Date, at: Date): Promise<AlertRow[]> {
    return this.db.query(
      `WITH a AS (
         UPDATE risk_alerts SET status = 'RESOLVED', resolution = 'RETAINED', resolved_at = $2,
                resolved_by = 'system', updated_at = $2
          WHERE status <> 'RESOLVED' AND raised_at <= $1 RETURNING *)
       SELECT ${ALERT_SELECT} FROM a ORDER BY a.raised_seq`,
      [before.toISOString(), at.toISOString()],
    );
  }

  /** Unresolved alerts of these subscribers (for the rescoring rule). */
  static openAlertsJoin(userExpr: string): string {
    return `LEFT JOIN risk_alerts oa ON oa.user_id = ${userExpr} AND oa.status <> 'RESOLVED'`;
  }

  /** Counts of alerts by status and level (metrics, the console). */
  async counts(): Promise<{ status: AlertStatus; level: RiskLevel; n: number }[]> {
    return this.db.query(
      `SELECT status, current_level AS level, count(*)::int AS n FROM risk_alerts GROUP BY 1, 2`,
    );
  }

  async saveQualityRun(params: unknown, result: unknown): Promise<string> {
    const [row] = await this.db.query(
      'INSERT INTO alert_quality_runs (params, result) VALUES ($1, $2) RETURNING id::text',
      [JSON.stringify(params), JSON.stringify(result)],
    );
    return row.id;
  }

  async latestQualityRun(): Promise<{
    id: string;
    createdAt: Date;
    params: unknown;
    result: unknown;
  } | null> {
    const rows = await this.db.query(
      `SELECT id::text, created_at AS "createdAt", params, result FROM alert_quality_runs ORDER BY alert_quality_runs.id DESC LIMIT 1`,
    );
    return rows[0] ?? null;
  }
}

/**
 * A CTE `name` resolving as CHURNED the unresolved alerts of the subscribers `usersSelect` yields
 * (user_id), at `atExpr`. Returns the alert rows.
 */
export function resolveChurnedCte(name: string, usersSelect: string, atExpr: string): string {
  return `${name} AS (
    UPDATE risk_alerts SET status = 'RESOLVED', resolution = 'CHURNED', resolved_at = ${atExpr},
           resolved_by = 'system', updated_at = ${atExpr}
     WHERE status <> 'RESOLVED' AND user_id IN (${usersSelect})
    RETURNING *)`;
}

/** The rows of a `resolveChurnedCte` as json (with their causes), for a final SELECT. */
export function alertRowsJson(cte: string): string {
  return `(SELECT json_agg(row_to_json(c)) FROM (
    SELECT a.*, ${viewingEventJson('a.cause_event_id')} AS cause,
           ${accountEventJson('a.cause_account_event_id')} AS account_cause,
           ${scoredAtOf('a.score_id')} AS scored_at
      FROM ${cte} a) c)`;
}
