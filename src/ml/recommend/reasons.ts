/**
 * Why an item is recommended, as structured data the API can render or translate: each reason
 * names a kind and what it refers to (a watched item, a genre, a segment), never only a string.
 * `describeReason` gives the default English text.
 */

export type SourceCode =
  'collaborative' | 'content' | 'genre-mixture' | 'popular-in-segment' | 'trending';

export type RecommendationReason =
  | {
      kind: 'because-you-watched';
      /** The watched item that contributes most. */
      item: number;
      source: 'collaborative' | 'content';
      /** Collaborative: that item's share of the score; content: its cosine with the candidate. */
      strength: number;
    }
  | {
      kind: 'matches-taste';
      genre: number;
      /** The user's taste share of that genre, 0..1. */ strength: number;
    }
  | {
      kind: 'popular-in-segment';
      /** null: the user has no segment, so this is global popularity. */ segment: number | null;
    }
  | { kind: 'trending' }
  | {
      kind: 'continue-watching';
      item: number;
      /** Movie completion or series progress; NaN unknown. */ progress: number;
    }
  | {
      kind: 'likely-to-finish';
      /** Predicted completion among similar users, 0..1. */ predictedCompletion: number;
    };

export type ReasonKind = RecommendationReason['kind'];

/** Default English wording. `title(i)` and `genre(g)` give display names. */
export function describeReason(
  reason: RecommendationReason,
  names: { title: (item: number) => string; genre: (genre: number) => string },
): string {
  switch (reason.kind) {
    case 'because-you-watched':
      return `Because you watched ${names.title(reason.item)}`;
    case 'matches-taste':
      return `Matches your taste for ${names.genre(reason.genre)}`;
    case 'popular-in-segment':
      return reason.segment === null ? 'Popular right now' : 'Popular in your segment';
    case 'trending':
      return 'Trending now';
    case 'continue-watching':
      return `Continue watching ${names.title(reason.item)}`;
    case 'likely-to-finish':
      return 'People like you finish this';
  }
}
