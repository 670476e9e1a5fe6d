/**
 * The batch path: snapshots → batch features and labels → fit the classic and deep models → calibrate
 * and evaluate beside a naive baseline and the oracle → register every model → activate the best when it
 * beats the active one on the same evaluation rows (or when forced) → rescore everyone.
 */
import type { DataSource, Repository } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/domain-error';
import type { Logger } from '../../common/logger';
import {
  activeBackend,
  ensureBackend,
  evaluateBinary,
  permutationImportance,
  rocAuc,
} from '../../ml';
import { startOfTodayUtc } from '../../common/dates';
import {
  FEATURES,
  NUMERIC_FEATURES,
  SEQUENCE_CHANNELS,
  SEQUENCE_DAYS,
} from '../features/feature-definitions';
import type { FeatureService, LabelledFeatureRow } from '../features/feature.service';
import type { EvaluatedScorer, ModelMetadata } from '../model-registry/model-metadata';
import { explanationReference } from '../model-registry/explanation-reference';
import type { ModelRegistryService } from '../model-registry/model-registry.service';
import type { ScoringService } from '../scoring/scoring.service';
import { ImportanceKind } from '../explanations/explanation.types';
import type { ExplanationsService } from '../explanations/explanations.service';
import type { SegmentsService } from '../segments/segments.service';
import type { SurvivalService } from '../survival/survival.service';
import type { SurvivalTrainingSummary } from '../survival/survival-training';
import {
  fitCandidates,
  recencyBaseline,
  type Candidate,
  type FitReporter,
  type LabelledMatrix,
} from './fit-candidates';
import {
  dataEnd,
  DEFAULT_PLAN,
  isLeakFree,
  planSnapshots,
  type SnapshotPlan,
} from '../features/snapshot-plan';
import { riskLevelsOf } from './risk-levels-fit';
import { TrainingRun, TrainingStatus, type TrainingResult } from './training-run.entity';
import { assertTrainable, fingerprintOf, labelled, splitValidation } from './training-sets';

export interface TrainOptions {
  seed: number;
  /** Activate the best new model even if it does not beat the active one. */
  force: boolean;
  maxEpochs: number;
  withSequence: boolean;
  /** Rescore every active subscriber after activating (default true). */
  rescore?: boolean;
  /** Fit the survival models on the same snapshots (default true). */
  withSurvival?: boolean;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  seed: 42,
  force: false,
  maxEpochs: 40,
  withSequence: true,
};

export interface TrainingSummary {
  plan: SnapshotPlan;
  candidates: EvaluatedScorer[];
  baseline: EvaluatedScorer;
  oracleAuc: number | null;
  result: TrainingResult;
  /** The survival models fitted on the same snapshots (null when skipped). */
  survival: SurvivalTrainingSummary | null;
}

const SPLIT_DESCRIPTION =
  'Fit on the training snapshots; the validation snapshot (labels entirely after every training label) ' +
  'is split by user into a calibration half (early stopping, calibration, threshold, deep-variant choice) ' +
  'and an evaluation half (every reported metric, and the comparison with the active model).';

