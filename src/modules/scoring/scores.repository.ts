/**
 * Every statement over churn_scores (the append-only history), feature_attributions (the stored top
 * contributions of each score), user_risk (each active subscriber's latest score), risk_level_totals
 * (per-level counts of user_risk, maintained by the statement that writes scores) and
 * risk_level_snapshots (those counts over time).
 */
import type { Queryable } from '../../common/prepared-query';
import { preparedQuery } from '../../common/prepared-query';
import { decodeCursor, type Page } from '../../common/pagination';
import type { ChurnScore } from './churn-score.entity';
import { RISK_ORDER, type RiskLevel } from '../model-registry/risk-levels';
import type { StoredAttribution } from './stored-attributions';
import { USERS } from '../users/user-sql';

export const SCORE_COLUMNS = `id::text, user_id::text AS "userId", model_version AS "modelVersion", probability,
  risk_level AS "riskLevel", scored_at AS "scoredAt", cause_event_id::text AS "causeEventId",
  cause_account_event_id::text AS "causeAccountEventId",
  logit, baseline_logit AS "baselineLogit", attribution_method AS "attributionMethod",
  attribution_rest AS "attributionRest"`;

/**
 * The latest score of the user whose id is the SQL expression `userId`, as one row of SCORE_COLUMNS
 * (none before the first scoring): for `CROSS/LEFT JOIN LATERAL`. user_risk holds each subscriber's
 * latest score id, so it is two primary-key probes per user, whatever the page or table size (a join
 * over the whole of user_risk hashed every row on each page); churn_scores is searched only for a
 * user user_risk does not know.
 */
export function latestScoreOf(userId: string): string {
  return `SELECT ${SCORE_COLUMNS} FROM churn_scores
     WHERE churn_scores.id = (SELECT score_id FROM user_risk WHERE user_risk.user_id = ${userId})
   UNION ALL
   (SELECT ${SCORE_COLUMNS} FROM churn_scores
     WHERE churn_scores.user_id = ${userId}
       AND NOT EXISTS (SELECT 1 FROM user_risk WHERE user_risk.user_id = ${userId})
     ORDER BY churn_scores.scored_at DESC, churn_scores.id DESC LIMIT 1)`;
}

/** One new score, as the write statement takes it. */
export interface NewScore {
  userId: string;
  probability: number;
  riskLevel: RiskLevel;
  causeEventId: string | null;
  causeAccountEventId: string | null;
  logit: number | null;
  baselineLogit: number | null;
  method: string | null;
  rest: number | null;
  /** [features, values, valueTexts, contributions] of the stored top contributions, or null. */
  top: [string[], (number | null)[], (string | null)[], number[]] | null;
}

/**
 * One PostgreSQL array literal (`{"a","b",NULL}`), so that a row's variable-length attribution arrays
 * travel as one text element of a text[] parameter and are read with a cast (array_in, in C) rather
 * than unpacked from jsonb element by element (0.1 ms per score).
 */
