/**
 * MovieLens in the shape src/ml/recommend trains on: dense user and item indices, ratings mapped
 * to completion (rating-completion.ts), genre indices per item and title text for the content
 * model. Ratings of titles missing from the titles file are dropped (and counted), since nothing
 * could be said about them.
 */
import { interactionsFromRows, type Interactions } from '../../src/ml/recommend/interactions';
import type { TitleText } from '../../src/ml/recommend/content-model';
import type { MovieLensData } from './movielens-data';
import { ratingToCompletion } from './rating-completion';

export interface MovieLensInteractions {
  interactions: Interactions;
  /** MovieLens user id per user index. */
  userIds: number[];
  /** MovieLens movie id per item index (titles file order). */
  titleIds: number[];
  /** Genre indices (into `genres`) per item. */
  itemGenres: number[][];
  genres: string[];
  /** Content-model text per item: genres, no tags, the title words as description. */
  titles: TitleText[];
  /** Ratings whose title is not in the titles file. */
  droppedRatings: number;
}

export function movieLensToInteractions(data: MovieLensData): MovieLensInteractions {
  const itemOf = new Map<number, number>();
  data.titles.forEach((t, i) => itemOf.set(t.id, i));
  const userOf = new Map<number, number>();
  data.users.forEach((u, i) => userOf.set(u, i));
  const genreOf = new Map<string, number>();
  data.genres.forEach((g, i) => genreOf.set(g, i));
  const rows = [];
  let dropped = 0;
  for (const r of data.ratings) {
    const item = itemOf.get(r.titleId);
    if (item === undefined) {
      dropped++;
      continue;
    }
    rows.push({
      user: userOf.get(r.userId)!,
      item,
      weight: ratingToCompletion(r.rating),
      timestamp: r.timestamp,
    });
  }
  return {
    interactions: interactionsFromRows(rows, data.users.length, data.titles.length),
    userIds: [...data.users],
    titleIds: data.titles.map((t) => t.id),
    itemGenres: data.titles.map((t) =>
      t.genres.map((g) => genreOf.get(g)!).filter((g) => g !== undefined),
    ),
    genres: [...data.genres],
    titles: data.titles.map((t) => ({ genres: t.genres, tags: [], description: t.name })),
    droppedRatings: dropped,
  };
}
