/** What the recommendations module adds to every request's context. */
import DataLoader from 'dataloader';
import type { AppLoaders, AppServices } from '../../api/context';
import { keyedLoader } from '../../common/keyed-loaders';
import type { ContinueWatchingTitle, RecommendedTitle } from './recommendation.types';
import type { RecommendationSource, RecommendationsService } from './recommendations.service';

declare module '../../api/context' {
  interface AppServices {
    recommendations: RecommendationsService;
  }
  interface AppLoaders {
    /** Recommendations per user, for one page size, source and `among` (all part of the batch). */
    recommendations(
      first: number,
      source: RecommendationSource,
      among?: readonly string[] | null,
    ): DataLoader<string, RecommendedTitle[]>;
    /** The "Continue watching" row per user, for one page size. */
    continueWatching(first: number): DataLoader<string, ContinueWatchingTitle[]>;
  }
}

/** `loaders` is the request's own: the latest scores are read once for a score and its list. */
export function createRecommendationLoaders(services: AppServices, loaders: AppLoaders) {
  const lists = keyedLoader(
    (first: number, source: RecommendationSource, among: readonly string[] | null) =>
      new DataLoader(async (userIds: readonly string[]) => {
        const scores = await loaders.latestScore.loadMany(userIds);
        const served = await services.recommendations.recommend(
          userIds.map((userId, i) => {
            const score = scores[i];
            return { userId, risk: score instanceof Error ? null : (score?.riskLevel ?? null) };
          }),
          first,
          source,
          among,
        );
        // Reason kinds are the same strings as RecommendationReasonKind's values.
        return served as unknown as RecommendedTitle[][];
      }),
  );
  return {
    recommendations: (
      first: number,
      source: RecommendationSource,
      among?: readonly string[] | null,
    ) => lists(first, source, among ?? null),
    continueWatching: keyedLoader(
      (first: number) =>
        new DataLoader((userIds: readonly string[]) =>
          services.recommendations.continueWatching(userIds, first),
        ),
    ),
  };
}
