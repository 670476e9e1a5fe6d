/**
 * Behaviour segments and their churn patterns. A run fits k-means (src/ml/cluster) on the behaviour of
 * the subscribers active at T = data end − horizon, so each segment's churn over (T, T + horizon] is
 * observed, labels each segment from where its centroid stands out, matches the previous run's
 * segments so ids stay stable, explains a sample of the rows with the active model to find what
 * separates churners from stayers inside each segment, and finally places every subscriber active now
 * (current online features) in the nearest segment. Runs, segments and memberships are stored.
 */
import type { DataSource } from 'typeorm';
import { startOfTodayUtc } from '../../common/dates';
import { DomainError, ErrorCode } from '../../common/domain-error';
import type { Logger } from '../../common/logger';
import { decodeCursor, type Page } from '../../common/pagination';
import { createProgress } from '../../common/progress';
import {
  createRng,
  nearestCentroid,
  segmentUsers,
  selectRows,
  shuffleInPlace,
  standardize,
  type Explanation,
  type StandardizerState,
} from '../../ml';
import { preparedQuery } from '../../common/prepared-query';
import { featureLabel } from '../explanations/feature-reasons';
import type { ExplanationsService } from '../explanations/explanations.service';
import { toFeatureMatrix } from '../features/feature-matrix';
import type { FeatureService, LabelledFeatureRow } from '../features/feature.service';
import type { ModelRegistryService } from '../model-registry/model-registry.service';
import { RISK_ORDER, type RiskLevel } from '../model-registry/risk-levels';
import { dataEnd, DAY } from '../features/snapshot-plan';
import { churnPatterns, type ChurnPatterns } from './churn-patterns';
import {
  DEFAULT_NOUN,
  fromSegmentScale,
  SEGMENT_DESCRIPTORS,
  SEGMENT_FEATURES,
  segmentInput,
} from './segment-features';
import type { Segment, SegmentRun, SegmentTrait } from './segment.types';
import { snapshotMembership, type SnapshotMembership } from './snapshot-membership';

export interface SegmentRunOptions {
  seed?: number;
  /** k tried by silhouette. Default [2, 8]. */
  kRange?: [number, number];
  horizonDays?: number;
  silent?: boolean;
}

/** Rows explained per run for the churners-vs-stayers comparison (a seeded sample beyond this). */
const EXPLAINED_ROWS = 4000;
const ASSIGN_CHUNK = 5000;
const MIN_ROWS = 50;

interface SegmentRow {
  run_id: string;
  id: number;
  label: string;
  size: number;
  share: number;
  churn_rate: number | null;
  mean_risk: number | null;
  traits: SegmentTrait[];
  risk_distribution: { level: RiskLevel; users: number }[];
  patterns: ChurnPatterns;
  previous_id: number | null;
  match_distance: number | null;
  previous_size: number | null;
  previous_churn_rate: number | null;
  previous_run_id: string | null;
}