export function arrayLiteral(values: readonly (string | number | null)[]): string {
  const element = (v: string | number | null) =>
    v === null ? 'NULL' : `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return `{${values.map(element).join(',')}}`;
}

/** Parameters of `writeScoresCtes`, from `$first`: 13 arrays, then the model version and time. */
export function scoresParams(scores: readonly NewScore[], version: string, at: Date): unknown[] {
  const top = (k: 0 | 1 | 2 | 3) => scores.map((s) => (s.top ? arrayLiteral(s.top[k]) : null));
  return [
    scores.map((s) => s.userId),
    scores.map((s) => s.probability),
    scores.map((s) => s.riskLevel),
    scores.map((s) => s.causeEventId),
    scores.map((s) => s.causeAccountEventId),
    scores.map((s) => s.logit),
    scores.map((s) => s.baselineLogit),
    scores.map((s) => s.method),
    scores.map((s) => s.rest),
    top(0),
    top(1),
    top(2),
    top(3),
    version,
    at.toISOString(),
  ];
}
export const SCORES_PARAM_COUNT = 15;

/**
 * CTEs that append scores (`s`: the inserted churn_scores rows) with their attributions, move each
 * subscriber's user_risk row to the new score, delete the user_risk rows of `$goneParam` (subscribers
 * no longer active) and apply the difference to risk_level_totals. `gate` optionally names a CTE
 * (user_id) outside which no score is written (the outbox rows this statement completes).
 */
export function writeScoresCtes(first: number, goneParam: string, gate?: string): string {
  const p = (k: number) => `$${first + k}`;
  return `
  v AS (
    -- Score ids are drawn here, in subscriber order, so that the attributions insert takes them from
    -- v instead of joining v to s: two CTEs joined under a generic plan (estimated at one row each)
    -- become a nested loop, quadratic in the batch (15 ms of a 40 ms write at 190 subscribers).
    SELECT v.*, nextval(pg_get_serial_sequence('churn_scores', 'id')) AS score_id
      FROM (SELECT * FROM unnest(${p(0)}::bigint[], ${p(1)}::float8[], ${p(2)}::risk_level[], ${p(3)}::bigint[],
                                 ${p(4)}::bigint[], ${p(5)}::float8[], ${p(6)}::float8[], ${p(7)}::text[],
                                 ${p(8)}::float8[], ${p(9)}::text[], ${p(10)}::text[], ${p(11)}::text[],
                                 ${p(12)}::text[])
              AS v(user_id, p, level, cause, acct, lg, bl, method, rest, top_features, top_values,
                   top_texts, top_contributions)
             ${gate ? `WHERE v.user_id IN (SELECT user_id FROM ${gate})` : ''}
             ORDER BY v.user_id) v),
  s AS (
    INSERT INTO churn_scores (id, user_id, model_version, probability, risk_level, scored_at, cause_event_id,
                              cause_account_event_id, logit, baseline_logit, attribution_method, attribution_rest)
    SELECT score_id, user_id, ${p(13)}, p, level, ${p(14)}::timestamptz, cause, acct, lg, bl, method, rest
      FROM v ORDER BY user_id
    RETURNING *),
  attributions AS (
    INSERT INTO feature_attributions (score_id, features, "values", value_texts, contributions)
    SELECT v.score_id, v.top_features::text[], v.top_values::float8[], v.top_texts::text[],
           v.top_contributions::float8[]
      FROM v
     WHERE v.top_features IS NOT NULL
    RETURNING 1),
  -- Joined from v so that a generic plan probes user_risk by key per score (an array parameter it
  -- cannot size made it scan the whole table). MATERIALIZED: inlined into \`totals\` below, the planner
  -- pushed the filter on \`risk\` into a scan of user_risk and ran that scan once per score of the
  -- batch (a nested loop over v: batch × subscribers rows filtered; seen on a 1,000-subscriber world,
  -- a plan that grows with the table).
  old_risk AS MATERIALIZED (
    SELECT r.user_id, r.risk_level, r.probability FROM v JOIN user_risk r ON r.user_id = v.user_id),
  risk AS (
    INSERT INTO user_risk (user_id, score_id, probability, risk_level, model_version, scored_at)
    SELECT user_id, id, probability, risk_level, model_version, scored_at FROM s ORDER BY user_id
    ON CONFLICT (user_id) DO UPDATE SET score_id = EXCLUDED.score_id, probability = EXCLUDED.probability,
      risk_level = EXCLUDED.risk_level, model_version = EXCLUDED.model_version, scored_at = EXCLUDED.scored_at
      WHERE user_risk.scored_at <= EXCLUDED.scored_at
    RETURNING user_id, risk_level, probability),
  gone AS (
    DELETE FROM user_risk WHERE user_id = ANY(${goneParam}::bigint[])
    RETURNING user_id, risk_level, probability),
  totals AS (
    UPDATE risk_level_totals t SET users = t.users + d.n, probability_sum = t.probability_sum + d.p
      FROM (SELECT level, sum(n)::int AS n, sum(p) AS p FROM (
              SELECT risk_level AS level, 1 AS n, probability AS p FROM risk
              UNION ALL SELECT o.risk_level, -1, -o.probability
                          FROM old_risk o JOIN risk n ON n.user_id = o.user_id
              UNION ALL SELECT risk_level, -1, -probability FROM gone) x GROUP BY level) d
     WHERE t.risk_level = d.level
    RETURNING 1)`;
}

