/**
 * Why a subscriber has their risk. A score stores its top contributions when it is computed (see
 * ScoringService.scoreWith), so explaining a live score is a read; asking for more contributions than
 * are stored, or for a subscriber whose latest score has none, explains the current features with the
 * active model on demand. Every explanation served passes its completeness check (contributions add
 * up to logit − baseline logit within the method's tolerance). Also: global feature importance per
 * model version (mean |attribution|, permutation), stored in feature_importance.
 */
import type { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/domain-error';
import type { Logger } from '../../common/logger';
import {
  aggregateAttributions,
  COMPLETENESS_TOLERANCE,
  type AttributionMethod,
  type Explanation,
} from '../../ml';
import { toFeatureMatrix } from '../features/feature-matrix';
import type { FeatureService } from '../features/feature.service';
import type { ChurnModel } from '../model-registry/churn-model';
import { explanationReference } from '../model-registry/explanation-reference';
import type { ExplanationReference } from '../model-registry/model-metadata';
import type { ModelRegistryService } from '../model-registry/model-registry.service';
import type { ChurnScore } from '../scoring/churn-score.entity';
import type { ScoringService } from '../scoring/scoring.service';
import {
  STORED_TOP,
  topContributions,
  type StoredAttribution,
} from '../scoring/stored-attributions';
import {
  ExplanationSource,
  ImportanceKind,
  RiskDirection,
  type ChurnExplanation,
  type FeatureContribution,
  type FeatureImportanceEntry,
  type FeatureImportanceReport,
} from './explanation.types';
import {
  comparedToOf,
  fortnightHours,
  fortnightSentence,
  TREND_FEATURES,
} from './contribution-wording';
import { featureLabel, reasonFor } from './feature-reasons';
import { mergePairs } from './merge-pairs';
import { plainUnit, plainValue } from './feature-units';
import { ExplanationsRepository, type ImportanceEntryInput } from './explanations.repository';

/** Most contributions one explanation may list. */
export const MAX_TOP = 30;

export class ExplanationsService {
  private readonly rebuilt = new Map<string, Promise<ExplanationReference>>();

  private readonly repository: ExplanationsRepository;

  constructor(
    private readonly dataSource: DataSource,
    private readonly features: FeatureService,
    private readonly registry: ModelRegistryService,
    private readonly scoring: ScoringService,
    private readonly logger: Logger,
  ) {
    this.repository = new ExplanationsRepository(dataSource);
  }

  /**
   * Explanations of these subscribers' risk, `top` contributions each. Shape: userIds[i] → an
   * explanation, or null when the subscriber has never been scored and is not active.
   */
  async explain(userIds: readonly string[], top: number): Promise<(ChurnExplanation | null)[]> {
    if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
      throw new DomainError(
        ErrorCode.INVALID_ARGUMENT,
        `top must be between 1 and ${MAX_TOP}, got ${top}`,
        {
          argument: 'top',
        },
      );
    }
    const out = new Map<string, ChurnExplanation>();
    if (top <= STORED_TOP) {
      for (const latest of await this.scoring.latestWithAttributions(userIds)) {
        if (!latest || latest.score.logit === null) continue;
        const e = await this.fromStored(latest.score, latest.attributions, top);
        if (e) out.set(latest.score.userId, e);
      }
    }
    const missing = userIds.filter((id) => !out.has(id));
    if (missing.length > 0) {
      for (const e of await this.computeNow(missing, top)) out.set(e.userId, e.explanation);
    }
    return userIds.map((id) => out.get(id) ?? null);
  }

  /** The reference point of a model's explanations (rebuilt for models trained without one). */
  async referenceFor(model: ChurnModel): Promise<ExplanationReference> {
    if (model.metadata.explanation) return model.metadata.explanation;
    let ref = this.rebuilt.get(model.version);
    if (!ref) {
      ref = (async () => {
        this.logger.info('Rebuilding the explanation baseline from the training snapshots', {
          version: model.version,
        });
        const { split } = model.metadata;
        const rows = [];
        for (const t of split.trainSnapshots)
          rows.push(...(await this.features.batchAt(new Date(t), split.horizonDays)));
        return explanationReference(model.raw.preprocessor, toFeatureMatrix(rows));
      })();
      this.rebuilt.set(model.version, ref);
      ref.catch(() => this.rebuilt.delete(model.version));
    }
    return ref;
  }

  /** Global importance of a version (default: the active one), both kinds. */
  async importance(version?: string | null): Promise<FeatureImportanceReport> {
    const v = version ?? (await this.registry.activeRow())?.version;
    if (!v)
      throw new DomainError(
        ErrorCode.NO_ACTIVE_MODEL,
        'no churn model is active yet: run `churn train`',
      );
    if (!(await this.registry.find(v))) {
      throw new DomainError(ErrorCode.MODEL_NOT_FOUND, `no model version "${v}"`, { version: v });
    }
    const rows = await this.repository.importance(v);
    const of = (kind: ImportanceKind): FeatureImportanceEntry[] =>
      rows
        .filter((r) => r.kind === kind)
        .map((r) => ({
          feature: r.feature,
          label: featureLabel(r.feature),
          importance: r.importance,
          spread: r.spread,
          signed: r.signed,
        }));
    const count = (kind: ImportanceKind) => rows.find((r) => r.kind === kind)?.rows ?? 0;
    return {
      modelVersion: v,
      meanAbsAttribution: of(ImportanceKind.MEAN_ABS_ATTRIBUTION),
      permutation: of(ImportanceKind.PERMUTATION),
      attributionRows: count(ImportanceKind.MEAN_ABS_ATTRIBUTION),
      permutationRows: count(ImportanceKind.PERMUTATION),
      computedAt:
        rows.length > 0
          ? new Date(Math.max(...rows.map((r) => new Date(r.computed_at).getTime())))
          : null,
    };
  }

  /** Replace one kind of a version's global importance. */
  async saveImportance(
    version: string,
    kind: ImportanceKind,
    entries: readonly ImportanceEntryInput[],
    rows: number,
  ): Promise<void> {
    await this.repository.replaceImportance(version, kind, entries, rows);
  }

  /**
   * Collects the explanations of a batch scoring (ScoringService.scoreAll's onExplained) and stores
   * their mean |attribution| as the version's MEAN_ABS_ATTRIBUTION importance.
   */
  importanceAccumulator(version: string): { add(e: Explanation[]): void; save(): Promise<number> } {
    const all: Explanation[] = [];
    return {
      add: (e) => all.push(...e),
      save: async () => {
        const agg = aggregateAttributions(all);
        const spread = agg.map((a) => {
          const j = all[0]?.features.indexOf(a.feature) ?? -1;
          if (j < 0 || all.length < 2) return null;
          const mean = a.meanAbs;
          const v =
            all.reduce((s, e) => s + (Math.abs(e.contributions[j]) - mean) ** 2, 0) /
            (all.length - 1);
          return Math.sqrt(v);
        });
        await this.saveImportance(
          version,
          ImportanceKind.MEAN_ABS_ATTRIBUTION,
          agg.map((a, i) => ({
            feature: a.feature,
            importance: a.meanAbs,
            spread: spread[i],
            signed: a.meanSigned,
          })),
          all.length,
        );
        return all.length;
      },
    };
  }

  /** A stored explanation, or null when it fails its completeness check (then it is recomputed). */
  private async fromStored(
    score: ChurnScore,
    stored: StoredAttribution[],
    top: number,
  ): Promise<ChurnExplanation | null> {
    if (score.logit === null || score.baselineLogit === null || stored.length === 0) return null;
    const method = (score.attributionMethod ?? 'linear') as AttributionMethod;
    const total = stored.reduce((s, a) => s + a.contribution, 0) + (score.attributionRest ?? 0);
    const error = Math.abs(total - (score.logit - score.baselineLogit));
    if (!(error <= COMPLETENESS_TOLERANCE[method])) {
      this.logger.warn('A stored explanation failed its completeness check; recomputing', {
        scoreId: score.id,
        error,
      });
      return null;
    }
    const model = await this.registry.modelFor(score.modelVersion);
    const reference = await this.referenceFor(model);
    const shown = stored.slice(0, top);
    const other = total - shown.reduce((s, a) => s + a.contribution, 0);
    return build({
      model,
      reference,
      method,
      source: ExplanationSource.STORED,
      scoredAt: new Date(score.scoredAt),
      probability: score.probability,
      logit: score.logit,
      baselineLogit: score.baselineLogit,
      completenessError: error,
      attributions: shown,
      other,
    });
  }

  private async computeNow(
    userIds: readonly string[],
    top: number,
  ): Promise<{ userId: string; explanation: ChurnExplanation }[]> {
    const model = await this.registry.activeModel();
    if (!model) return [];
    const rows = await this.features.onlineAt(userIds);
    if (rows.length === 0) return [];
    const reference = await this.referenceFor(model);
    const matrix = toFeatureMatrix(rows);
    const probabilities = model.predict(matrix);
    const explanations = model.explain(matrix, reference);
    const now = new Date();
    return explanations.map((e, i) => {
      const { top: shown, rest } = topContributions(e, rows[i], top);
      return {
        userId: rows[i].userId,
        explanation: build({
          model,
          reference,
          method: e.method,
          source: ExplanationSource.COMPUTED,
          scoredAt: now,
          probability: probabilities[i],
          logit: e.logit,
          baselineLogit: e.baselineLogit,
          completenessError: e.completenessError,
          attributions: shown,
          other: rest,
          sequence: rows[i].sequence,
        }),
      };
    });
  }
}

