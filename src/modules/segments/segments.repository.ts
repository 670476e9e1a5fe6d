/**
 * Every statement over segment_runs (one clustering), segments (its segments, with traits and churn
 * patterns as JSON) and user_segments (who is in which segment now). Other modules read memberships
 * through the functions exported at the end (latestSegmentMemberships, LATEST_SEGMENT_MEMBERS_SQL).
 */
import { preparedQuery, type Queryable } from '../../common/prepared-query';
import type { StandardizerState } from '../../ml';
import type { RiskLevel } from '../model-registry/risk-levels';
import type { ChurnPatterns } from './churn-patterns';
import type { SegmentTrait } from './segment.types';

/** A stored segment_runs row, as findRun reads it. */
export interface SegmentRunRow {
  id: string;
  created_at: Date;
  snapshot_at: Date;
  horizon_days: number;
  model_version: string | null;
  k: number;
  silhouette: number | null;
  silhouette_by_k: {
    k: number;
    silhouette: number;
    smallestShare?: number;
    eligible?: boolean;
  }[];
  features: string[];
  fitted_users: number;
  assigned_users: number;
  seed: number;
  timings: Record<string, number> | null;
}

/** A stored segments row joined with its run's previous run id. */
export interface SegmentRow {
  run_id: string;
  id: number;
  label: string;
  size: number;
  share: number;
  churn_rate: number | null;
  mean_risk: number | null;
  traits: SegmentTrait[];
  risk_distribution: Partial<Record<RiskLevel, number>>;
  patterns: ChurnPatterns;
  previous_id: number | null;
  match_distance: number | null;
  previous_size: number | null;
  previous_churn_rate: number | null;
  previous_run_id: string | null;
}

export interface NewSegmentRun {
  snapshotAt: Date;
  horizonDays: number;
  modelVersion: string | null;
  seed: number;
  k: number;
  silhouette: number | null;
  silhouetteByK: { k: number; silhouette: number; smallestShare: number; eligible: boolean }[];
  features: string[];
  standardizer: StandardizerState;
  fittedUsers: number;
  timings: Record<string, number>;
  previousRunId: string | null;
}

export interface NewSegment {
  id: number;
  label: string;
  fittedSize: number;
  churnRate: number | null;
  centroidRaw: number[];
  centroidZ: number[];
  traits: SegmentTrait[];
  patterns: ChurnPatterns;
  previousId: number | null;
  matchDistance: number | null;
  previousSize: number | null;
  previousChurnRate: number | null;
}

/** Size, share and risk of one segment from its members placed now. */
export interface SegmentSizing {
  id: number;
  size: number;
  share: number;
  meanRisk: number | null;
  riskDistribution: Partial<Record<RiskLevel, number>>;
}

export class SegmentsRepository {
  constructor(private readonly db: Queryable) {}

  /** (Both reads of the segments query are named statements: planned once per connection.) */
  async latestRunId(): Promise<string | null> {
    const [row] = await preparedQuery<{ id: string | null }>(
      this.db,
      'SELECT max(id)::text AS id FROM segment_runs',
      [],
    );
    return row?.id ?? null;
  }

  /** The segments of a run with what the next run's matching and drift need. */
  async centroidsOf(
    runId: string,
  ): Promise<{ id: number; centroid: number[]; size: number; churn_rate: number | null }[]> {
    return this.db.query(
      'SELECT id, centroid, size, churn_rate FROM segments WHERE run_id = $1 ORDER BY id',
      [runId],
    );
  }

  /** Inserts a run (assigned_users 0 until finishRun); returns its id. */
  async insertRun(runner: Queryable, r: NewSegmentRun): Promise<string> {
    const [{ id }] = await runner.query(
      `INSERT INTO segment_runs (snapshot_at, horizon_days, model_version, seed, k, silhouette, silhouette_by_k,
                                 features, standardizer, fitted_users, assigned_users, timings, previous_run_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12) RETURNING id::text`,
      [
        r.snapshotAt.toISOString(),
        r.horizonDays,
        r.modelVersion,
        r.seed,
        r.k,
        r.silhouette,
        JSON.stringify(r.silhouetteByK),
        r.features,
        JSON.stringify(r.standardizer),
        r.fittedUsers,
        JSON.stringify(r.timings),
        r.previousRunId,
      ],
    );
    return id;
  }

  /** Inserts a segment of a run; size, share and risk come later from setSizing. */
  async insertSegment(runner: Queryable, runId: string, s: NewSegment): Promise<void> {
    await runner.query(
      `INSERT INTO segments (run_id, id, label, size, share, fitted_size, churn_rate, centroid, centroid_z,
                             traits, risk_distribution, patterns, previous_id, match_distance, previous_size,
                             previous_churn_rate)
       VALUES ($1, $2, $3, 0, 0, $4, $5, $6, $7, $8, '{}', $9, $10, $11, $12, $13)`,
      [
        runId,
        s.id,
        s.label,
        s.fittedSize,
        s.churnRate,
        s.centroidRaw,
        s.centroidZ,
        JSON.stringify(s.traits),
        JSON.stringify(s.patterns),
        s.previousId,
        s.matchDistance,
        s.previousSize,
        s.previousChurnRate,
      ],
    );
  }