/** The inserted scores as ChurnScore json, for the final SELECT of a write statement. */
export const WRITTEN_SCORES_JSON = `(SELECT json_agg(json_build_object(
    'id', s.id::text, 'userId', s.user_id::text, 'modelVersion', s.model_version,
    'probability', s.probability, 'riskLevel', s.risk_level, 'scoredAt', s.scored_at,
    'causeEventId', s.cause_event_id::text, 'causeAccountEventId', s.cause_account_event_id::text,
    'logit', s.logit, 'baselineLogit', s.baseline_logit, 'attributionMethod', s.attribution_method,
    'attributionRest', s.attribution_rest) ORDER BY s.user_id) FROM s)`;

export function reviveScore(s: ChurnScore): ChurnScore {
  return { ...s, scoredAt: new Date(s.scoredAt) };
}

export interface LevelTotals {
  level: RiskLevel;
  users: number;
  meanProbability: number | null;
}

export class ScoresRepository {
  constructor(private readonly db: Queryable) {}

  /** Append scores (no outbox, no alerts): the batch scoring path. */
  async writeScores(
    runner: Queryable,
    scores: readonly NewScore[],
    version: string,
    at: Date,
  ): Promise<ChurnScore[]> {
    if (scores.length === 0) return [];
    const [row]: { scores: ChurnScore[] | null }[] = await preparedQuery(
      runner,
      `WITH ${writeScoresCtes(1, `$${SCORES_PARAM_COUNT + 1}`)} SELECT ${WRITTEN_SCORES_JSON} AS scores`,
      [...scoresParams(scores, version, at), []],
      { rows: scores.length },
    );
    return (row.scores ?? []).map(reviveScore);
  }

  /** Latest score per user (active or not), as rows of SCORE_COLUMNS; users without one are absent. */
  async latestFor(runner: Queryable, userIds: readonly string[]): Promise<ChurnScore[]> {
    return preparedQuery(
      runner,
      `SELECT x.* FROM unnest($1::bigint[]) AS u(id) CROSS JOIN LATERAL (${latestScoreOf('u.id')}) x`,
      [userIds],
    );
  }

  /** Latest scores with their stored top contributions. */
  async latestWithAttributions(userIds: readonly string[]): Promise<
    (ChurnScore & {
      features: string[] | null;
      values: (number | null)[] | null;
      valueTexts: (string | null)[] | null;
      contributions: number[] | null;
    })[]
  > {
    return preparedQuery(
      this.db,
      `SELECT x.*, a.features, a."values", a.value_texts AS "valueTexts", a.contributions
         FROM unnest($1::bigint[]) AS u(id) CROSS JOIN LATERAL (${latestScoreOf('u.id')}) x
         LEFT JOIN feature_attributions a ON a.score_id = x.id::bigint`,
      [userIds],
    );
  }

  async attributionsFor(scoreIds: readonly string[]): Promise<
    {
      scoreId: string;
      features: string[];
      values: (number | null)[];
      valueTexts: (string | null)[];
      contributions: number[];
    }[]
  > {
    return this.db.query(
      `SELECT score_id::text AS "scoreId", features, "values", value_texts AS "valueTexts", contributions
         FROM feature_attributions WHERE score_id = ANY($1::bigint[])`,
      [scoreIds],
    );
  }

  /** Score history of users, newest first. */
  async historyFor(userIds: readonly string[], first: number): Promise<ChurnScore[]> {
    return this.db.query(
      `SELECT x.* FROM unnest($1::bigint[]) AS u(id)
       CROSS JOIN LATERAL (
         SELECT ${SCORE_COLUMNS} FROM churn_scores WHERE user_id = u.id
         ORDER BY scored_at DESC, churn_scores.id DESC LIMIT $2
       ) x`,
      [userIds, first],
    );
  }

