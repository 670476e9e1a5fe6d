/**
 * Time to cancel. Serves each active subscriber's survival curve from their features now and the
 * active survival model; trains and registers survival models (as a step of `churn train`); and
 * gives the observed Kaplan–Meier curves per plan and per segment for the churn overview.
 */
import type { DataSource } from 'typeorm';
import { startOfTodayUtc } from '../../common/dates';
import { DomainError, ErrorCode } from '../../common/domain-error';
import type { Logger } from '../../common/logger';
import { DiscreteHazardModel, expectedRemainingDays, followUp, medianDays } from '../../ml';
import {
  firstCancellations,
  observationStart,
  subscriptionSpells,
} from '../events/subscription-events.repository';
import { toFeatureMatrix } from '../features/feature-matrix';
import type { FeatureService, LabelledFeatureRow } from '../features/feature.service';
import type { SegmentsService } from '../segments/segments.service';
import { dataEnd } from '../features/snapshot-plan';
import { planCurves, segmentCurves } from './kaplan-meier-overview';
import { SurvivalRepository, type SurvivalVersionRow } from './survival.repository';
import { SurvivalStore } from './survival-store';
import {
  SurvivalTraining,
  type SurvivalTrainingInput,
  type SurvivalTrainingOptions,
  type SurvivalTrainingSummary,
} from './survival-training';
import {
  SurvivalOrigin,
  type KaplanMeierCurve,
  type SubscriberSurvival,
  type SurvivalCurveSet,
} from './survival.types';

/** A subscriber's curve with what lifetime value needs beside it. */
export interface ServedSurvival extends SubscriberSurvival {
  /** Monthly fee as of now (from the account history). */
  monthlyFee: number;
  plan: string;
}

const ACTIVE_TTL_MS = 1000;
export const MAX_CURVE_DAYS = 180;
const MAX_OVERVIEW_DAYS = 730;

interface StoredSegmentCurves {
  until: string;
  from: string;
  curves: KaplanMeierCurve[];
}