export class TrainingService {
  private readonly runs: Repository<TrainingRun>;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly features: FeatureService,
    private readonly registry: ModelRegistryService,
    private readonly scoring: ScoringService,
    private readonly explanations: ExplanationsService,
    private readonly segments: SegmentsService,
    private readonly survival: SurvivalService,
    private readonly logger: Logger,
  ) {
    this.runs = dataSource.getRepository(TrainingRun);
  }

  /** Queue a run and start it in the background; the returned row shows its progress. */
  async start(options: TrainOptions): Promise<TrainingRun> {
    const { run, job } = this.launch(options, (id) => ({
      step: (m) => this.logger.info(`training run ${id}: ${m}`),
      epoch: (model, epoch, l) =>
        this.logger.debug(`training run ${id}: ${model} epoch ${epoch}`, {
          loss: l.loss,
          valLoss: l.valLoss,
        }),
    }));
    job.catch(() => undefined); // recorded as FAILED on the run row
    return run;
  }

  /** Run the pipeline now, recording it as a training run (the CLI and first-start path). */
  trainNow(options: TrainOptions, reporter: FitReporter): Promise<TrainingSummary> {
    return this.launch(options, () => reporter).job;
  }

  async findRun(id: string): Promise<TrainingRun | null> {
    return this.runs.findOneBy({ id });
  }

  /** Wait for the background run, if any (tests, shutdown). */
  async idle(): Promise<void> {
    await this.running;
  }

  /** Runs a previous process left QUEUED or RUNNING (it stopped mid-run) are marked FAILED. */
  async failInterruptedRuns(): Promise<void> {
    await this.runs
      .createQueryBuilder()
      .update()
      .set({
        status: TrainingStatus.FAILED,
        finishedAt: () => 'now()',
        error: 'interrupted: the service stopped during the run',
      })
      .where('status IN (:...open)', { open: [TrainingStatus.QUEUED, TrainingStatus.RUNNING] })
      .execute();
  }

  /** One run at a time: the guard is taken synchronously, before the first await. */
  private launch(
    options: TrainOptions,
    reporterFor: (runId: string) => FitReporter,
  ): { run: Promise<TrainingRun>; job: Promise<TrainingSummary> } {
    if (this.running)
      throw new DomainError(
        ErrorCode.TRAINING_IN_PROGRESS,
        'a training run is already in progress',
      );
    const run = this.runs.save(
      this.runs.create({
        status: TrainingStatus.QUEUED,
        params: { ...options },
        requestedAt: new Date(),
      }),
    );
    const job = run.then((r) => this.execute(r, options, reporterFor(r.id)));
    this.running = job.catch(() => undefined).finally(() => (this.running = null));
    return { run, job };
  }

  private async execute(
    run: TrainingRun,
    options: TrainOptions,
    reporter: FitReporter,
  ): Promise<TrainingSummary> {
    await this.runs.update(run.id, { status: TrainingStatus.RUNNING, startedAt: new Date() });
    try {
      const summary = await this.pipeline(options, reporter);
      await this.runs.update(run.id, {
        status: TrainingStatus.SUCCEEDED,
        finishedAt: new Date(),
        modelVersion: summary.result.winner,
        activated: summary.result.activated,
        result: summary.result,
      });
      return summary;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.error(`training run ${run.id} failed`, { error: message });
      await this.runs.update(run.id, {
        status: TrainingStatus.FAILED,
        finishedAt: new Date(),
        error: message,
      });
      throw err;
    }
  }

  private async pipeline(options: TrainOptions, report: FitReporter): Promise<TrainingSummary> {
    await ensureBackend();
    const plan = await this.plan();
    if (!isLeakFree(plan)) throw new Error('internal: snapshot plan would leak labels');
    report.step(
      `snapshots: train ${plan.train.map(day).join(', ')}; validation ${day(plan.validation)}; horizon ${plan.horizonDays} days`,
    );

    const bySnapshot: { snapshot: Date; rows: LabelledFeatureRow[] }[] = [];
    for (const t of plan.train)
      bySnapshot.push({ snapshot: t, rows: await this.features.batchAt(t, plan.horizonDays) });
    const trainRows = bySnapshot.flatMap((s) => s.rows);
    const valRows = await this.features.batchAt(plan.validation, plan.horizonDays);
    const train = labelled(trainRows);
    assertTrainable('training', train);
    const { cal, evalSet, evalIdx } = splitValidation(valRows);
    assertTrainable('calibration', cal);
    assertTrainable('evaluation', evalSet);
    report.step(
      `rows: train ${train.labels.length} (${rate(train.labels)} churned), calibration ${cal.labels.length}, evaluation ${evalSet.labels.length} (${rate(evalSet.labels)} churned)`,
    );

    const candidates = await fitCandidates(train, cal, evalSet, options, report);
    const baseline = recencyBaseline(
      cal,
      evalSet,
      NUMERIC_FEATURES.indexOf('days_since_last_view'),
    );
    const evalUserIds = evalIdx.map((i) => valRows[i].userId);
    const oracleAuc = await this.oracleAuc(plan.validation, evalUserIds, evalSet.labels);

    // Among deep variants keep the sequence branch only if it beat the plain MLP on the calibration half.
    const deep = candidates.filter((c) => c.variant !== 'logistic');
    const keptDeep = deep.reduce((a, b) => (b.calibrationLogLoss < a.calibrationLogLoss ? b : a));
    const kept = candidates.filter((c) => c.variant === 'logistic' || c === keptDeep);
    const fingerprint = fingerprintOf(trainRows, valRows);
    const compared = candidates.map((c) => c.evaluation);

    const registered: { candidate: Candidate; metadata: ModelMetadata }[] = [];
    for (const c of kept) {
      const metadata = this.metadataFor(
        c,
        options,
        plan,
        { train, cal, evalSet },
        fingerprint,
        baseline,
        oracleAuc,
        compared,
      );
      await this.registry.register(await artifactsOf(c), metadata);
      registered.push({ candidate: c, metadata });
      await this.savePermutationImportance(metadata.version, c, evalSet, options.seed);
      report.step(
        `registered ${metadata.version} (${c.name}): evaluation AUC ${c.evaluation.rocAuc.toFixed(4)}`,
      );
    }
    const best = registered.reduce((a, b) =>
      b.candidate.evaluation.rocAuc > a.candidate.evaluation.rocAuc ? b : a,
    );

    const activeBefore = await this.activeOnSameRows(evalSet);
    let activated = false;
    let reason: string;
    if (!activeBefore) reason = 'no model was active';
    else if (best.candidate.evaluation.rocAuc > activeBefore.rocAuc) {
      reason = `beats active ${activeBefore.version} on the same evaluation rows (AUC ${best.candidate.evaluation.rocAuc.toFixed(4)} > ${activeBefore.rocAuc.toFixed(4)})`;
    } else if (options.force)
      reason = `forced (active ${activeBefore.version} has AUC ${activeBefore.rocAuc.toFixed(4)})`;
    else
      reason = `kept active ${activeBefore.version}: AUC ${activeBefore.rocAuc.toFixed(4)} ≥ ${best.candidate.evaluation.rocAuc.toFixed(4)} on the same evaluation rows`;
    if (!activeBefore || options.force || best.candidate.evaluation.rocAuc > activeBefore.rocAuc) {
      await this.registry.activate(best.metadata.version);
      activated = true;
    }
    report.step(`${activated ? 'activated' : 'not activated'} ${best.metadata.version}: ${reason}`);
    // Serving loads the active version from disk; the in-memory models are done with.
    candidates.forEach(disposeIfDeep);

    const survival = await this.survival.train(
      {
        train: bySnapshot,
        validation: { snapshot: plan.validation, rows: valRows },
        end: plan.end,
      },
      { seed: options.seed, maxEpochs: options.maxEpochs, force: options.force },
      report.step,
    );

    let scored = 0;
    if (activated && options.rescore !== false) {
      // Scoring everyone explains everyone: that is the version's mean |attribution| importance.
      const importance = this.explanations.importanceAccumulator(best.metadata.version);
      scored = await this.scoring.scoreAll({ onExplained: importance.add });
      await importance.save();
      report.step('segmenting the subscribers with the new model');
      const run = await this.segments.run({ seed: options.seed, silent: true });
      report.step(`segment run ${run.id}: k = ${run.k}, ${run.assignedUsers} subscribers placed`);
      // The run's snapshot is the validation snapshot: its rows are at hand for the segments' curves.
      if (new Date(run.snapshotAt).getTime() === plan.validation.getTime())
        await this.survival.survivalBySegment(1, run.id, valRows);
    }
    return {
      plan,
      candidates: compared,
      baseline,
      oracleAuc,
      result: {
        versions: registered.map((r) => r.metadata.version),
        winner: best.metadata.version,
        activated,
        reason,
        activeBefore,
        scored,
        survival: survival && {
          versions: survival.versions,
          winner: survival.winner,
          activated: survival.activated,
          reason: survival.reason,
        },
      },
      survival,
    };
  }

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
  private async oracleAuc(
    snapshot: Date,
    userIds: string[],
    labels: number[],
  ): Promise<number | null> {
    const [{ exists }] = await this.dataSource.query(
      `SELECT to_regclass('sim.churn_truth') IS NOT NULL AS exists`,
    );
    if (!exists) return null;
    const rows: { user_id: string; probability: number }[] = await this.dataSource.query(
      'SELECT user_id::text, probability FROM sim.churn_truth WHERE snapshot_at = $1 AND user_id = ANY($2::bigint[])',
      [snapshot.toISOString(), userIds],
    );
    if (rows.length < userIds.length * 0.95) return null;
    const truth = new Map(rows.map((r) => [r.user_id, r.probability]));
    const idx = userIds.map((id, i) => (truth.has(id) ? i : -1)).filter((i) => i >= 0);
    return rocAuc(
      idx.map((i) => truth.get(userIds[i])!),
      idx.map((i) => labels[i]),
    );
  }

  /** The active model's AUC on these evaluation rows, so old and new are compared on the same data. */
  private async activeOnSameRows(
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

  /** Drop in evaluation AUC when each feature is shuffled, stored as the version's PERMUTATION importance. */
  private async savePermutationImportance(
    version: string,
    c: Candidate,
    evalSet: LabelledMatrix,
    seed: number,
  ): Promise<void> {
    const result = permutationImportance(
      (rows) => c.model.predictProba(rows),
      evalSet.features,
      evalSet.labels,
      { seed, repeats: 3 },
    );
    await this.explanations.saveImportance(
      version,
      ImportanceKind.PERMUTATION,
      result.importances.map((i) => ({
        feature: i.feature,
        importance: i.meanDrop,
        spread: i.stdDrop,
        signed: null,
      })),
      evalSet.labels.length,
    );
  }

  private metadataFor(
    c: Candidate,
    options: TrainOptions,
    plan: SnapshotPlan,
    sets: { train: LabelledMatrix; cal: LabelledMatrix; evalSet: LabelledMatrix },
    fingerprint: string,
    baseline: EvaluatedScorer,
    oracleAuc: number | null,
    compared: EvaluatedScorer[],
  ): ModelMetadata {
    const created = new Date();
    const kind = c.variant === 'logistic' ? 'logistic-regression' : 'deep-churn';
    return {
      version: `${created.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${c.variant === 'logistic' ? 'logistic' : c.variant.replace('+', '-')}`,
      kind,
      variant: c.variant,
      createdAt: created.toISOString(),
      seed: options.seed,
      backend: activeBackend(),
      trainingSeconds: c.trainingSeconds,
      features: FEATURES.map((f) => ({
        name: f.name,
        label: f.label,
        description: f.description,
        kind: f.kind,
      })),
      sequence:
        c.variant === 'mlp+sequence'
          ? { days: SEQUENCE_DAYS, channels: [...SEQUENCE_CHANNELS] }
          : null,
      normalisation: c.model.preprocessor.toJSON(),
      calibration: c.calibrator.toJSON(),
      threshold: c.threshold,
      split: {
        horizonDays: plan.horizonDays,
        trainSnapshots: plan.train.map((t) => t.toISOString()),
        validationSnapshot: plan.validation.toISOString(),
        trainRows: sets.train.labels.length,
        calibrationRows: sets.cal.labels.length,
        evaluationRows: sets.evalSet.labels.length,
        description: SPLIT_DESCRIPTION,
      },
      explanation: explanationReference(c.model.preprocessor, sets.train.features),
      riskLevels: riskLevelsOf(c, sets.cal, sets.evalSet),
      dataFingerprint: fingerprint,
      metrics: { model: c.evaluation, baseline, oracleAuc, compared },
    };
  }
}

async function artifactsOf(c: Candidate) {
  return c.model.toArtifacts();
}

function disposeIfDeep(c: Candidate): void {
  if ('dispose' in c.model) c.model.dispose();
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function rate(labels: number[]): string {
  return `${((100 * labels.reduce((a, b) => a + b, 0)) / Math.max(1, labels.length)).toFixed(1)}%`;
}
