/**
 * The normalised form both MovieLens layouts are parsed into. Ids are MovieLens's own (1-based,
 * not necessarily dense); movielens-interactions.ts maps them to dense indices for src/ml.
 */

export type MovieLensLayout = 'ml-100k' | 'ml-latest';

export interface MovieLensTitle {
  id: number;
  /** Title without the trailing "(1995)", as MovieLens writes it ("Misérables, Les"). */
  name: string;
  /** Release year from the title, null when it has none. */
  year: number | null;
  genres: string[];
}

export interface MovieLensRating {
  userId: number;
  titleId: number;
  /** Stars: 1–5 (ml-100k) or 0.5–5 in half stars (ml-latest). */
  rating: number;
  /** Epoch seconds. */
  timestamp: number;
}

export interface MovieLensData {
  layout: MovieLensLayout;
  /** Distinct user ids, ascending. */
  users: number[];
  /** In file order. */
  titles: MovieLensTitle[];
  /** In file order. */
  ratings: MovieLensRating[];
  /** Genre vocabulary: u.genre's order for ml-100k, first appearance for ml-latest. */
  genres: string[];
}

/** The 19 genres of ml-100k in u.genre order (used when u.genre is absent). */
export const ML_100K_GENRES: readonly string[] = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

/**
 * Splits "Heat (1995)" into name and year. Also reads ml-latest's "(2006–2007)" series ranges
 * (first year) and tolerates trailing spaces; a title without a year keeps its whole text.
 */
export function splitTitleYear(title: string): { name: string; year: number | null } {
  const m = /^(.*?)\s*\((\d{4})(?:\s*[-–]\s*\d{0,4})?\)\s*$/.exec(title);
  if (m === null || m[1] === '') return { name: title.trim(), year: null };
  return { name: m[1], year: Number(m[2]) };
}

/** Distinct user ids of the ratings, ascending. */
export function distinctUsers(ratings: readonly MovieLensRating[]): number[] {
  return [...new Set(ratings.map((r) => r.userId))].sort((a, b) => a - b);
}