export class SurvivalService {
  readonly repository: SurvivalRepository;
  readonly store: SurvivalStore;
  private readonly training: SurvivalTraining;
  private loaded: { version: string; model: Promise<DiscreteHazardModel> } | undefined;
  private activeCache: { at: number; row: Promise<SurvivalVersionRow | null> } | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly features: FeatureService,
    private readonly segments: SegmentsService,
    modelDir: string,
    private readonly logger: Logger,
  ) {
    this.repository = new SurvivalRepository(dataSource);
    this.store = new SurvivalStore(modelDir);
    this.training = new SurvivalTraining(dataSource, this.repository, this.store, (v) =>
      this.model(v),
    );
  }

  /** Fit, evaluate, register and maybe activate survival models (a step of the training run). */
  async train(
    input: SurvivalTrainingInput,
    options: SurvivalTrainingOptions,
    step: (message: string) => void,
  ): Promise<SurvivalTrainingSummary> {
    const summary = await this.training.run(input, options, step);
    this.activeCache = undefined;
    return summary;
  }

  /** The active version's row, remembered for a second (every served curve asks). */
  async activeRow(): Promise<SurvivalVersionRow | null> {
    const now = Date.now();
    if (!this.activeCache || now - this.activeCache.at > ACTIVE_TTL_MS) {
      this.activeCache = { at: now, row: this.repository.activeVersion() };
    }
    return this.activeCache.row;
  }

  async versions(): Promise<SurvivalVersionRow[]> {
    return this.repository.list();
  }

  /** Make `version` the serving survival model. */
  async activate(version: string): Promise<void> {
    if (!this.store.exists(version) || !(await this.repository.activate(version))) {
      throw new DomainError(ErrorCode.MODEL_NOT_FOUND, `no survival model version "${version}"`, {
        version,
      });
    }
    this.store.markActive(version);
    this.activeCache = undefined;
  }

  /** A version's model, loaded once (the active one stays loaded). */
  async model(version: string): Promise<DiscreteHazardModel> {
    if (this.loaded?.version !== version) {
      const previous = this.loaded;
      const model = DiscreteHazardModel.fromArtifacts(this.store.read(version).artifacts);
      this.loaded = { version, model };
      previous?.model.then((m) => m.dispose()).catch(() => undefined);
    }
    return this.loaded.model;
  }

  /**
   * Survival of each subscriber from their online features at `at` (default now), with the active
   * model. Shape: userIds[i] → curve, or null for a subscriber who is not active. Throws
   * NO_ACTIVE_MODEL when no survival model has been trained.
   */
  async forUsers(
    userIds: readonly string[],
    at: Date = new Date(),
  ): Promise<(ServedSurvival | null)[]> {
    const row = await this.activeRow();
    if (!row) {
      throw new DomainError(
        ErrorCode.NO_ACTIVE_MODEL,
        'no survival model is active: run `churn train`',
      );
    }
    const rows = await this.features.onlineAt(userIds, at);
    if (rows.length === 0) return userIds.map(() => null);
    // No await between loading and predicting: a version switch cannot free the model mid-use.
    const model = await this.model(row.version);
    const { curves, tailHazards } = model.predict(toFeatureMatrix(rows));
    const byUser = new Map<string, ServedSurvival>();
    rows.forEach((r, i) => {
      const curve = curves[i];
      byUser.set(r.userId, {
        userId: r.userId,
        modelVersion: row.version,
        asOf: at,
        horizonDays: curve.length,
        medianDays: medianDays(curve, tailHazards[i]),
        expectedRemainingDays: expectedRemainingDays(curve, tailHazards[i]),
        tailHazard: tailHazards[i],
        values: Array.from(curve),
        monthlyFee: Number(r.values.monthly_fee),
        plan: String(r.values.plan),
      });
    });
    return userIds.map((id) => byUser.get(id) ?? null);
  }

  /** As forUsers, but every entry null while no survival model is active (optional API fields). */
  async servedOrNull(userIds: readonly string[]): Promise<(ServedSurvival | null)[]> {
    if (!(await this.activeRow())) return userIds.map(() => null);
    return this.forUsers(userIds);
  }

  /** Kaplan–Meier per plan over tenure, to the end of the data. */
  async survivalByPlan(days: number): Promise<SurvivalCurveSet> {
    assertDays(days);
    const until = await this.dataEnd();
    const [spells, observedFrom] = await Promise.all([
      subscriptionSpells(this.dataSource, until),
      observationStart(this.dataSource),
    ]);
    return {
      origin: SurvivalOrigin.SIGNUP,
      from: null,
      until,
      description:
        'Every subscription spell (signup or reactivation to cancellation) by the plan it started on, over tenure in days; ' +
        `spells that began before the recorded activity (${observedFrom?.toISOString().slice(0, 10) ?? 'none'}) count only from the tenure they had then.`,
      curves: planCurves(spells, observedFrom, until, days),
    };
  }

  /**
   * Kaplan–Meier per segment of a segment run (default: the latest), from its snapshot to the end
   * of the data; null without a segment run. Computed once per run and data end, then stored.
   * `rows` may pass the batch rows at the run's snapshot when the caller has them.
   */
  async survivalBySegment(
    days: number,
    runId: string | null = null,
    rows?: readonly LabelledFeatureRow[],
  ): Promise<SurvivalCurveSet | null> {
    assertDays(days);
    const run = await this.segments.findRun(runId);
    if (!run) return null;
    const until = await this.dataEnd();
    let stored = await this.repository.segmentCurves<StoredSegmentCurves>(run.id);
    if (!stored || stored.until !== until.toISOString()) {
      stored = await this.computeSegmentCurves(run.id, until, rows);
      if (!stored) return null;
      await this.repository.saveSegmentCurves(run.id, stored);
    }
    return {
      origin: SurvivalOrigin.SNAPSHOT,
      from: new Date(stored.from),
      until,
      description: `Subscribers active at segment run ${run.id}'s snapshot, by the segment the run placed them in, followed to the end of the data.`,
      curves: stored.curves.map((c) => ({ ...c, points: c.points.slice(0, days) })),
    };
  }

  private async computeSegmentCurves(
    runId: string,
    until: Date,
    rows?: readonly LabelledFeatureRow[],
  ): Promise<StoredSegmentCurves | null> {
    const membership = await this.segments.snapshotMembers(runId, rows);
    if (!membership) return null;
    const from = membership.snapshotAt;
    const cancels = await firstCancellations(this.dataSource, from, until);
    const members = membership.members.map((m) => ({
      segmentId: m.segmentId,
      ...followUp(from.getTime(), cancels.get(m.userId)?.getTime() ?? null, until.getTime()),
    }));
    const labels = new Map(membership.segments.map((s) => [s.id, s.label]));
    this.logger.debug('segment survival curves computed', { runId, members: members.length });
    return {
      from: from.toISOString(),
      until: until.toISOString(),
      curves: segmentCurves(members, labels, MAX_OVERVIEW_DAYS),
    };
  }

  private async dataEnd(): Promise<Date> {
    const span = await this.features.dataSpan();
    return span.last ? dataEnd(new Date(span.last), startOfTodayUtc()) : startOfTodayUtc();
  }
}

function assertDays(days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > MAX_OVERVIEW_DAYS) {
    throw new DomainError(
      ErrorCode.INVALID_ARGUMENT,
      `days must be an integer in 1..${MAX_OVERVIEW_DAYS}, got ${days}`,
      { argument: 'days' },
    );
  }
}
