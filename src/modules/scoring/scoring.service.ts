import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../../db/prepared-query';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { decodeCursor, type Page } from '../../common/pagination';
import { createProgress } from '../../common/progress';
import { toFeatureMatrix } from '../features/feature-matrix';
import type { FeatureService } from '../features/feature.service';
import type { Explanation } from '../../ml';
import type { ChurnModel } from '../model-registry/churn-model';
import { topContributions, type StoredAttribution } from './stored-attributions';
import type { ModelRegistryService } from '../model-registry/model-registry.service';
import { ChurnScore } from './churn-score.entity';
import {
  levelsAtOrAbove,
  RISK_ORDER,
  riskLevelOf,
  type RiskLevel,
  type RiskThresholds,
} from './risk-levels';

const SCORE_COLUMNS = `id::text, user_id::text AS "userId", model_version AS "modelVersion", probability,
  risk_level AS "riskLevel", scored_at AS "scoredAt", cause_event_id::text AS "causeEventId",
  logit, baseline_logit AS "baselineLogit", attribution_method AS "attributionMethod",
  attribution_rest AS "attributionRest"`;
const SCORE_CHUNK = 5000;

export interface AtRiskEntry {
  userId: string;
  score: ChurnScore;
}

export interface RiskLevelSummary {
  level: RiskLevel;
  users: number;
  meanProbability: number | null;
}

