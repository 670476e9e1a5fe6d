/**
 * Behaviour segments and their churn patterns. A run reads as its steps: plan the snapshot T = data
 * end − horizon (so each segment's churn over (T, T + horizon] is observed) → load the behaviour of the
 * subscribers active at T → choose k → fit → label → match ids to the previous run (each a step of
 * src/ml/cluster) → describe each segment (traits in plain units, churn patterns from a seeded
 * explained sample) → store the run → place every subscriber active now in the nearest segment and
 * size the segments.
 */
import type { DataSource } from 'typeorm';
import { dataEnd, DAY, startOfTodayUtc } from '../../common/dates';
import { DomainError, ErrorCode } from '../../common/domain-error';
import type { Logger } from '../../common/logger';
import { decodeCursor, type Page } from '../../common/pagination';
import { createProgress } from '../../common/progress';
import {
  assembleSegmentation,
  chooseK,
  createRng,
  fitSegments,
  matchToPrevious,
  nameSegments,
  nearestCentroid,
  segmentSpace,
  selectRows,
  shuffleInPlace,
  standardize,
  type Explanation,
  type KChoice,
  type Segmentation,
  type SegmentSpace,
} from '../../ml';
import type { ExplanationsService } from '../explanations/explanations.service';
import { toFeatureMatrix } from '../features/feature-matrix';
import type { FeatureService, LabelledFeatureRow } from '../features/feature.service';
import type { ModelRegistryService } from '../model-registry/model-registry.service';
import { ScoresRepository } from '../scoring/scores.repository';
import { UsersRepository } from '../users/users.repository';
import type { ChurnPatterns } from './churn-patterns';
import {
  DEFAULT_NOUN,
  SEGMENT_DESCRIPTORS,
  SEGMENT_FEATURES,
  segmentInput,
  segmentPlain,
} from './segment-features';
import {
  churnRates,
  membersOf,
  patternsOf,
  sizingAccumulator,
  traitsOf,
} from './segment-run-parts';
import { K_RANGE, MIN_SEGMENT_SHARE } from './k-choice';
import { summaryOf, toSegment, toSegmentRun } from './segment-rows';
import type { Segment, SegmentRun, SegmentTrait } from './segment.types';
import { SegmentsByRun } from './segments-by-run';
import { SegmentsRepository } from './segments.repository';
import { snapshotMembership, type SnapshotMembership } from './snapshot-membership';

export interface SegmentRunOptions {
  seed?: number;
  /** k tried. Default K_RANGE, [4, 8] (see k-choice.ts). */
  kRange?: [number, number];
  horizonDays?: number;
  silent?: boolean;
}

/** Rows explained per run for the churners-vs-stayers comparison (a seeded sample beyond this). */
const EXPLAINED_ROWS = 4000;
const ASSIGN_CHUNK = 5000;
const MIN_ROWS = 50;

interface RunPlan {
  seed: number;
  horizonDays: number;
  kRange: [number, number];
  snapshot: Date;
  say: (message: string) => void;
  silent: boolean;
}

interface PreviousRun {
  id: string;
  segments: { id: number; centroid: number[]; size: number; churn_rate: number | null }[];
}

interface SegmentDescriptions {
  traits: SegmentTrait[][];
  churnRate: (number | null)[];
  patterns: ChurnPatterns[];
}

export class SegmentsService {
  private readonly repository: SegmentsRepository;
  private readonly segmentsByRun = new SegmentsByRun();

  constructor(
    private readonly dataSource: DataSource,
    private readonly features: FeatureService,
    private readonly registry: ModelRegistryService,
    private readonly explanations: ExplanationsService,
    private readonly logger: Logger,
  ) {
    this.repository = new SegmentsRepository(dataSource);
  }

  /** Plan, load, choose k, fit, label, match, describe, store and place. Returns the stored run. */
  async run(options: SegmentRunOptions = {}): Promise<SegmentRun> {
    const started = performance.now();
    const plan = await this.planRun(options);
    const rows = await this.loadFeatures(plan);
    const timer = stepTimer();
    const space = segmentSpace(
      rows.map((r) => segmentInput(r.values)),
      [...SEGMENT_FEATURES],
    );
    const standardizeMs = timer();
    const choice = this.chooseK(space, plan);
    const selectKMs = timer();
    const fitted = fitSegments(space, choice, { seed: plan.seed });
    const fitMs = timer();
    const names = nameSegments(
      fitted.fit,
      [...SEGMENT_FEATURES],
      rows.map((r) => segmentPlain(r.values)),
      { descriptors: SEGMENT_DESCRIPTORS, defaultNoun: DEFAULT_NOUN },
    );
    const previous = await this.previousRun();
    const matching = matchToPrevious(space, fitted.fit, {
      previous: (previous?.segments ?? []).map((p) => ({ id: p.id, centroidRaw: p.centroid })),
    });
    const labelMs = timer();
    const seg = assembleSegmentation(space, choice, fitted, names, matching, MIN_SEGMENT_SHARE, {
      standardizeMs,
      selectKMs,
      fitMs,
      labelMs,
      totalMs: standardizeMs + selectKMs + fitMs + labelMs,
    });
    const described = await this.describe(seg, rows, plan.seed);
    const runId = await this.dataSource.transaction(async (m) => {
      const id = await this.store(m, plan, rows.length, seg, described, previous);
      const assigned = await this.placeActive(m, id, seg, plan.silent);
      await this.repository.finishRun(m, id, assigned, performance.now() - started);
      return id;
    });
    const run = (await this.findRun(runId))!;
    plan.say(`done in ${run.seconds.toFixed(1)}s — ${summaryOf(await this.list(runId))}`);
    return run;
  }

