import type { DataSource } from 'typeorm';
import type { Clock } from '../../common/clock';
import { DomainError, ErrorCode, invalidArgument } from '../../common/domain-error';
import type { Page } from '../../common/pagination';
import { createProgress } from '../../common/progress';
import type { Explanation } from '../../ml';
import { toFeatureMatrix } from '../features/feature-matrix';
import type { FeatureRow, FeatureService } from '../features/feature.service';
import type { ChurnModel } from '../model-registry/churn-model';
import type { ModelRegistryService } from '../model-registry/model-registry.service';
import type { ChurnScore } from './churn-score.entity';
import {
  DEFAULT_RISK_THRESHOLDS,
  levelsAtOrAbove,
  riskLevelOf,
  type RiskLevel,
  type RiskThresholds,
} from '../model-registry/risk-levels';
import { ScoresRepository, type LevelTotals, type NewScore } from './scores.repository';
import { topContributions, type StoredAttribution } from './stored-attributions';

const SCORE_CHUNK = 5000;

export interface AtRiskEntry {
  userId: string;
  score: ChurnScore;
}

export type RiskLevelSummary = LevelTotals;

/** One level's count in one snapshot of risk_level_snapshots. */
export type RiskLevelPoint = Awaited<ReturnType<ScoresRepository['snapshots']>>[number];

/** riskLevelHistory's window when no `since` is given. */
const HISTORY_DEFAULT_DAYS = 7;

/** What caused each subscriber's rescore (churn_scores.cause_event_id / cause_account_event_id). */
export interface ScoreCauses {
  viewing?: ReadonlyMap<string, string | null>;
  account?: ReadonlyMap<string, string | null>;
}