  async insertMemberships(
    runner: Queryable,
    runId: string,
    userIds: readonly string[],
    segmentIds: readonly number[],
  ): Promise<void> {
    await runner.query(
      `INSERT INTO user_segments (run_id, user_id, segment_id)
       SELECT $1, * FROM unnest($2::bigint[], $3::int[])`,
      [runId, userIds, segmentIds],
    );
  }

  async setSizing(
    runner: Queryable,
    runId: string,
    sizing: readonly SegmentSizing[],
  ): Promise<void> {
    for (const s of sizing) {
      await runner.query(
        `UPDATE segments SET size = $3, share = $4, mean_risk = $5, risk_distribution = $6
          WHERE run_id = $1 AND id = $2`,
        [runId, s.id, s.size, s.share, s.meanRisk, JSON.stringify(s.riskDistribution)],
      );
    }
  }

  async finishRun(
    runner: Queryable,
    runId: string,
    assigned: number,
    runMs: number,
  ): Promise<void> {
    await runner.query(
      'UPDATE segment_runs SET assigned_users = $2, timings = timings || $3 WHERE id = $1',
      [runId, assigned, JSON.stringify({ runMs })],
    );
  }

  /** A run by id, or the latest. */
  async findRun(id: string | null): Promise<SegmentRunRow | null> {
    const rows = await this.db.query(
      `SELECT id::text, created_at, snapshot_at, horizon_days, model_version, k, silhouette, silhouette_by_k,
              features, fitted_users, assigned_users, seed, timings
         FROM segment_runs ${id ? 'WHERE id = $1' : ''} ORDER BY segment_runs.id DESC LIMIT 1`,
      id ? [id] : [],
    );
    return rows[0] ?? null;
  }

  /** Segments of a run, largest first. */
  async segmentsOf(runId: string): Promise<SegmentRow[]> {
    return preparedQuery(
      this.db,
      `SELECT s.*, s.run_id::text, r.previous_run_id::text
         FROM segments s JOIN segment_runs r ON r.id = s.run_id
        WHERE s.run_id = $1 ORDER BY s.size DESC, s.id`,
      [runId],
    );
  }

  /** The latest run's segment of each subscriber (absent when not placed). */
  async segmentIdsOf(
    userIds: readonly string[],
  ): Promise<{ user_id: string; segment_id: number }[]> {
    return preparedQuery(
      this.db,
      `SELECT user_id::text, segment_id FROM user_segments
        WHERE run_id = (SELECT max(id) FROM segment_runs) AND user_id = ANY($1::bigint[])`,
      [userIds],
    );
  }

  async memberCount(runId: string, segmentId: number): Promise<number> {
    const [{ n }] = await this.db.query(
      'SELECT count(*)::int AS n FROM user_segments WHERE run_id = $1 AND segment_id = $2',
      [runId, segmentId],
    );
    return n;
  }

  /** Up to `limit` member ids after `afterUserId`, ascending. */
  async memberIds(
    runId: string,
    segmentId: number,
    afterUserId: string | null,
    limit: number,
  ): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT user_id::text AS id FROM user_segments
        WHERE run_id = $1 AND segment_id = $2 AND ($3::bigint IS NULL OR user_id > $3::bigint)
        ORDER BY user_id LIMIT $4`,
      [runId, segmentId, afterUserId, limit],
    );
    return rows.map((r) => r.id);
  }

  /** What placing rows at a run's snapshot needs (default: the latest run); null without a run. */
  async snapshotRun(runId: string | null): Promise<{
    id: string;
    snapshot_at: Date;
    horizon_days: number;
    standardizer: StandardizerState;
    segments: { id: number; label: string; centroid_z: number[] }[];
  } | null> {
    const [run] = await this.db.query(
      `SELECT id::text, snapshot_at, horizon_days, standardizer FROM segment_runs
        WHERE id = coalesce($1::bigint, (SELECT max(id) FROM segment_runs))`,
      [runId],
    );
    if (!run) return null;
    const segments = await this.db.query(
      'SELECT id, label, centroid_z FROM segments WHERE run_id = $1 ORDER BY id',
      [run.id],
    );
    return { ...run, segments };
  }
}

/** Memberships of the latest segment run (for other modules, e.g. recommendations). */
export function latestSegmentMemberships(
  db: Queryable,
): Promise<{ user_id: string; segment_id: number }[]> {
  return db.query(
    `SELECT user_id::text, segment_id FROM user_segments
      WHERE run_id = (SELECT max(id) FROM segment_runs)`,
  );
}

/**
 * The user ids of one segment of the latest run, as a subquery for other modules' statements:
 * `user_id IN (${LATEST_SEGMENT_MEMBERS_SQL('$3')})`, with the segment id bound to that parameter.
 */
export function LATEST_SEGMENT_MEMBERS_SQL(segmentParam: string): string {
  return `SELECT user_id FROM user_segments
           WHERE run_id = (SELECT max(id) FROM segment_runs) AND segment_id = ${segmentParam}`;
}