  /** The snapshot a run clusters at, and its settings. */
  private async planRun(options: SegmentRunOptions): Promise<RunPlan> {
    const horizonDays = options.horizonDays ?? 30;
    const span = await this.features.dataSpan();
    if (!span.start || !span.last) {
      throw new DomainError(ErrorCode.INSUFFICIENT_DATA, 'no subscribers or events to segment');
    }
    const end = dataEnd(new Date(span.last), startOfTodayUtc());
    return {
      seed: options.seed ?? 42,
      horizonDays,
      kRange: options.kRange ?? K_RANGE,
      snapshot: new Date(end.getTime() - horizonDays * DAY),
      silent: options.silent ?? false,
      say: (m) => (options.silent ? undefined : process.stderr.write(`segment: ${m}\n`)),
    };
  }

  /** Batch features (with observed churn labels) of the subscribers active at the snapshot. */
  private async loadFeatures(plan: RunPlan): Promise<LabelledFeatureRow[]> {
    const rows = await this.features.batchAt(plan.snapshot, plan.horizonDays);
    const day = plan.snapshot.toISOString().slice(0, 10);
    if (rows.length < MIN_ROWS) {
      throw new DomainError(
        ErrorCode.INSUFFICIENT_DATA,
        `${rows.length} subscribers were active at ${day}: segments need at least ${MIN_ROWS}`,
      );
    }
    plan.say(`${rows.length} subscribers active at ${day}`);
    return rows;
  }

  private async previousRun(): Promise<PreviousRun | null> {
    const id = await this.repository.latestRunId();
    return id === null ? null : { id, segments: await this.repository.centroidsOf(id) };
  }

  /** k by silhouette among K_RANGE, skipping k whose smallest segment is under MIN_SEGMENT_SHARE. */
  private chooseK(space: SegmentSpace, plan: RunPlan): KChoice {
    const choice = chooseK(space, {
      seed: plan.seed,
      kRange: plan.kRange,
      minShare: MIN_SEGMENT_SHARE,
    });
    const scores = choice.scores
      .map(
        (s) =>
          `k=${s.k} ${s.silhouette.toFixed(3)} (smallest ${(100 * s.smallestShare).toFixed(0)}%${s.eligible ? '' : ', too small'})`,
      )
      .join(', ');
    plan.say(`k = ${choice.start.k} by silhouette among segments of at least 5%: ${scores}`);
    return choice;
  }

  /** Traits, observed churn and churn patterns of each segment. */
  private async describe(
    seg: Segmentation,
    rows: readonly LabelledFeatureRow[],
    seed: number,
  ): Promise<SegmentDescriptions> {
    const members = membersOf(seg);
    const explained = await this.explainSample(rows, seed);
    return {
      traits: traitsOf(seg),
      churnRate: churnRates(members, rows),
      patterns: patternsOf(members, rows, explained),
    };
  }

  private async store(
    m: { query: DataSource['query'] },
    plan: RunPlan,
    fittedUsers: number,
    seg: Segmentation,
    d: SegmentDescriptions,
    previous: PreviousRun | null,
  ): Promise<string> {
    const model = await this.registry.activeRow();
    const id = await this.repository.insertRun(m, {
      snapshotAt: plan.snapshot,
      horizonDays: plan.horizonDays,
      modelVersion: model?.version ?? null,
      seed: plan.seed,
      k: seg.k,
      silhouette: Number.isFinite(seg.silhouette) ? seg.silhouette : null,
      silhouetteByK: seg.silhouetteByK.map((s) => ({
        k: s.k,
        silhouette: s.silhouette,
        smallestShare: s.smallestShare,
        eligible: s.eligible,
      })),
      features: [...SEGMENT_FEATURES],
      standardizer: seg.standardizer,
      fittedUsers,
      timings: { ...seg.timings },
      previousRunId: previous?.id ?? null,
    });
    for (const [i, s] of seg.segments.entries()) {
      const before = previous?.segments.find((p) => p.id === s.previousId);
      await this.repository.insertSegment(m, id, {
        id: s.id,
        label: s.label,
        fittedSize: s.size,
        churnRate: d.churnRate[i],
        centroidRaw: s.centroidRaw,
        centroidZ: s.centroid,
        traits: d.traits[i],
        patterns: d.patterns[i],
        previousId: s.previousId,
        matchDistance: s.matchDistance,
        previousSize: before?.size ?? null,
        previousChurnRate: before?.churn_rate ?? null,
      });
    }
    return id;
  }

