/**
 * Did the recommendations work? Impressions served since `since` (optionally for one segment's
 * members) against what the users watched afterwards: a recommendation is taken when the user starts
 * that title within 7 days of first being shown it; recommended views are those, organic views every
 * other view by the same users since `since`; and the churn of users who took at least one
 * recommendation against users shown some who took none.
 */
import type { DataSource } from 'typeorm';

export const UPTAKE_DAYS = 7;

export interface EffectivenessReport {
  since: Date;
  segmentId: string | null;
  impressions: number;
  recommendedPairs: number;
  usersShown: number;
  taken: number;
  uptakeRate: number | null;
  recommendedViews: number;
  organicViews: number;
  recommendedCompletion: number | null;
  organicCompletion: number | null;
  usersWhoTook: number;
  usersWhoDidNot: number;
  churnRateTook: number | null;
  churnRateDidNot: number | null;
}

export async function effectiveness(
  ds: DataSource,
  since: Date,
  segmentId: string | null,
): Promise<EffectivenessReport> {
  const params: unknown[] = [since.toISOString(), UPTAKE_DAYS];
  let segmentFilter = '';
  if (segmentId !== null) {
    params.push(Number(segmentId));
    segmentFilter = `AND i.user_id IN (SELECT user_id FROM user_segments
                       WHERE run_id = (SELECT max(id) FROM segment_runs) AND segment_id = $3)`;
  }
  const [row] = await ds.query(
    `WITH shown AS (
       SELECT i.user_id, i.title_id, min(i.served_at) AS first_at, count(*) AS n
         FROM recommendation_impressions i
        WHERE i.served_at >= $1 ${segmentFilter}
        GROUP BY 1, 2),
     pairs AS (
       SELECT s.*, (SELECT min(e.started_at) FROM viewing_events e
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
         FROM viewing_events e JOIN viewers u ON u.user_id = e.user_id
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
          FROM viewers u JOIN users x ON x.id = u.user_id WHERE u.took) AS churn_took,
       (SELECT avg((x.status = 'CANCELLED' AND x.cancelled_at > u.first_at)::int)
          FROM viewers u JOIN users x ON x.id = u.user_id WHERE NOT u.took) AS churn_not`,
    params,
  );
  const pairs = row.recommended_pairs as number;
  return {
    since,
    segmentId,
    impressions: row.impressions,
    recommendedPairs: pairs,
    usersShown: row.users_shown,
    taken: row.taken,
    uptakeRate: pairs > 0 ? row.taken / pairs : null,
    recommendedViews: row.recommended_views,
    organicViews: row.organic_views,
    recommendedCompletion: row.recommended_completion,
    organicCompletion: row.organic_completion,
    usersWhoTook: row.users_took,
    usersWhoDidNot: row.users_not,
    churnRateTook: row.churn_took,
    churnRateDidNot: row.churn_not,
  };
}