export class ScoringService {
  readonly repository: ScoresRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly features: FeatureService,
    private readonly registry: ModelRegistryService,
    /** RISK_THRESHOLDS: overrides every model version's own bands when set. */
    private readonly thresholdOverride: RiskThresholds | undefined,
    private readonly clock: Clock,
  ) {
    this.repository = new ScoresRepository(dataSource);
  }

  /** The bands a model's probabilities are cut into: the override, else the version's own. */
  thresholdsFor(model: Pick<ChurnModel, 'metadata'> | null): RiskThresholds {
    return (
      this.thresholdOverride ?? model?.metadata.riskLevels?.thresholds ?? DEFAULT_RISK_THRESHOLDS
    );
  }

  /** Score these users now with the active model and append the scores. Inactive users are skipped. */
  async scoreUsers(userIds: readonly string[], at: Date = this.clock.now()): Promise<ChurnScore[]> {
    const model = await this.requireModel();
    const rows = await this.features.onlineAt(userIds, at);
    const scores = this.computeScores(model, rows).scores;
    return this.repository.writeScores(this.dataSource, scores, model.version, at);
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
   * Probabilities, risk levels and stored top contributions of feature rows under `model`: one
   * vectorised model call and one explanation pass for the whole batch. `causes` maps a user to the
   * event a live rescore follows.
   */
  computeScores(
    model: ChurnModel,
    rows: readonly FeatureRow[],
    causes: ScoreCauses = {},
  ): { scores: NewScore[]; explanations: Explanation[] | null } {
    if (rows.length === 0) return { scores: [], explanations: null };
    const matrix = toFeatureMatrix(rows);
    const probabilities = model.predict(matrix);
    const reference = model.metadata.explanation;
    // Models trained before explanations existed have no reference: their scores carry none.
    const explanations = reference ? model.explain(matrix, reference) : null;
    const thresholds = this.thresholdsFor(model);
    const scores = rows.map((r, i): NewScore => {
      const e = explanations?.[i];
      const stored = e ? topContributions(e, r) : null;
      return {
        userId: r.userId,
        probability: probabilities[i],
        riskLevel: riskLevelOf(probabilities[i], thresholds),
        causeEventId: causes.viewing?.get(r.userId) ?? null,
        causeAccountEventId: causes.account?.get(r.userId) ?? null,
        logit: e?.logit ?? null,
        baselineLogit: e?.baselineLogit ?? null,
        method: e?.method ?? null,
        rest: stored?.rest ?? null,
        top: stored
          ? [
              stored.top.map((a) => a.feature),
              stored.top.map((a) => a.value),
              stored.top.map((a) => a.valueText),
              stored.top.map((a) => a.contribution),
            ]
          : null,
      };
    });
    return { scores, explanations };
  }

  /** Batch-score every active subscriber (append-only history). Returns how many were scored. */
  async scoreAll(
    options: { silent?: boolean; onExplained?: (explanations: Explanation[]) => void } = {},
  ): Promise<number> {
    const ids = await this.repository.activeUserIds();
    const progress = createProgress({
      label: 'score',
      total: ids.length,
      unit: 'subscribers',
      silent: options.silent,
    });
    const at = this.clock.now();
    const model = await this.requireModel();
    let scored = 0;
    for (let i = 0; i < ids.length; i += SCORE_CHUNK) {
      const rows = await this.features.onlineAt(ids.slice(i, i + SCORE_CHUNK), at);
      const { scores, explanations } = this.computeScores(model, rows);
      if (explanations) options.onExplained?.(explanations);
      scored += (await this.repository.writeScores(this.dataSource, scores, model.version, at))
        .length;
      progress.tick(Math.min(SCORE_CHUNK, ids.length - i));
    }
    // Concurrent live rescoring may have raced the incremental totals: recount, then record the pass.
    await this.repository.reconcileTotals();
    await this.repository.snapshot(at, 'batch');
    const overview = await this.overview();
    progress.done(
      `${scored} subscribers scored — ${overview.map((o) => `${o.level} ${o.users}`).join(', ')}`,
    );
    return scored;
  }

  /**
   * Latest score per user with its stored top contributions, in one statement (the stored path of
   * User.explanation). Shape: userIds[i] → { score, attributions } or null.
   */
  async latestWithAttributions(
    userIds: readonly string[],
  ): Promise<({ score: ChurnScore; attributions: StoredAttribution[] } | null)[]> {
    const rows = await this.repository.latestWithAttributions(userIds);
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
    const rows = await this.repository.attributionsFor(scoreIds);
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

  /** Latest score per user. Shape: userIds[i] → score or null. */
  async latestFor(userIds: readonly string[]): Promise<(ChurnScore | null)[]> {
    const rows = await this.repository.latestFor(this.dataSource, userIds);
    const byUser = new Map(rows.map((r) => [r.userId, r]));
    return userIds.map((id) => byUser.get(id) ?? null);
  }

  /** Score history of users, newest first. Shape: userIds[i] → scores. */
  async historyFor(userIds: readonly string[], first: number): Promise<ChurnScore[][]> {
    const rows = await this.repository.historyFor(userIds, first);
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
    const page = await this.repository.atRisk(levelsAtOrAbove(minLevel), first, after);
    return { ...page, nodes: page.nodes.map((score) => ({ userId: score.userId, score })) };
  }

  /**
   * The per-level counts over time since `since` (default: 7 days before now), oldest first, one row
   * per level and snapshot. INVALID_ARGUMENT for a `since` in the future.
   */
  async levelHistory(since?: Date | null): Promise<RiskLevelPoint[]> {
    const now = this.clock.now();
    const from = since ?? new Date(now.getTime() - HISTORY_DEFAULT_DAYS * 86_400_000);
    if (from.getTime() > now.getTime()) {
      throw invalidArgument('since must not be in the future', { argument: 'since' });
    }
    return this.repository.snapshots(from);
  }

  /** Counts and mean probability per risk level over active subscribers' latest scores. */
  overview(): Promise<RiskLevelSummary[]> {
    return this.repository.totals();
  }
}