export class ScoringService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly features: FeatureService,
    private readonly registry: ModelRegistryService,
    private readonly thresholds: RiskThresholds,
  ) {}

  /** Score these users now with the active model and append the scores. Inactive users are skipped. */
  async scoreUsers(userIds: readonly string[], at: Date = new Date()): Promise<ChurnScore[]> {
    const model = await this.requireModel();
    return this.dataSource.transaction((m) => this.scoreWith(m, model, userIds, at));
  }

  /** The serving model, or NO_ACTIVE_MODEL. */
  async requireModel(): Promise<ChurnModel> {
    const model = await this.registry.activeModel();
    if (!model)
      throw new DomainError(
        ErrorCode.NO_ACTIVE_MODEL,
        'no churn model is active yet: run `churn train`',
      );
    return model;
  }

  /**
   * Score `userIds` with `model` inside the caller's transaction and append the scores; `causes` maps
   * a user to the event a live rescore follows (churn_scores.cause_event_id). Inactive users are
   * skipped. Scores come back in user-id order.
   */
  async scoreWith(
    manager: EntityManager,
    model: ChurnModel,
    userIds: readonly string[],
    at: Date,
    causes?: ReadonlyMap<string, string>,
    onExplained?: (explanations: Explanation[]) => void,
  ): Promise<ChurnScore[]> {
    const rows = await this.features.onlineAt(userIds, at, manager);
    if (rows.length === 0) return [];
    const matrix = toFeatureMatrix(rows);
    const probabilities = model.predict(matrix);
    const reference = model.metadata.explanation;
    // Models trained before explanations existed have no reference: their scores carry none.
    const explanations = reference ? model.explain(matrix, reference) : null;
    if (explanations) onExplained?.(explanations);
    const stored = explanations?.map((e, i) => topContributions(e, rows[i]));
    // One statement: the scores and their top contributions (arrays of arrays travel as JSON).
    return preparedQuery(
      manager,
      `WITH s AS (
         INSERT INTO churn_scores (user_id, model_version, probability, risk_level, scored_at, cause_event_id,
                                   logit, baseline_logit, attribution_method, attribution_rest)
         SELECT id, $2, p, level, $5, cause, lg, bl, method, rest
           FROM unnest($1::bigint[], $3::float8[], $4::risk_level[], $6::bigint[], $7::float8[], $8::float8[],
                       $9::text[], $10::float8[]) AS v(id, p, level, cause, lg, bl, method, rest)
         RETURNING *),
       a AS (
         INSERT INTO feature_attributions (score_id, features, "values", value_texts, contributions)
         SELECT s.id,
                ARRAY(SELECT jsonb_array_elements_text(x.a->0)),
                ARRAY(SELECT (v #>> '{}')::float8 FROM jsonb_array_elements(x.a->1) v),
                ARRAY(SELECT v #>> '{}' FROM jsonb_array_elements(x.a->2) v),
                ARRAY(SELECT (v #>> '{}')::float8 FROM jsonb_array_elements(x.a->3) v)
           FROM unnest($11::bigint[], $12::jsonb[]) AS x(user_id, a)
           JOIN s ON s.user_id = x.user_id)
       SELECT ${SCORE_COLUMNS} FROM s`,
      [
        rows.map((r) => r.userId),
        model.version,
        Array.from(probabilities),
        Array.from(probabilities, (p) => riskLevelOf(p, this.thresholds)),
        at.toISOString(),
        rows.map((r) => causes?.get(r.userId) ?? null),
        rows.map((_, i) => explanations?.[i].logit ?? null),
        rows.map((_, i) => explanations?.[i].baselineLogit ?? null),
        rows.map((_, i) => explanations?.[i].method ?? null),
        rows.map((_, i) => stored?.[i].rest ?? null),
        stored ? rows.map((r) => r.userId) : [],
        (stored ?? []).map((s) =>
          JSON.stringify([
            s.top.map((a) => a.feature),
            s.top.map((a) => a.value),
            s.top.map((a) => a.valueText),
            s.top.map((a) => a.contribution),
          ]),
        ),
      ],
    );
  }

  /**
   * Latest score per user with its stored top contributions, in one statement (the stored path of
   * User.explanation). Shape: userIds[i] → { score, attributions } or null.
   */
  async latestWithAttributions(
    userIds: readonly string[],
  ): Promise<({ score: ChurnScore; attributions: StoredAttribution[] } | null)[]> {
    const rows: (ChurnScore & {
      features: string[] | null;
      values: (number | null)[] | null;
      valueTexts: (string | null)[] | null;
      contributions: number[] | null;
    })[] = await preparedQuery(
      this.dataSource,
      `SELECT s.*, a.features, a."values", a.value_texts AS "valueTexts", a.contributions
         FROM unnest($1::bigint[]) AS u(id)
         CROSS JOIN LATERAL (
           SELECT ${SCORE_COLUMNS} FROM churn_scores WHERE user_id = u.id ORDER BY scored_at DESC, id DESC LIMIT 1
         ) s
         LEFT JOIN feature_attributions a ON a.score_id = s.id::bigint`,
      [userIds],
    );
    const byUser = new Map(
      rows.map(({ features, values, valueTexts, contributions, ...score }) => [
        score.userId,
        {
          score: score as ChurnScore,
          attributions: (features ?? []).map((feature, k) => ({
            rank: k + 1,
            feature,
            value: values![k],
            valueText: valueTexts![k],
            contribution: contributions![k],
          })),
        },
      ]),
    );
    return userIds.map((id) => byUser.get(id) ?? null);
  }

  /** Stored top contributions of scores. Shape: scoreIds[i] → contributions by rank. */
  async attributionsFor(scoreIds: readonly string[]): Promise<StoredAttribution[][]> {
    const rows: {
      scoreId: string;
      features: string[];
      values: (number | null)[];
      valueTexts: (string | null)[];
      contributions: number[];
    }[] = await this.dataSource.query(
      `SELECT score_id::text AS "scoreId", features, "values", value_texts AS "valueTexts", contributions
         FROM feature_attributions WHERE score_id = ANY($1::bigint[])`,
      [scoreIds],
    );
    const byScore = new Map(
      rows.map((r) => [
        r.scoreId,
        r.features.map((feature, k) => ({
          rank: k + 1,
          feature,
          value: r.values[k],
          valueText: r.valueTexts[k],
          contribution: r.contributions[k],
        })),
      ]),
    );
    return scoreIds.map((id) => byScore.get(id) ?? []);
  }

  /** Batch-score every active subscriber (append-only history). Returns how many were scored. */
  async scoreAll(
    options: { silent?: boolean; onExplained?: (explanations: Explanation[]) => void } = {},
  ): Promise<number> {
    const ids: string[] = (
      await this.dataSource.query(`SELECT id::text FROM users WHERE status = 'ACTIVE' ORDER BY id`)
    ).map((r: { id: string }) => r.id);
    const progress = createProgress({
      label: 'score',
      total: ids.length,
      unit: 'subscribers',
      silent: options.silent,
    });
    const at = new Date();
    const model = await this.requireModel();
    let scored = 0;
    for (let i = 0; i < ids.length; i += SCORE_CHUNK) {
      const chunk = ids.slice(i, i + SCORE_CHUNK);
      scored += (
        await this.dataSource.transaction((m) =>
          this.scoreWith(m, model, chunk, at, undefined, options.onExplained),
        )
      ).length;
      progress.tick(Math.min(SCORE_CHUNK, ids.length - i));
    }
    const overview = await this.overview();
    progress.done(
      `${scored} subscribers scored — ${overview.map((o) => `${o.level} ${o.users}`).join(', ')}`,
    );
    return scored;
  }

  /** Latest score per user. Shape: userIds[i] → score or null. */
  async latestFor(
    userIds: readonly string[],
    runner: Pick<EntityManager, 'query'> = this.dataSource,
  ): Promise<(ChurnScore | null)[]> {
    const rows: ChurnScore[] = await preparedQuery(
      runner,
      `SELECT s.* FROM unnest($1::bigint[]) AS u(id)
       CROSS JOIN LATERAL (
         SELECT ${SCORE_COLUMNS} FROM churn_scores WHERE user_id = u.id ORDER BY scored_at DESC, id DESC LIMIT 1
       ) s`,
      [userIds],
    );
    const byUser = new Map(rows.map((r) => [r.userId, r]));
    return userIds.map((id) => byUser.get(id) ?? null);
  }

  /** Score history of users, newest first. Shape: userIds[i] → scores. */
  async historyFor(userIds: readonly string[], first: number): Promise<ChurnScore[][]> {
    const rows: ChurnScore[] = await this.dataSource.query(
      `SELECT s.* FROM unnest($1::bigint[]) AS u(id)
       CROSS JOIN LATERAL (
         SELECT ${SCORE_COLUMNS} FROM churn_scores WHERE user_id = u.id ORDER BY scored_at DESC, id DESC LIMIT $2
       ) s`,
      [userIds, first],
    );
    const byUser = new Map<string, ChurnScore[]>();
    for (const r of rows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
    return userIds.map((id) => byUser.get(id) ?? []);
  }

  /** Active subscribers whose latest risk level is at least `minLevel`, most likely to churn first. */
  async atRisk(
    minLevel: RiskLevel,
    first: number,
    after?: string | null,
  ): Promise<Page<AtRiskEntry>> {
    const levels = levelsAtOrAbove(minLevel);
    const params: unknown[] = [levels];
    let cursorClause = '';
    if (after) {
      const key = decodeCursor('risk', after, /^[0-9.e-]+:\d{1,19}$/);
      const [p, id] = key.split(':');
      params.push(Number(p), id);
      cursorClause =
        'AND (probability < $2 OR (probability = $2 AND "userId"::bigint > $3::bigint))';
    }
    const latest = `SELECT DISTINCT ON (s.user_id) s.id::text AS id, s.user_id::text AS "userId",
        s.model_version AS "modelVersion", s.probability, s.risk_level AS "riskLevel", s.scored_at AS "scoredAt"
      FROM churn_scores s JOIN users u ON u.id = s.user_id AND u.status = 'ACTIVE'
      ORDER BY s.user_id, s.scored_at DESC, s.id DESC`;
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM (${latest}) l WHERE "riskLevel" = ANY($1::risk_level[])`,
      [levels],
    );
    const rows: ChurnScore[] = await this.dataSource.query(
      `SELECT * FROM (${latest}) l WHERE "riskLevel" = ANY($1::risk_level[]) ${cursorClause}
       ORDER BY probability DESC, "userId"::bigint ASC LIMIT ${first + 1}`,
      params,
    );
    return {
      nodes: rows.slice(0, first).map((score) => ({ userId: score.userId, score })),
      hasNextPage: rows.length > first,
      totalCount: count,
    };
  }

  /** Counts and mean probability per risk level over active subscribers' latest scores. */
  async overview(): Promise<RiskLevelSummary[]> {
    const rows: { level: RiskLevel; users: number; mean: number | null }[] =
      await this.dataSource.query(
        `SELECT l."riskLevel" AS level, count(*)::int AS users, avg(l.probability) AS mean FROM (
         SELECT DISTINCT ON (s.user_id) s.risk_level AS "riskLevel", s.probability
         FROM churn_scores s JOIN users u ON u.id = s.user_id AND u.status = 'ACTIVE'
         ORDER BY s.user_id, s.scored_at DESC, s.id DESC
       ) l GROUP BY l."riskLevel"`,
      );
    const byLevel = new Map(rows.map((r) => [r.level, r]));
    return RISK_ORDER.map((level) => ({
      level,
      users: byLevel.get(level)?.users ?? 0,
      meanProbability: byLevel.get(level)?.mean ?? null,
    }));
  }
}
