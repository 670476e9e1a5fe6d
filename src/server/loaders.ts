import DataLoader from 'dataloader';
import type { Title } from '../modules/catalog/title.entity';
import type { ViewingEvent } from '../modules/events/viewing-event.entity';
import type { ChurnExplanation } from '../modules/explanations/explanation.types';
import type { ChurnScore } from '../modules/scoring/churn-score.entity';
import type { Segment } from '../modules/segments/segment.types';
import type {
  ContinueWatchingTitle,
  RecommendedTitle,
} from '../modules/recommendations/recommendation.types';
import type { RecommendationSource } from '../modules/recommendations/recommendations.service';
import type { SubscriberLifetimeValue } from '../modules/survival/lifetime-value.service';
import type { ServedSurvival } from '../modules/survival/survival.service';
import type { User } from '../modules/users/user.entity';
import type { Services } from './services';

export interface Loaders {
  userById: DataLoader<string, User | null>;
  titleById: DataLoader<string, Title | null>;
  /** Recent events per user for one page size (the size is part of the batch, not the key). */
  recentEvents(first: number): DataLoader<string, ViewingEvent[]>;
  latestScore: DataLoader<string, ChurnScore | null>;
  scoreHistory(first: number): DataLoader<string, ChurnScore[]>;
  /** Explanations with `top` contributions, per user. */
  explanation(top: number): DataLoader<string, ChurnExplanation | null>;
  /** Segment ids of the latest run per user. */
  userSegmentId: DataLoader<string, string | null>;
  segmentById: DataLoader<string, Segment | null>;
  /** Recommendations per user, for one page size, source and `among` (all part of the batch). */
  recommendations(
    first: number,
    source: RecommendationSource,
    among?: readonly string[] | null,
  ): DataLoader<string, RecommendedTitle[]>;
  /** Survival curves from the features now (null: not active, or no survival model). */
  survival: DataLoader<string, ServedSurvival | null>;
  /** Lifetime values, from the same curves as `survival`. */
  lifetimeValue: DataLoader<string, SubscriberLifetimeValue | null>;
  /** The "Continue watching" row per user, for one page size. */
  continueWatching(first: number): DataLoader<string, ContinueWatchingTitle[]>;
}

/** Fresh loaders for every request (HTTP) or operation (ws): no cache outlives its request. */
export function createLoaders(services: Services): Loaders {
  const recentBySize = new Map<number, DataLoader<string, ViewingEvent[]>>();
  const historyBySize = new Map<number, DataLoader<string, ChurnScore[]>>();
  const explanationByTop = new Map<number, DataLoader<string, ChurnExplanation | null>>();
  const recommendationsBy = new Map<string, DataLoader<string, RecommendedTitle[]>>();
  const continueBySize = new Map<number, DataLoader<string, ContinueWatchingTitle[]>>();
  // Shared with the recommendations loader: a request asking for a user's score and recommendations
  // reads the latest scores once.
  const latestScore = new DataLoader((userIds: readonly string[]) =>
    services.scoring.latestFor(userIds),
  );
  const survival = new DataLoader((userIds: readonly string[]) =>
    services.survival.servedOrNull(userIds),
  );
  return {
    survival,
    lifetimeValue: new DataLoader(async (userIds) =>
      (await survival.loadMany(userIds)).map((s) =>
        s instanceof Error ? s : s ? services.lifetimeValue.valueFrom(s) : null,
      ),
    ),
    userById: new DataLoader(async (ids) => byId(ids, await services.users.findByIds(ids))),
    titleById: new DataLoader(async (ids) => byId(ids, await services.catalog.findByIds(ids))),
    recentEvents(first) {
      let loader = recentBySize.get(first);
      if (!loader) {
        loader = new DataLoader((userIds) => services.events.recentEventsByUser(userIds, first));
        recentBySize.set(first, loader);
      }
      return loader;
    },
    latestScore,
    userSegmentId: new DataLoader((userIds) => services.segments.segmentIdsOf(userIds)),
    segmentById: new DataLoader((ids) => services.segments.findByIds(ids)),
    recommendations(first, source, among = null) {
      const key = `${first}:${source}:${among?.join(',') ?? ''}`;
      let loader = recommendationsBy.get(key);
      if (!loader) {
        loader = new DataLoader(async (userIds) => {
          const scores = await latestScore.loadMany(userIds);
          const lists = await services.recommendations.recommend(
            userIds.map((userId, i) => {
              const score = scores[i];
              return { userId, risk: score instanceof Error ? null : (score?.riskLevel ?? null) };
            }),
            first,
            source,
            among,
          );
          // Reason kinds are the same strings as RecommendationReasonKind's values.
          return lists as unknown as RecommendedTitle[][];
        });
        recommendationsBy.set(key, loader);
      }
      return loader;
    },
    continueWatching(first) {
      let loader = continueBySize.get(first);
      if (!loader) {
        loader = new DataLoader((userIds) =>
          services.recommendations.continueWatching(userIds, first),
        );
        continueBySize.set(first, loader);
      }
      return loader;
    },
    explanation(top) {
      let loader = explanationByTop.get(top);
      if (!loader) {
        loader = new DataLoader((userIds) => services.explanations.explain(userIds, top));
        explanationByTop.set(top, loader);
      }
      return loader;
    },
    scoreHistory(first) {
      let loader = historyBySize.get(first);
      if (!loader) {
        loader = new DataLoader((userIds) => services.scoring.historyFor(userIds, first));
        historyBySize.set(first, loader);
      }
      return loader;
    },
  };
}

function byId<T extends { id: string }>(ids: readonly string[], rows: T[]): (T | null)[] {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}