function build(x: {
  model: ChurnModel;
  reference: ExplanationReference;
  method: AttributionMethod;
  source: ExplanationSource;
  scoredAt: Date;
  probability: number;
  logit: number;
  baselineLogit: number;
  completenessError: number;
  attributions: StoredAttribution[];
  other: number;
  /** The 28-day daily sequence when the features were read now (hours per fortnight need it). */
  sequence?: number[][];
}): ChurnExplanation {
  const fortnights = x.sequence ? fortnightHours(x.sequence) : null;
  const contributions = mergePairs(
    x.attributions.map((a): FeatureContribution => {
      const typical = x.reference.typical[a.feature] ?? null;
      const value = a.valueText ?? a.value;
      const typicalValue = typeof typical === 'number' ? typical : null;
      return {
        feature: a.feature,
        label: featureLabel(a.feature),
        value: a.value,
        valueText: a.valueText,
        typicalValue,
        typicalValueText: typeof typical === 'string' ? typical : null,
        unit: plainUnit(a.feature),
        plainValue: plainValue(a.feature, a.value),
        typicalPlainValue: plainValue(a.feature, typicalValue),
        comparedTo: comparedToOf(a.feature),
        pairedFeature: null,
        pairedPlainValue: null,
        contribution: a.contribution,
        direction: a.contribution >= 0 ? RiskDirection.RAISES_RISK : RiskDirection.LOWERS_RISK,
        reason:
          fortnights && TREND_FEATURES.has(a.feature)
            ? fortnightSentence(fortnights.last, fortnights.before)
            : reasonFor(a.feature, value, typical),
      };
    }),
  );
  const baseProbability = x.model.calibrated(x.baselineLogit);
  const averageProbability = x.model.metadata.riskLevels?.baseRate ?? null;
  return {
    modelVersion: x.model.version,
    method: x.method,
    source: x.source,
    scoredAt: x.scoredAt,
    baseProbability,
    averageProbability,
    probability: x.probability,
    baselineLogit: x.baselineLogit,
    logit: x.logit,
    otherContributions: x.other,
    completenessError: x.completenessError,
    contributions,
    summary: summarise(x.probability, baseProbability, averageProbability, contributions),
  };
}

/**
 * "31% risk, 6× the average subscriber's 5%: Watch time fell 70% …; Abandoned 60% of sessions …".
 * The comparison is with the average subscriber's risk (`average`), not with the reference point
 * the contributions are measured from (`base`, a subscriber with mean features): for a non-linear
 * model that point can sit far from the average risk. The reasons named are the strongest
 * contributions in the direction of that comparison (raising the risk for an above-average score).
 */
function summarise(
  p: number,
  base: number,
  average: number | null,
  contributions: FeatureContribution[],
): string {
  const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`;
  let versus = '';
  if (average !== null && average > 0) {
    const ratio = p / average;
    versus =
      ratio >= 1.5
        ? `, ${ratio.toFixed(1)}× the average subscriber's ${pct(average)}`
        : ratio <= 0.67
          ? `, below the average subscriber's ${pct(average)}`
          : `, about the average subscriber's ${pct(average)}`;
  }
  const direction = p >= (average ?? base) ? RiskDirection.RAISES_RISK : RiskDirection.LOWERS_RISK;
  const reasons = contributions
    .filter((c) => c.direction === direction)
    .slice(0, 2)
    .map((c) => c.reason);
  return `${pct(p)} risk${versus}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}.`;
}
