/**
 * The two statements of a rescoring batch, composed from the owners' fragments: `claimAndRead` leases
 * outbox rows and, in the same statement, reads each subscriber's account and online feature state,
 * latest risk, unresolved alert and the events behind the rescore; `write` deletes the rows it still
 * holds and, in the same statement, appends the scores, moves user_risk and the level totals, and
 * applies the alert changes. No transaction is held open while the model runs.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../common/prepared-query';
import { preparedQuery } from '../../common/prepared-query';
import {
  alertWriteCtes,
  alertWriteParams,
  ALERT_CHANGES_JSON,
  alertRowsJson,
  resolveChurnedCte,
  ALERT_WRITE_PARAM_COUNT,
  AlertsRepository,
  type AlertWrite,
} from '../alerts/alerts.repository';
import type { AlertRow } from '../alerts/alert-payloads';
import { accountEventJson, viewingEventJson } from '../events/event-sql';
import type { AccountEventRow } from '../events/event-payloads';
import type { ViewingEvent } from '../events/viewing-event.entity';
import { ONLINE_READ_SELECT, onlineReadJoins } from '../features/online-read-sql';
import type { OnlineRow } from '../features/online-rows';
import type { ChurnScore } from '../scoring/churn-score.entity';
import {
  claimCte,
  completeCte,
  type ClaimTarget,
  type ScoreCause,
} from '../outbox/outbox.repository';
import type { RiskLevel } from '../model-registry/risk-levels';
import {
  reviveScore,
  scoresParams,
  SCORES_PARAM_COUNT,
  WRITTEN_SCORES_JSON,
  writeScoresCtes,
  type NewScore,
} from '../scoring/scores.repository';
import { USERS } from '../users/user-sql';
import { currentRiskJoin } from '../scoring/score-sql';

/**
 * A lease outlives any claim that is still working (they take milliseconds to a second); an expired
 * one is claimed again. A start-up after a crash waits at most this long for the crashed claim's rows.
 */
export const LEASE_SECONDS = 10;

/** One claimed subscriber, with everything rescoring needs. */
export interface ClaimedRow extends OnlineRow {
  userId: string;
  outboxIds: string[];
  causeKind: ScoreCause;
  causeEventId: string | null;
  causeAccountEventId: string | null;
  status: 'ACTIVE' | 'CANCELLED';
  prev_probability: number | null;
  prev_level: RiskLevel | null;
  open_alert_level: RiskLevel | null;
  open_alert_opened_level: RiskLevel | null;
  cause_event: ViewingEvent | null;
  cause_account_event: AccountEventRow | null;
}

export interface Claim {
  token: string;
  rows: ClaimedRow[];
}

export class RescoringRepository {
  constructor(private readonly db: Queryable) {}

  /** Lease the target's outbox rows and read their subscribers as of `at` (window day `end`). */
  async claimAndRead(target: ClaimTarget, at: Date, end: number, maxClaim: number): Promise<Claim> {
    const token = randomUUID();
    const rows: ClaimedRow[] = await preparedQuery(
      this.db,
      `WITH ${claimCte(target.kind, { token: '$1', lease: '$2', ids: '$5', age: '$5', limit: '$6' })},
       per_user AS (
         SELECT user_id, array_agg(id::text) AS outbox_ids,
                (array_agg(cause ORDER BY id DESC))[1] AS cause,
                max(event_id) AS event_id, max(account_event_id) AS account_event_id
           FROM claimed GROUP BY user_id)
       SELECT pu.user_id::text AS "userId", pu.outbox_ids AS "outboxIds", pu.cause AS "causeKind",
              pu.event_id::text AS "causeEventId", pu.account_event_id::text AS "causeAccountEventId",
              u.status::text AS status, ${ONLINE_READ_SELECT},
              r.probability AS prev_probability, r.risk_level AS prev_level,
              oa.risk_level AS open_alert_level, oa.opened_level AS open_alert_opened_level,
              ${viewingEventJson('pu.event_id')} AS cause_event,
              ${accountEventJson('pu.account_event_id')} AS cause_account_event
         FROM per_user pu JOIN ${USERS} u ON u.id = pu.user_id
         ${onlineReadJoins('$3', '$4')}
         ${currentRiskJoin('r', 'pu.user_id')}
         ${AlertsRepository.openAlertsJoin('pu.user_id')}
        ORDER BY pu.user_id`,
      [
        token,
        LEASE_SECONDS,
        at.toISOString(),
        end,
        ...(target.kind === 'ids' ? [target.ids] : [target.olderThanMs / 1000, maxClaim]),
      ],
    );
    return { token, rows };
  }

  /**
   * Complete a claim: delete the outbox rows it still holds and, for their subscribers only, append
   * the scores, drop `gone` subscribers from user_risk (their open alert resolves as CHURNED), and
   * apply `alerts`. Commits durably when it raises or resolves alerts, asynchronously otherwise (a
   * lost score commit loses its outbox delete with it, so the subscriber is simply rescored).
   */
  async write(
    claim: Claim,
    scores: readonly NewScore[],
    version: string,
    at: Date,
    gone: readonly string[],
    alerts: readonly AlertWrite[],
  ): Promise<{
    scores: ChurnScore[];
    alerts: (AlertRow & { change: string })[];
    completed: number;
  }> {
    const outboxIds = claim.rows.flatMap((r) => r.outboxIds);
    const goneParam = `$${3 + SCORES_PARAM_COUNT}`;
    const alertFirst = 4 + SCORES_PARAM_COUNT;
    const withAlerts = alerts.length > 0;
    const syncParam = `$${withAlerts ? alertFirst + ALERT_WRITE_PARAM_COUNT : alertFirst}`;
    const [row]: {
      scores: ChurnScore[] | null;
      alerts: (AlertRow & { change: string })[] | null;
      churned: AlertRow[] | null;
      completed: number;
    }[] = await preparedQuery(
      this.db,
      `WITH ${completeCte('$1', '$2')},
       ${writeScoresCtes(3, goneParam, 'done')}
       ${withAlerts ? `, ${alertWriteCtes(alertFirst)}` : ''},
       ${resolveChurnedCte('churned', `SELECT user_id FROM done WHERE user_id = ANY(${goneParam}::bigint[])`, `$${2 + SCORES_PARAM_COUNT}::timestamptz`)}
       SELECT ${WRITTEN_SCORES_JSON} AS scores, ${withAlerts ? ALERT_CHANGES_JSON : 'NULL::json'} AS alerts,
              ${alertRowsJson('churned')} AS churned,
              (SELECT count(*)::int FROM done) AS completed,
              set_config('synchronous_commit', ${syncParam}, true) AS sync`,
      [
        outboxIds,
        claim.token,
        ...scoresParams(scores, version, at),
        gone,
        ...(withAlerts ? alertWriteParams(alerts, at) : []),
        withAlerts || gone.length > 0 ? 'on' : 'off',
      ],
      { rows: scores.length },
    );
    return {
      scores: (row.scores ?? []).map(reviveScore),
      alerts: [
        ...(row.alerts ?? []),
        ...(row.churned ?? []).map((a) => ({ ...a, change: 'RESOLVED' })),
      ],
      completed: row.completed,
    };
  }
}
