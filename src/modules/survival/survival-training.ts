/**
 * The survival step of `churn train`: subjects from the same snapshots and features as the churn
 * models, the logistic and deep discrete-time hazard models fitted on the training snapshots (early
 * stopping and the choice between them on the calibration half of the validation snapshot), both
 * evaluated on the evaluation half beside a Kaplan–Meier-per-plan baseline, both registered, and
 * the chosen one activated when it beats the active version on the same subjects (or when forced).
 */
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  activeBackend,
  DiscreteHazardModel,
  evaluateSurvival,
  groupKaplanMeierCurves,
  integratedBrierScore,
  type HazardVariant,
  type SurvivalEvaluation,
} from '../../ml';
import { FEATURES } from '../features/feature-definitions';
import type { LabelledFeatureRow } from '../features/feature.service';
import { DAY } from '../features/snapshot-plan';
import type { SurvivalMetadata } from './survival-metadata';
import type { SurvivalRepository } from './survival.repository';
import type { SurvivalStore } from './survival-store';
import {
  concatSubjects,
  splitSubjects,
  subjectsAt,
  type SurvivalSubjects,
} from './survival-subjects';

/** Days each served curve covers. */
export const CURVE_DAYS = 180;
/** The tenure clock: it advances one a day during the follow-up. */
const CLOCK_FEATURE = 'tenure_days';
const PERIOD_DAYS = 7;
const VARIANTS: { variant: HazardVariant; name: string }[] = [
  { variant: 'logistic', name: 'discrete-time hazard (logistic)' },
  { variant: 'deep', name: 'discrete-time hazard (deep MLP)' },
];

export interface SurvivalTrainingInput {
  /** Training snapshots with their batch rows. */
  train: { snapshot: Date; rows: readonly LabelledFeatureRow[] }[];
  validation: { snapshot: Date; rows: readonly LabelledFeatureRow[] };
  /** End of the data: the validation subjects' follow-up ends here. */
  end: Date;
}

export interface SurvivalTrainingOptions {
  seed: number;
  maxEpochs: number;
  force: boolean;
}

export interface SurvivalTrainingSummary {
  versions: string[];
  winner: string;
  activated: boolean;
  reason: string;
  tau: number;
  evaluations: SurvivalEvaluation[];
  baseline: SurvivalEvaluation;
}

