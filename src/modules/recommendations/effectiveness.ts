/**
 * Did the recommendations work? Impressions (lists clients reported showing) since `since` (optionally for one segment's
 * members) against what the users watched afterwards: a recommendation is taken when the user starts
 * that title within 7 days of first being shown it; recommended views are those, organic views every
 * other view by the same users since `since`; and the churn of users who took at least one
 * recommendation against users shown some who took none.
 */
import type { RecommendationsRepository } from './recommendations.repository';

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
  repository: RecommendationsRepository,
  since: Date,
  segmentId: string | null,
): Promise<EffectivenessReport> {
  const row = (await repository.effectivenessRow(since, UPTAKE_DAYS, segmentId)) as Record<
    string,
    number
  >;
  const pairs = row.recommended_pairs;
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
