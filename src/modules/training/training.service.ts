/**
 * The batch path: snapshots → batch features and labels → fit the classic and deep models → calibrate
 * and evaluate beside a naive baseline and the oracle → register every model → activate the best when it
 * beats the active one on the same evaluation rows (or when forced) → rescore everyone.
 */
import type { DataSource, Repository } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/domain-error';
import type { Logger } from '../../common/logger';
import { ensureBackend } from '../../ml';
import { NUMERIC_FEATURES } from '../features/feature-definitions';
import type { FeatureService, LabelledFeatureRow } from '../features/feature.service';
import type { EvaluatedScorer, ModelMetadata } from '../model-registry/model-metadata';
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
import { isLeakFree, type SnapshotPlan } from '../features/snapshot-plan';
import { decideActivation, permutationImportanceRows } from './activation';
import { ModelEvaluator } from './model-evaluator';
import { metadataFor } from './model-metadata-builder';
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

/** The rows a training run fits and judges on. */
interface TrainingSets {
  bySnapshot: { snapshot: Date; rows: LabelledFeatureRow[] }[];
  trainRows: LabelledFeatureRow[];
  valRows: LabelledFeatureRow[];
  train: LabelledMatrix;
  cal: LabelledMatrix;
  evalSet: LabelledMatrix;
  evalIdx: number[];
}

interface RegisteredCandidate {
  candidate: Candidate;
  metadata: ModelMetadata;
}

export class TrainingService {
  private readonly runs: Repository<TrainingRun>;
  private running: Promise<unknown> | null = null;
  private readonly evaluator: ModelEvaluator;

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
    this.evaluator = new ModelEvaluator(dataSource, features, registry);
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