export class SurvivalTraining {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SurvivalRepository,
    private readonly store: SurvivalStore,
    private readonly load: (version: string) => Promise<DiscreteHazardModel>,
  ) {}

  async run(
    input: SurvivalTrainingInput,
    options: SurvivalTrainingOptions,
    step: (message: string) => void,
  ): Promise<SurvivalTrainingSummary> {
    const cutoff = input.validation.snapshot;
    const parts: SurvivalSubjects[] = [];
    for (const t of input.train)
      parts.push(await subjectsAt(this.dataSource, t.snapshot, cutoff, t.rows));
    const train = concatSubjects(parts);
    const validation = await subjectsAt(this.dataSource, cutoff, input.end, input.validation.rows);
    const { cal, evalSet } = splitSubjects(validation);
    const tau = Math.min(CURVE_DAYS, Math.round((input.end.getTime() - cutoff.getTime()) / DAY));
    step(
      `survival: ${train.userIds.length} training subjects (${sum(train.outcomes.event)} cancellations, follow-up cut at ${day(cutoff)}), ` +
        `calibration ${cal.userIds.length}, evaluation ${evalSet.userIds.length} over ${tau} days`,
    );

    const baselineOf = groupKaplanMeierCurves(train.plans, train.outcomes, CURVE_DAYS);
    const baseline = evaluateSurvival(
      'baseline: Kaplan–Meier per plan',
      evalSet.plans.map(baselineOf),
      evalSet.outcomes,
      { tau },
    );
    const fitted: {
      variant: HazardVariant;
      model: DiscreteHazardModel;
      evaluation: SurvivalEvaluation;
      seconds: number;
    }[] = [];
    try {
      for (const { variant, name } of VARIANTS) {
        const started = Date.now();
        const model = await DiscreteHazardModel.fit(
          train,
          {
            variant,
            seed: options.seed,
            periodDays: PERIOD_DAYS,
            horizonDays: CURVE_DAYS,
            clockFeature: CLOCK_FEATURE,
            l2: variant === 'logistic' ? 1e-3 : 1e-4,
            // Large batches and a short patience: the deep variant is the slow part of the step.
            epochs: Math.min(options.maxEpochs, 15),
            batchSize: 1024,
            patience: 3,
          },
          cal,
          (epoch, l) =>
            step(
              `survival ${variant} epoch ${epoch + 1}: loss ${l.loss.toFixed(5)} val_loss ${l.valLoss.toFixed(5)}`,
            ),
        );
        const evaluation = evaluateSurvival(
          name,
          model.predict(evalSet.features).curves,
          evalSet.outcomes,
          { tau },
        );
        fitted.push({ variant, model, evaluation, seconds: (Date.now() - started) / 1000 });
        step(
          `survival ${variant}: C-index ${evaluation.concordance.toFixed(4)}, integrated Brier ${evaluation.integratedBrier.toFixed(5)} ` +
            `(baseline ${baseline.concordance.toFixed(4)}, ${baseline.integratedBrier.toFixed(5)}) in ${((Date.now() - started) / 1000).toFixed(1)}s`,
        );
      }
      // The choice is made on the calibration half, like the churn models' deep variant.
      const chosen = fitted.reduce((a, b) =>
        b.model.training.validationLossPerDay! < a.model.training.validationLossPerDay! ? b : a,
      );
      const fingerprint = fingerprintOf(train, validation);
      const created = new Date();
      const stamp = created.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
      const versions: string[] = [];
      for (const f of fitted) {
        const metadata = this.metadataFor(
          f,
          stamp,
          created,
          options,
          input,
          { cal, evalSet },
          fingerprint,
          {
            compared: fitted.map((x) => x.evaluation),
            baseline,
          },
        );
        this.store.write(await f.model.toArtifacts(), metadata);
        await this.repository.insertVersion(metadata);
        versions.push(metadata.version);
      }
      const winner = versions[fitted.indexOf(chosen)];
      const { activate, reason } = await this.activationRule(chosen, evalSet, tau, options.force);
      if (activate) {
        await this.repository.activate(winner);
        this.store.markActive(winner);
      }
      step(`survival: ${activate ? 'activated' : 'did not activate'} ${winner}: ${reason}`);
      return {
        versions,
        winner,
        activated: activate,
        reason,
        tau,
        evaluations: fitted.map((f) => f.evaluation),
        baseline,
      };
    } finally {
      fitted.forEach((f) => f.model.dispose());
    }
  }

  /** Activate when nothing is active, when forced, or when the new model's integrated Brier is lower on the same subjects. */
  private async activationRule(
    chosen: { model: DiscreteHazardModel; evaluation: SurvivalEvaluation },
    evalSet: SurvivalSubjects,
    tau: number,
    force: boolean,
  ): Promise<{ activate: boolean; reason: string }> {
    const active = await this.repository.activeVersion();
    if (!active || !this.store.exists(active.version))
      return { activate: true, reason: 'no survival model was active' };
    const old = await this.load(active.version);
    const oldIbs = integratedBrierScore(
      old.predict(evalSet.features).curves,
      evalSet.outcomes,
      tau,
    );
    const newIbs = chosen.evaluation.integratedBrier;
    if (newIbs < oldIbs) {
      return {
        activate: true,
        reason: `beats active ${active.version} on the same subjects (integrated Brier ${newIbs.toFixed(5)} < ${oldIbs.toFixed(5)})`,
      };
    }
    if (force)
      return {
        activate: true,
        reason: `forced (active ${active.version} has integrated Brier ${oldIbs.toFixed(5)})`,
      };
    return {
      activate: false,
      reason: `kept active ${active.version}: integrated Brier ${oldIbs.toFixed(5)} ≤ ${newIbs.toFixed(5)}`,
    };
  }

  private metadataFor(
    f: {
      variant: HazardVariant;
      model: DiscreteHazardModel;
      evaluation: SurvivalEvaluation;
      seconds: number;
    },
    stamp: string,
    created: Date,
    options: SurvivalTrainingOptions,
    input: SurvivalTrainingInput,
    halves: { cal: SurvivalSubjects; evalSet: SurvivalSubjects },
    fingerprint: string,
    metrics: { compared: SurvivalEvaluation[]; baseline: SurvivalEvaluation },
  ): SurvivalMetadata {
    const { history: _history, ...training } = f.model.training;
    return {
      version: `${stamp}-survival-${f.variant}`,
      createdAt: created.toISOString(),
      variant: f.variant,
      seed: options.seed,
      backend: activeBackend(),
      trainingSeconds: f.seconds,
      horizonDays: CURVE_DAYS,
      periodDays: PERIOD_DAYS,
      clockFeature: CLOCK_FEATURE,
      features: FEATURES.map((x) => ({ name: x.name, kind: x.kind })),
      split: {
        trainSnapshots: input.train.map((t) => t.snapshot.toISOString()),
        validationSnapshot: input.validation.snapshot.toISOString(),
        validationEnd: input.end.toISOString(),
        calibrationSubjects: halves.cal.userIds.length,
        evaluationSubjects: halves.evalSet.userIds.length,
        description:
          'Subjects are the subscribers active at each churn snapshot, with the same features; training follow-up is cut at the validation snapshot. ' +
          'The validation subjects are split by user: the calibration half stops the deep model early and chooses the variant, the evaluation half reports.',
      },
      training,
      metrics: { model: f.evaluation, ...metrics },
      dataFingerprint: fingerprint,
    };
  }
}

function fingerprintOf(train: SurvivalSubjects, validation: SurvivalSubjects): string {
  const hash = createHash('sha256');
  for (const s of [train, validation]) {
    s.userIds.forEach((id, i) =>
      hash.update(
        `${id}|${s.outcomes.time[i]}|${s.outcomes.event[i]}|${JSON.stringify(s.features.numeric[i])}\n`,
      ),
    );
  }
  return hash.digest('hex');
}

function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}