  /** Active subscribers at the given levels by probability, then id; after a (probability, id) key. */
  async atRisk(
    levels: readonly RiskLevel[],
    first: number,
    after?: string | null,
  ): Promise<Page<ChurnScore>> {
    const params: unknown[] = [levels, first + 1];
    let cursorClause = '';
    if (after) {
      const [p, id] = decodeCursor('risk', after, /^[0-9.e-]+:\d{1,19}$/).split(':');
      params.push(Number(p), id);
      cursorClause = 'AND (r.probability < $3 OR (r.probability = $3 AND r.user_id > $4::bigint))';
    }
    const rows: ChurnScore[] = await this.db.query(
      `SELECT s.id::text, s.user_id::text AS "userId", s.model_version AS "modelVersion", s.probability,
              s.risk_level AS "riskLevel", s.scored_at AS "scoredAt"
         FROM user_risk r JOIN churn_scores s ON s.id = r.score_id
        WHERE r.risk_level = ANY($1::risk_level[]) ${cursorClause}
        ORDER BY r.probability DESC, r.user_id ASC LIMIT $2`,
      params,
    );
    const totals = await this.totals();
    const totalCount = totals
      .filter((t) => levels.includes(t.level))
      .reduce((n, t) => n + t.users, 0);
    return { nodes: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
  }

  /** Per-level counts of active subscribers' latest scores (maintained as scores are written). */
  async totals(): Promise<LevelTotals[]> {
    const rows: { level: RiskLevel; users: number; sum: number }[] = await preparedQuery(
      this.db,
      `SELECT risk_level AS level, users, probability_sum AS sum FROM risk_level_totals`,
      [],
    );
    const byLevel = new Map(rows.map((r) => [r.level, r]));
    return RISK_ORDER.map((level) => {
      const r = byLevel.get(level);
      const users = r?.users ?? 0;
      return { level, users, meanProbability: users > 0 ? r!.sum / users : null };
    });
  }

  /** Recount risk_level_totals from user_risk (after batch scoring, and hourly). */
  async reconcileTotals(): Promise<void> {
    await this.db.query(
      `UPDATE risk_level_totals t SET users = x.n, probability_sum = x.p
         FROM (SELECT l, count(r.user_id)::int AS n, coalesce(sum(r.probability), 0) AS p
                 FROM unnest(enum_range(NULL::risk_level)) AS l
                 LEFT JOIN user_risk r ON r.risk_level = l GROUP BY l) x
        WHERE t.risk_level = x.l`,
    );
  }

  /** Store the current per-level counts as a snapshot (hourly, and after each batch scoring). */
  async snapshot(at: Date, reason: string): Promise<void> {
    await this.db.query(
      `INSERT INTO risk_level_snapshots (taken_at, reason, risk_level, users, mean_probability)
       SELECT $1, $2, risk_level, users, probability_sum / NULLIF(users, 0) FROM risk_level_totals
       ON CONFLICT (taken_at, risk_level) DO NOTHING`,
      [at.toISOString(), reason],
    );
  }

  /** Snapshots since `since`, oldest first. */
  async snapshots(since: Date): Promise<
    {
      takenAt: Date;
      reason: string;
      level: RiskLevel;
      users: number;
      meanProbability: number | null;
    }[]
  > {
    return this.db.query(
      `SELECT taken_at AS "takenAt", reason, risk_level AS level, users, mean_probability AS "meanProbability"
         FROM risk_level_snapshots WHERE taken_at >= $1 ORDER BY taken_at, risk_level`,
      [since.toISOString()],
    );
  }

  /**
   * The time-driven rescoring's selection: user ids of ACTIVE subscribers whose latest score is older
   * than `$1`, oldest first, then those never scored; at most `$2`.
   */
  static readonly DUE_SELECT = `
    (SELECT user_id FROM user_risk WHERE scored_at < $1::timestamptz ORDER BY scored_at LIMIT $2)
    UNION ALL
    (SELECT u.id FROM ${USERS} u WHERE u.status = 'ACTIVE'
        AND NOT EXISTS (SELECT 1 FROM user_risk r WHERE r.user_id = u.id) ORDER BY u.id LIMIT $2)`;

  /** Ids of every active subscriber (batch scoring). */
  async activeUserIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id::text FROM ${USERS} users WHERE status = 'ACTIVE' ORDER BY users.id`,
    );
    return rows.map((r) => r.id);
  }

  /** Subscribers scored at exactly `at` (a batch pass's time): who was active when a replay began. */
  async usersScoredAt(at: Date): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT DISTINCT user_id::text AS id FROM churn_scores WHERE scored_at = $1`,
      [at.toISOString()],
    );
    return rows.map((r) => r.id);
  }

  /** Each subscriber's score history since `from`, oldest first. */
  async historiesSince(
    from: Date,
  ): Promise<{ userId: string; times: Date[]; probabilities: number[] }[]> {
    return this.db.query(
      `SELECT user_id::text AS "userId", array_agg(scored_at ORDER BY scored_at, id) AS times,
              array_agg(probability ORDER BY scored_at, id) AS probabilities
         FROM churn_scores WHERE scored_at >= $1 GROUP BY user_id`,
      [from.toISOString()],
    );
  }
}

export type { StoredAttribution };
