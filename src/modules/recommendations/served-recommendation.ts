/**
 * A recommendation as the API serves it: title ids instead of item indices, reasons worded.
 */
import type { Recommendation, RecommendationReason, SourceCode } from '../../ml';
import type { RecommenderState } from './recommender-state';
import { RecommendationSource } from './recommendation-source';

export const SOURCE_ENUM: Record<SourceCode, RecommendationSource> = {
  collaborative: RecommendationSource.COLLABORATIVE,
  content: RecommendationSource.CONTENT,
  'genre-mixture': RecommendationSource.GENRE_MIXTURE,
  'popular-in-segment': RecommendationSource.POPULAR_IN_SEGMENT,
  trending: RecommendationSource.TRENDING,
};

export interface ServedReason {
  kind: RecommendationReason['kind'];
  text: string;
  titleId: string | null;
  genre: string | null;
}

export interface ServedRecommendation {
  /** One id per served list: what recordRecommendationImpressions refers back to. */
  listId: string;
  titleId: string;
  rank: number;
  score: number;
  source: RecommendationSource;
  reasons: ServedReason[];
  /** Always false: started titles are in the continueWatching row, never here. */
  continueWatching: boolean;
  /** Mean completion of the title among the user's segment (null when not re-ranked for risk). */
  predictedCompletion: number | null;
}

export function served(
  state: RecommenderState,
  r: Recommendation,
  rank: number,
  predicted: Float64Array | null,
  listId: string,
): ServedRecommendation {
  const titleName = (item: number) => state.titles[item]?.name ?? `title ${item}`;
  const reasons = r.reasons.map((reason): ServedReason => {
    switch (reason.kind) {
      case 'because-you-watched':
        return {
          kind: reason.kind,
          text: `Because you watched ${titleName(reason.item)}`,
          titleId: state.titles[reason.item].id,
          genre: null,
        };
      case 'continue-watching':
        return {
          kind: reason.kind,
          text: `Continue watching ${titleName(reason.item)}`,
          titleId: state.titles[reason.item].id,
          genre: null,
        };
      case 'matches-taste': {
        const genre = state.genres[reason.genre] ?? null;
        return { kind: reason.kind, text: `Matches your taste for ${genre}`, titleId: null, genre };
      }
      case 'popular-in-segment':
        return {
          kind: reason.kind,
          text: reason.segment === null ? 'Popular right now' : 'Popular in your segment',
          titleId: null,
          genre: null,
        };
      case 'trending':
        return { kind: reason.kind, text: 'Trending this week', titleId: null, genre: null };
      case 'likely-to-finish':
        return {
          kind: reason.kind,
          text: `Viewers like you usually finish this (${Math.round(reason.predictedCompletion * 100)}% on average)`,
          titleId: null,
          genre: null,
        };
    }
  });
  return {
    listId,
    titleId: state.titles[r.item].id,
    rank,
    score: r.score,
    source: SOURCE_ENUM[r.source],
    reasons,
    continueWatching: false,
    predictedCompletion: predicted ? predicted[r.item] : null,
  };
}
