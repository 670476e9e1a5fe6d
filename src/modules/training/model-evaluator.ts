/**
 * Judging models on today's data: the snapshot plan, a registered version on the evaluation half of the
 * validation snapshot beside the recency baseline, the world's oracle, and the active model on the same
 * rows (so old and new are compared on the same data).
 */
import type { DataSource } from 'typeorm';
import { readChurnTruth } from '../../../seeds';
import { startOfTodayUtc } from '../../common/dates';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { ensureBackend, evaluateBinary, rocAuc } from '../../ml';
import { NUMERIC_FEATURES } from '../features/feature-definitions';
import type { FeatureService } from '../features/feature.service';
import { dataEnd, DEFAULT_PLAN, planSnapshots, type SnapshotPlan } from '../features/snapshot-plan';
import type { EvaluatedScorer } from '../model-registry/model-metadata';
import type { ModelRegistryService } from '../model-registry/model-registry.service';
import { recencyBaseline, type LabelledMatrix } from './fit-candidates';
import { assertTrainable, splitValidation } from './training-sets';

export class ModelEvaluator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly features: FeatureService,
    private readonly registry: ModelRegistryService,
  ) {}

  /**
   * Evaluate a registered version (default: the active one) on today's plan: the evaluation half of the
   * latest validation snapshot, beside the recency baseline and the oracle.
   */
  async evaluateVersion(version?: string): Promise<{
    version: string;
    model: EvaluatedScorer;
    baseline: EvaluatedScorer;
    oracleAuc: number | null;
    snapshot: Date;
  }> {
    const row = version ? await this.registry.find(version) : await this.registry.activeRow();
    if (!row) {
      throw version
        ? new DomainError(ErrorCode.MODEL_NOT_FOUND, `no model version "${version}"`, { version })
        : new DomainError(ErrorCode.NO_ACTIVE_MODEL, 'no model is active: run `churn train`');
    }
    await ensureBackend();
    const plan = await this.plan();
    const valRows = await this.features.batchAt(plan.validation, plan.horizonDays);
    const { cal, evalSet, evalIdx } = splitValidation(valRows);
    assertTrainable('evaluation', evalSet);
    const model = await this.registry.load(row.version);
    try {
      const probs = model.predict(evalSet.features);
      return {
        version: row.version,
        model: {
          name: row.version,
          ...evaluateBinary(probs, evalSet.labels, model.metadata.threshold),
        },
        baseline: recencyBaseline(cal, evalSet, NUMERIC_FEATURES.indexOf('days_since_last_view')),
        oracleAuc: await this.oracleAuc(
          plan.validation,
          evalIdx.map((i) => valRows[i].userId),
          evalSet.labels,
        ),
        snapshot: plan.validation,
      };
    } finally {
      model.dispose();
    }
  }

  /** Snapshot plan from the span of the data (ends at the last complete day, never after today). */
  async plan(): Promise<SnapshotPlan> {
    const row = await this.features.dataSpan();
    if (!row.start || !row.last)
      throw new DomainError(ErrorCode.INSUFFICIENT_DATA, 'no subscribers or events to train on');
    const end = dataEnd(new Date(row.last), startOfTodayUtc());
    const plan = planSnapshots(new Date(row.start), end, DEFAULT_PLAN);
    if (!plan) {
      throw new DomainError(
        ErrorCode.INSUFFICIENT_DATA,
        `the data spans ${day(new Date(row.start))}..${day(end)}: training needs at least ${DEFAULT_PLAN.minHistoryDays + 2 * DEFAULT_PLAN.horizonDays} days`,
      );
    }
    return plan;
  }

  /** AUC of the simulator's true probabilities for the same users at the validation snapshot, if recorded. */
  async oracleAuc(snapshot: Date, userIds: string[], labels: number[]): Promise<number | null> {
    const truth = await readChurnTruth(this.dataSource, snapshot, userIds);
    if (!truth || truth.size < userIds.length * 0.95) return null;
    const idx = userIds.map((id, i) => (truth.has(id) ? i : -1)).filter((i) => i >= 0);
    return rocAuc(
      idx.map((i) => truth.get(userIds[i])!),
      idx.map((i) => labels[i]),
    );
  }

  /** The active model's AUC on these evaluation rows, so old and new are compared on the same data. */
  async activeOnSameRows(
    evalSet: LabelledMatrix,
  ): Promise<{ version: string; rocAuc: number } | null> {
    const row = await this.registry.activeRow();
    if (!row || !this.registry.store.exists(row.version)) return null;
    const model = await this.registry.load(row.version);
    try {
      return {
        version: row.version,
        rocAuc: rocAuc(model.predict(evalSet.features), evalSet.labels),
      };
    } finally {
      model.dispose();
    }
  }
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}