export class SegmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly features: FeatureService,
    private readonly registry: ModelRegistryService,
    private readonly explanations: ExplanationsService,
    private readonly logger: Logger,
  ) {}

  /** Cluster, label, match, explain, assign and store. Returns the stored run. */
  async run(options: SegmentRunOptions = {}): Promise<SegmentRun> {
    const started = performance.now();
    const seed = options.seed ?? 42;
    const horizonDays = options.horizonDays ?? 30;
    const say = (m: string) =>
      options.silent ? undefined : process.stderr.write(`segment: ${m}\n`);
    const span = await this.features.dataSpan();
    if (!span.start || !span.last) {
      throw new DomainError(ErrorCode.INSUFFICIENT_DATA, 'no subscribers or events to segment');
    }
    const snapshot = new Date(
      dataEnd(new Date(span.last), startOfTodayUtc()).getTime() - horizonDays * DAY,
    );
    const rows = await this.features.batchAt(snapshot, horizonDays);
    if (rows.length < MIN_ROWS) {
      throw new DomainError(
        ErrorCode.INSUFFICIENT_DATA,
        `${rows.length} subscribers were active at ${snapshot.toISOString().slice(0, 10)}: segments need at least ${MIN_ROWS}`,
      );
    }
    const features = [...SEGMENT_FEATURES];
    const matrix = rows.map((r) => segmentInput(r.values));
    const previousRun = await this.latestRunRow();
    const previous: { id: number; centroid: number[]; size: number; churn_rate: number | null }[] =
      previousRun
        ? await this.dataSource.query(
            'SELECT id, centroid, size, churn_rate FROM segments WHERE run_id = $1 ORDER BY id',
            [previousRun.id],
          )
        : [];
    say(
      `fitting k-means on ${rows.length} subscribers active at ${snapshot.toISOString().slice(0, 10)}, choosing k by silhouette`,
    );
    const seg = segmentUsers(matrix, {
      features,
      seed,
      kRange: options.kRange,
      labels: { descriptors: SEGMENT_DESCRIPTORS, defaultNoun: DEFAULT_NOUN },
      previous: previous.map((p) => ({ id: p.id, centroidRaw: p.centroid })),
    });
    say(
      `k = ${seg.k} (silhouette ${seg.silhouette.toFixed(3)}; ${seg.silhouetteByK.map((s) => `k=${s.k} ${s.silhouette.toFixed(3)}`).join(', ')})`,
    );

    // Members at the snapshot, and their observed churn.
    const fitted = seg.segments.map(() => [] as number[]);
    seg.assignments.forEach((s, i) => fitted[s].push(i));
    const churnRate = fitted.map((idx) =>
      idx.length === 0 ? null : idx.reduce((n, i) => n + rows[i].label, 0) / idx.length,
    );
    const explained = await this.explainSample(rows, seed);
    const patterns = fitted.map((idx) => {
      const local = new Map(idx.map((rowIndex, k) => [rowIndex, k]));
      const sample = explained
        ? explained.rows.flatMap((rowIndex, e) =>
            local.has(rowIndex)
              ? [{ row: local.get(rowIndex)!, e: explained.explanations[e] }]
              : [],
          )
        : [];
      return churnPatterns(
        idx.map((i) => rows[i]),
        explained ? { rows: sample.map((s) => s.row), explanations: sample.map((s) => s.e) } : null,
      );
    });

    const centroids = seg.segments.map((s) => s.centroid);
    const model = await this.registry.activeRow();
    const totalMs = () => performance.now() - started;
    const runId = await this.dataSource.transaction(async (m) => {
      const [{ id }] = await m.query(
        `INSERT INTO segment_runs (snapshot_at, horizon_days, model_version, seed, k, silhouette, silhouette_by_k,
                                   features, standardizer, fitted_users, assigned_users, timings, previous_run_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12) RETURNING id::text`,
        [
          snapshot.toISOString(),
          horizonDays,
          model?.version ?? null,
          seed,
          seg.k,
          Number.isFinite(seg.silhouette) ? seg.silhouette : null,
          JSON.stringify(seg.silhouetteByK.map((s) => ({ k: s.k, silhouette: s.silhouette }))),
          features,
          JSON.stringify(seg.standardizer),
          rows.length,
          JSON.stringify(seg.timings),
          previousRun?.id ?? null,
        ],
      );
      for (const [i, s] of seg.segments.entries()) {
        const before = previous.find((p) => p.id === s.previousId);
        await m.query(
          `INSERT INTO segments (run_id, id, label, size, share, fitted_size, churn_rate, centroid, centroid_z,
                                 traits, risk_distribution, patterns, previous_id, match_distance, previous_size,
                                 previous_churn_rate)
           VALUES ($1, $2, $3, 0, 0, $4, $5, $6, $7, $8, '[]', $9, $10, $11, $12, $13)`,
          [
            id,
            s.id,
            s.label,
            s.size,
            churnRate[i],
            s.centroidRaw,
            s.centroid,
            JSON.stringify(traitsOf(s.traits, s.centroidRaw, seg.standardizer)),
            JSON.stringify(patterns[i]),
            s.previousId,
            s.matchDistance,
            before?.size ?? null,
            before?.churn_rate ?? null,
          ],
        );
      }
      const assigned = await this.assignActive(
        m,
        id,
        seg.standardizer,
        centroids,
        seg.segments.map((s) => s.id),
        options.silent,
      );
      // Sizes, shares and risk from the members placed now and their latest scores.
      await m.query(
        `WITH members AS (
           SELECT us.segment_id, l.probability, l.risk_level
             FROM user_segments us
             LEFT JOIN LATERAL (SELECT probability, risk_level FROM churn_scores s
                                 WHERE s.user_id = us.user_id ORDER BY scored_at DESC, id DESC LIMIT 1) l ON true
            WHERE us.run_id = $1),
         agg AS (
           SELECT segment_id, count(*)::int AS size, avg(probability) AS mean_risk
             FROM members GROUP BY segment_id),
         dist AS (
           SELECT segment_id, jsonb_object_agg(risk_level, n) AS by_level
             FROM (SELECT segment_id, risk_level, count(*)::int AS n FROM members
                    WHERE risk_level IS NOT NULL GROUP BY 1, 2) x GROUP BY segment_id)
         UPDATE segments s SET size = agg.size, share = agg.size::float8 / GREATEST($2, 1),
                mean_risk = agg.mean_risk, risk_distribution = coalesce(dist.by_level, '{}'::jsonb)
           FROM agg LEFT JOIN dist USING (segment_id)
          WHERE s.run_id = $1 AND s.id = agg.segment_id`,
        [id, assigned],
      );
      await m.query(
        'UPDATE segment_runs SET assigned_users = $2, timings = timings || $3 WHERE id = $1',
        [id, assigned, JSON.stringify({ runMs: totalMs() })],
      );
      return id as string;
    });
    const run = (await this.findRun(runId))!;
    const segments = await this.list(runId);
    say(
      `done in ${(totalMs() / 1000).toFixed(1)}s — ${segments.length} segments, ${run.assignedUsers} active subscribers: ` +
        segments
          .map(
            (s) =>
              `${s.id} "${s.label}" ${s.size} (churn ${s.churnRate === null ? '—' : `${(100 * s.churnRate).toFixed(1)}%`})`,
          )
          .join('; '),
    );
    return run;
  }

  async findRun(id?: string | null): Promise<SegmentRun | null> {
    const rows = await this.dataSource.query(
      `SELECT id::text, created_at, snapshot_at, horizon_days, model_version, k, silhouette, silhouette_by_k,
              features, fitted_users, assigned_users, seed, timings
         FROM segment_runs ${id ? 'WHERE id = $1' : ''} ORDER BY id DESC LIMIT 1`,
      id ? [id] : [],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      createdAt: r.created_at,
      snapshotAt: r.snapshot_at,
      horizonDays: r.horizon_days,
      modelVersion: r.model_version,
      k: r.k,
      silhouette: r.silhouette,
      silhouetteByK: r.silhouette_by_k,
      features: r.features,
      fittedUsers: r.fitted_users,
      assignedUsers: r.assigned_users,
      seed: r.seed,
      seconds: Number(r.timings?.runMs ?? 0) / 1000,
    };
  }

  /** Segments of a run (default: the latest), largest first. */
  async list(runId?: string | null): Promise<Segment[]> {
    const run = runId ?? (await this.latestRunRow())?.id;
    if (!run) return [];
    const rows: SegmentRow[] = await this.dataSource.query(
      `SELECT s.*, s.run_id::text, r.previous_run_id::text
         FROM segments s JOIN segment_runs r ON r.id = s.run_id
        WHERE s.run_id = $1 ORDER BY s.size DESC, s.id`,
      [run],
    );
    return rows.map(toSegment);
  }

  /** Segments by id in the latest run. Shape: ids[i] → segment or null. */
  async findByIds(ids: readonly string[]): Promise<(Segment | null)[]> {
    const all = await this.list();
    const byId = new Map(all.map((s) => [s.id, s]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** The latest run's segment of each subscriber. Shape: userIds[i] → segment id or null. */
  async segmentIdsOf(userIds: readonly string[]): Promise<(string | null)[]> {
    const rows: { user_id: string; segment_id: number }[] = await preparedQuery(
      this.dataSource,
      `SELECT user_id::text, segment_id FROM user_segments
        WHERE run_id = (SELECT max(id) FROM segment_runs) AND user_id = ANY($1::bigint[])`,
      [userIds],
    );
    const by = new Map(rows.map((r) => [r.user_id, String(r.segment_id)]));
    return userIds.map((id) => by.get(id) ?? null);
  }

  /** Members of a segment of the latest run, by user id. */
  async members(segmentId: string, first: number, after?: string | null): Promise<Page<string>> {
    const run = await this.latestRunRow();
    if (!run) return { nodes: [], totalCount: 0, hasNextPage: false };
    const params: unknown[] = [run.id, Number(segmentId)];
    let cursor = '';
    if (after) {
      params.push(decodeCursor('user', after));
      cursor = `AND user_id > $${params.length}`;
    }
    const [{ n }] = await this.dataSource.query(
      'SELECT count(*)::int AS n FROM user_segments WHERE run_id = $1 AND segment_id = $2',
      params.slice(0, 2),
    );
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT user_id::text AS id FROM user_segments WHERE run_id = $1 AND segment_id = $2 ${cursor}
        ORDER BY user_id LIMIT ${first + 1}`,
      params,
    );
    return {
      nodes: rows.slice(0, first).map((r) => r.id),
      totalCount: n,
      hasNextPage: rows.length > first,
    };
  }

  /**
   * Who was in which segment at a run's snapshot (default: the latest run), placed as the fit placed
   * them; `rows` may pass the batch rows at that snapshot. Null when there is no run.
   */
  async snapshotMembers(
    runId: string | null = null,
    rows?: readonly LabelledFeatureRow[],
  ): Promise<SnapshotMembership | null> {
    return snapshotMembership(this.dataSource, this.features, runId, rows);
  }

  private async latestRunRow(): Promise<{ id: string } | null> {
    const [row] = await this.dataSource.query(
      'SELECT id::text FROM segment_runs ORDER BY id DESC LIMIT 1',
    );
    return row ?? null;
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

  /** Place every subscriber active now in the nearest segment; returns how many. */
  private async assignActive(
    m: { query: DataSource['query'] },
    runId: string,
    standardizer: StandardizerState,
    centroids: number[][],
    ids: number[],
    silent?: boolean,
  ): Promise<number> {
    const users: string[] = (
      await m.query(`SELECT id::text FROM users WHERE status = 'ACTIVE' ORDER BY id`)
    ).map((r: { id: string }) => r.id);
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
        standardizer,
      );
      const nearest = nearestCentroid(z, centroids);
      await m.query(
        `INSERT INTO user_segments (run_id, user_id, segment_id)
         SELECT $1, * FROM unnest($2::bigint[], $3::int[])`,
        [runId, rows.map((r) => r.userId), Array.from(nearest, (c) => ids[c])],
      );
      assigned += rows.length;
      progress.tick(Math.min(ASSIGN_CHUNK, users.length - i));
    }
    progress.done(`${assigned} active subscribers placed`);
    return assigned;
  }
}

function traitsOf(
  traits: readonly { feature: string; z: number; direction: 'high' | 'low' }[],
  centroidRaw: readonly number[],
  standardizer: StandardizerState,
): SegmentTrait[] {
  return traits.map((t) => {
    const j = standardizer.features.indexOf(t.feature);
    return {
      feature: t.feature,
      label: featureLabel(t.feature),
      z: t.z,
      direction: t.direction,
      value: fromSegmentScale(t.feature, centroidRaw[j]),
      average: fromSegmentScale(t.feature, standardizer.means[j]),
    };
  });
}

function toSegment(r: SegmentRow): Segment {
  const byLevel = r.risk_distribution as unknown as Partial<Record<RiskLevel, number>>;
  return {
    id: String(r.id),
    runId: r.run_id,
    label: r.label,
    size: r.size,
    share: r.share,
    churnRate: r.churn_rate,
    meanRisk: r.mean_risk,
    traits: r.traits,
    riskDistribution: RISK_ORDER.map((level) => ({ level, users: byLevel?.[level] ?? 0 })),
    churnPatterns: r.patterns,
    drift:
      r.previous_id === null
        ? null
        : {
            previousRunId: r.previous_run_id,
            previousSize: r.previous_size,
            sizeChange: r.previous_size === null ? null : r.size - r.previous_size,
            previousChurnRate: r.previous_churn_rate,
            churnRateChange:
              r.previous_churn_rate === null || r.churn_rate === null
                ? null
                : r.churn_rate - r.previous_churn_rate,
            centroidDistance: r.match_distance,
          },
  };
}
