/**
 * Every statement over the recommendation module's own tables: recommender_versions (the trained
 * versions, one active) and recommendation_impressions (the lists clients reported showing).
 * Reads of other modules' tables live in borrowed-reads.ts.
 */
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../../common/prepared-query';
import { VIEWING_EVENTS } from '../events/event-sql';
import { TITLES } from '../catalog/title-sql';
import { USERS } from '../users/user-sql';
import { LATEST_SEGMENT_MEMBERS_SQL } from '../segments/segments.repository';

/** One shown item, as recordRecommendationImpressions stores it. */
export interface ImpressionRow {
  listId: string;
  userId: string;
  titleId: string;
  rank: number;
  source: string;
  score: number;
  reasons: string[];
  /** When the client showed it (default: now). */
  shownAt: Date | null;
}

export class RecommendationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Makes `version` the only active one. */
  async activateNewVersion(
    version: string,
    metrics: Record<string, number>,
    metadata: unknown,
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query('UPDATE recommender_versions SET active = false WHERE active');
      await m.query(
        `INSERT INTO recommender_versions (version, active, activated_at, metrics, metadata)
         VALUES ($1, true, now(), $2, $3)`,
        [version, JSON.stringify(metrics), JSON.stringify(metadata)],
      );
    });
  }

  async activeVersion(): Promise<string | null> {
    const [row] = await this.dataSource.query(
      'SELECT version FROM recommender_versions WHERE active',
    );
    return row?.version ?? null;
  }

  /**
   * Stores shown items in one statement, all or nothing: when a subscriber or title does not
   * exist nothing is written and the first unknown ids come back.
   */
  async insertImpressions(
    rows: readonly ImpressionRow[],
    version: string | null,
  ): Promise<{ inserted: number; unknownUser: string | null; unknownTitle: string | null }> {
    const [result]: {
      inserted: number;
      unknown_user: string | null;
      unknown_title: string | null;
    }[] = await preparedQuery(
      this.dataSource,
      `WITH x AS (
         SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::int[], $5::text[], $6::float8[],
                              $7::jsonb[], $8::timestamptz[]) AS x(l, u, t, r, s, sc, re, at)),
       unknown AS (
         SELECT (SELECT min(x.u) FROM x WHERE NOT EXISTS (SELECT 1 FROM ${USERS} users WHERE id = x.u)) AS u,
                (SELECT min(x.t) FROM x WHERE NOT EXISTS (SELECT 1 FROM ${TITLES} titles WHERE id = x.t)) AS t),
       ins AS (
         INSERT INTO recommendation_impressions (list_id, user_id, title_id, rank, source, score, reasons,
                                                 recommender_version, served_at)
         SELECT x.l, x.u, x.t, x.r, x.s, x.sc, ARRAY(SELECT jsonb_array_elements_text(x.re)), $9,
                coalesce(x.at, now())
           FROM x, unknown WHERE unknown.u IS NULL AND unknown.t IS NULL
         RETURNING 1)
       SELECT (SELECT count(*) FROM ins)::int AS inserted, unknown.u::text AS unknown_user,
              unknown.t::text AS unknown_title
         FROM unknown`,
      [
        rows.map((r) => r.listId),
        rows.map((r) => r.userId),
        rows.map((r) => r.titleId),
        rows.map((r) => r.rank),
        rows.map((r) => r.source),
        rows.map((r) => r.score),
        rows.map((r) => JSON.stringify(r.reasons)),
        rows.map((r) => r.shownAt?.toISOString() ?? null),
        version,
      ],
    );
    return {
      inserted: result.inserted,
      unknownUser: result.unknown_user,
      unknownTitle: result.unknown_title,
    };
  }

  /**
   * Impressions since `since` (optionally of one segment's members) against later viewing and
   * cancellations; see effectiveness.ts for what each figure means. Reads viewing_events, users,
   * user_segments and segment_runs besides the impressions (owned by other modules; one statement
   * because the attribution is a join).
   */
  async effectivenessRow(
    since: Date,
    uptakeDays: number,
    segmentId: string | null,
  ): Promise<Record<string, number | null>> {
    const params: unknown[] = [since.toISOString(), uptakeDays];
    let segmentFilter = '';
    if (segmentId !== null) {
      params.push(Number(segmentId));
      segmentFilter = `AND i.user_id IN (${LATEST_SEGMENT_MEMBERS_SQL('$3')})`;
    }
    const [row] = await this.dataSource.query(
      `WITH shown AS (
         SELECT i.user_id, i.title_id, min(i.served_at) AS first_at, count(*) AS n
           FROM recommendation_impressions i
          WHERE i.served_at >= $1 ${segmentFilter}
          GROUP BY 1, 2),
       pairs AS (
         SELECT s.*, (SELECT min(e.started_at) FROM ${VIEWING_EVENTS} e
                       WHERE e.user_id = s.user_id AND e.title_id = s.title_id
                         AND e.started_at >= s.first_at AND e.started_at < s.first_at + make_interval(days => $2)) AS taken_at
           FROM shown s),
       viewers AS (
         SELECT p.user_id, min(p.first_at) AS first_at, bool_or(p.taken_at IS NOT NULL) AS took
           FROM pairs p GROUP BY 1),
       views AS (
         SELECT e.completion,
                EXISTS (SELECT 1 FROM recommendation_impressions i
                         WHERE i.user_id = e.user_id AND i.title_id = e.title_id
                           AND i.served_at <= e.started_at AND i.served_at > e.started_at - make_interval(days => $2)) AS recommended
           FROM ${VIEWING_EVENTS} e JOIN viewers u ON u.user_id = e.user_id
          WHERE e.started_at >= $1)
       SELECT
         (SELECT coalesce(sum(n), 0)::int FROM pairs) AS impressions,
         (SELECT count(*)::int FROM pairs) AS recommended_pairs,
         (SELECT count(*)::int FROM viewers) AS users_shown,
         (SELECT count(*)::int FROM pairs WHERE taken_at IS NOT NULL) AS taken,
         (SELECT count(*)::int FROM views WHERE recommended) AS recommended_views,
         (SELECT count(*)::int FROM views WHERE NOT recommended) AS organic_views,
         (SELECT avg(completion) FROM views WHERE recommended) AS recommended_completion,
         (SELECT avg(completion) FROM views WHERE NOT recommended) AS organic_completion,
         (SELECT count(*)::int FROM viewers WHERE took) AS users_took,
         (SELECT count(*)::int FROM viewers WHERE NOT took) AS users_not,
         (SELECT avg((x.status = 'CANCELLED' AND x.cancelled_at > u.first_at)::int)
            FROM viewers u JOIN ${USERS} x ON x.id = u.user_id WHERE u.took) AS churn_took,
         (SELECT avg((x.status = 'CANCELLED' AND x.cancelled_at > u.first_at)::int)
            FROM viewers u JOIN ${USERS} x ON x.id = u.user_id WHERE NOT u.took) AS churn_not`,
      params,
    );
    return row;
  }
}