  /**
   * Place every subscriber active now (current online features) in the nearest segment, and size
   * each segment with its members' latest scores. Returns how many were placed.
   */
  private async placeActive(
    m: { query: DataSource['query'] },
    runId: string,
    seg: Segmentation,
    silent: boolean,
  ): Promise<number> {
    const users = await new UsersRepository(m).activeIds();
    const scores = new ScoresRepository(m);
    const ids = seg.segments.map((s) => s.id);
    const centroids = seg.segments.map((s) => s.centroid);
    const sizing = sizingAccumulator(ids);
    const progress = createProgress({
      label: 'segment',
      total: users.length,
      unit: 'subscribers',
      silent,
    });
    let assigned = 0;
    for (let i = 0; i < users.length; i += ASSIGN_CHUNK) {
      const rows = await this.features.onlineAt(users.slice(i, i + ASSIGN_CHUNK), new Date(), m);
      const z = standardize(
        rows.map((r) => segmentInput(r.values)),
        seg.standardizer,
      );
      const segmentIds = Array.from(nearestCentroid(z, centroids), (c) => ids[c]);
      await this.repository.insertMemberships(
        m,
        runId,
        rows.map((r) => r.userId),
        segmentIds,
      );
      const latest = await scores.latestFor(
        m,
        rows.map((r) => r.userId),
      );
      const byUser = new Map(latest.map((s) => [s.userId, s]));
      rows.forEach((r, k) => sizing.add(segmentIds[k], byUser.get(r.userId) ?? null));
      assigned += rows.length;
      progress.tick(Math.min(ASSIGN_CHUNK, users.length - i));
    }
    await this.repository.setSizing(m, runId, sizing.result(assigned));
    progress.done(`${assigned} active subscribers placed`);
    return assigned;
  }

  /** Attributions of a seeded sample of the snapshot rows, with the active model (none without one). */
  private async explainSample(
    rows: readonly LabelledFeatureRow[],
    seed: number,
  ): Promise<{ rows: number[]; explanations: Explanation[] } | null> {
    const model = await this.registry.activeModel();
    if (!model) return null;
    const order = Array.from({ length: rows.length }, (_, i) => i);
    shuffleInPlace(order, createRng(seed + 17));
    const sample = order.slice(0, EXPLAINED_ROWS).sort((a, b) => a - b);
    const matrix = selectRows(toFeatureMatrix(rows), sample);
    const reference = await this.explanations.referenceFor(model);
    return { rows: sample, explanations: model.explain(matrix, reference) };
  }

  async findRun(id?: string | null): Promise<SegmentRun | null> {
    const r = await this.repository.findRun(id ?? null);
    return r ? toSegmentRun(r) : null;
  }

  /** Segments of a run (default: the latest), largest first. */
  async list(runId?: string | null): Promise<Segment[]> {
    const run = runId ?? (await this.repository.latestRunId());
    if (!run) return [];
    return this.segmentsByRun.get(run, async () =>
      (await this.repository.segmentsOf(run)).map(toSegment),
    );
  }

  /** Segments by id in the latest run. Shape: ids[i] → segment or null. */
  async findByIds(ids: readonly string[]): Promise<(Segment | null)[]> {
    const all = await this.list();
    const byId = new Map(all.map((s) => [s.id, s]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** The latest run's segment of each subscriber. Shape: userIds[i] → segment id or null. */
  async segmentIdsOf(userIds: readonly string[]): Promise<(string | null)[]> {
    const rows = await this.repository.segmentIdsOf(userIds);
    const by = new Map(rows.map((r) => [r.user_id, String(r.segment_id)]));
    return userIds.map((id) => by.get(id) ?? null);
  }

  /** Members of a segment of the latest run, by user id. */
  async members(segmentId: string, first: number, after?: string | null): Promise<Page<string>> {
    const run = await this.repository.latestRunId();
    if (!run) return { nodes: [], totalCount: 0, hasNextPage: false };
    const afterId = after ? String(decodeCursor('user', after)) : null;
    const [totalCount, ids] = await Promise.all([
      this.repository.memberCount(run, Number(segmentId)),
      this.repository.memberIds(run, Number(segmentId), afterId, first + 1),
    ]);
    return { nodes: ids.slice(0, first), totalCount, hasNextPage: ids.length > first };
  }

  /**
   * Who was in which segment at a run's snapshot (default: the latest run), placed as the fit placed
   * them; `rows` may pass the batch rows at that snapshot. Null when there is no run.
   */
  async snapshotMembers(
    runId: string | null = null,
    rows?: readonly LabelledFeatureRow[],
  ): Promise<SnapshotMembership | null> {
    return snapshotMembership(this.repository, this.features, runId, rows);
  }
}

/** Milliseconds since the previous call (or since creation). */
function stepTimer(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const ms = now - last;
    last = now;
    return ms;
  };
}