  /** The batch path, step by step: plan → sets → fit → register → activate → survival → rescore. */
  private async pipeline(options: TrainOptions, report: FitReporter): Promise<TrainingSummary> {
    await ensureBackend();
    const plan = await this.plan();
    if (!isLeakFree(plan)) throw new Error('internal: snapshot plan would leak labels');
    report.step(
      `snapshots: train ${plan.train.map(day).join(', ')}; validation ${day(plan.validation)}; horizon ${plan.horizonDays} days`,
    );
    const sets = await this.loadSets(plan, report);
    const candidates = await fitCandidates(sets.train, sets.cal, sets.evalSet, options, report);
    const baseline = recencyBaseline(
      sets.cal,
      sets.evalSet,
      NUMERIC_FEATURES.indexOf('days_since_last_view'),
    );
    const oracleAuc = await this.evaluator.oracleAuc(
      plan.validation,
      sets.evalIdx.map((i) => sets.valRows[i].userId),
      sets.evalSet.labels,
    );
    const compared = candidates.map((c) => c.evaluation);
    const registered = await this.register(keptCandidates(candidates), options, report, {
      plan,
      sets,
      baseline,
      oracleAuc,
      compared,
    });
    const best = registered.reduce((a, b) =>
      b.candidate.evaluation.rocAuc > a.candidate.evaluation.rocAuc ? b : a,
    );
    const activeBefore = await this.evaluator.activeOnSameRows(sets.evalSet);
    const decision = decideActivation(best, activeBefore, options.force);
    if (decision.activate) await this.registry.activate(best.metadata.version);
    report.step(
      `${decision.activate ? 'activated' : 'not activated'} ${best.metadata.version}: ${decision.reason}`,
    );
    // Serving loads the active version from disk; the in-memory models are done with.
    candidates.forEach(disposeIfDeep);

    const survival = await this.survival.train(
      {
        train: sets.bySnapshot,
        validation: { snapshot: plan.validation, rows: sets.valRows },
        end: plan.end,
      },
      { seed: options.seed, maxEpochs: options.maxEpochs, force: options.force },
      report.step,
    );
    const scored =
      decision.activate && options.rescore !== false
        ? await this.rescoreAndSegment(best.metadata.version, plan, sets.valRows, options, report)
        : 0;
    return {
      plan,
      candidates: compared,
      baseline,
      oracleAuc,
      result: {
        versions: registered.map((r) => r.metadata.version),
        winner: best.metadata.version,
        activated: decision.activate,
        reason: decision.reason,
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

  /** Batch features and labels at every snapshot: the training rows, and the validation halves. */
  private async loadSets(plan: SnapshotPlan, report: FitReporter): Promise<TrainingSets> {
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
    return { bySnapshot, trainRows, valRows, train, cal, evalSet, evalIdx };
  }

  /** Register each kept candidate as a version (artifacts, metadata, permutation importance). */
  private async register(
    kept: Candidate[],
    options: TrainOptions,
    report: FitReporter,
    context: {
      plan: SnapshotPlan;
      sets: TrainingSets;
      baseline: EvaluatedScorer;
      oracleAuc: number | null;
      compared: EvaluatedScorer[];
    },
  ): Promise<RegisteredCandidate[]> {
    const { plan, sets, baseline, oracleAuc, compared } = context;
    const fingerprint = fingerprintOf(sets.trainRows, sets.valRows);
    const registered: RegisteredCandidate[] = [];
    for (const c of kept) {
      const metadata = metadataFor(
        c,
        options,
        plan,
        sets,
        fingerprint,
        baseline,
        oracleAuc,
        compared,
      );
      await this.registry.register(await artifactsOf(c), metadata);
      registered.push({ candidate: c, metadata });
      await this.savePermutationImportance(metadata.version, c, sets.evalSet, options.seed);
      report.step(
        `registered ${metadata.version} (${c.name}): evaluation AUC ${c.evaluation.rocAuc.toFixed(4)}`,
      );
    }
    return registered;
  }

  /**
   * After an activation: score everyone with the new version (which explains everyone: the version's
   * mean |attribution| importance), segment the subscribers, and store the segments' survival curves.
   */
  private async rescoreAndSegment(
    version: string,
    plan: SnapshotPlan,
    valRows: LabelledFeatureRow[],
    options: TrainOptions,
    report: FitReporter,
  ): Promise<number> {
    const importance = this.explanations.importanceAccumulator(version);
    const scored = await this.scoring.scoreAll({ onExplained: importance.add });
    await importance.save();
    report.step('segmenting the subscribers with the new model');
    const run = await this.segments.run({ seed: options.seed, silent: true });
    report.step(`segment run ${run.id}: k = ${run.k}, ${run.assignedUsers} subscribers placed`);
    // The run's snapshot is the validation snapshot: its rows are at hand for the segments' curves.
    if (new Date(run.snapshotAt).getTime() === plan.validation.getTime())
      await this.survival.survivalBySegment(1, run.id, valRows);
    return scored;
  }

  /** Evaluate a registered version (default: the active one): see ModelEvaluator. */
  evaluateVersion(version?: string): ReturnType<ModelEvaluator['evaluateVersion']> {
    return this.evaluator.evaluateVersion(version);
  }

  /** Snapshot plan from the span of the data: see ModelEvaluator. */
  plan(): Promise<SnapshotPlan> {
    return this.evaluator.plan();
  }

  /** Drop in evaluation AUC when each feature is shuffled, stored as the version's PERMUTATION importance. */
  private async savePermutationImportance(
    version: string,
    c: Candidate,
    evalSet: LabelledMatrix,
    seed: number,
  ): Promise<void> {
    const rows = permutationImportanceRows(c, evalSet, seed);
    await this.explanations.saveImportance(
      version,
      ImportanceKind.PERMUTATION,
      rows,
      evalSet.labels.length,
    );
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

/** Among deep variants keep the sequence branch only if it beat the plain MLP on the calibration half. */
function keptCandidates(candidates: Candidate[]): Candidate[] {
  const deep = candidates.filter((c) => c.variant !== 'logistic');
  const keptDeep = deep.reduce((a, b) => (b.calibrationLogLoss < a.calibrationLogLoss ? b : a));
  return candidates.filter((c) => c.variant === 'logistic' || c === keptDeep);
}
