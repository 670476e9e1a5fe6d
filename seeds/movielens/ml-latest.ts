/**
 * The ml-latest(-small) layout: `ratings.csv` (userId,movieId,rating,timestamp) and `movies.csv`
 * (movieId,title,genres), both UTF-8 with a header row, RFC 4180 quoting (titles contain commas:
 * "American President, The (1995)"), genres '|'-separated or "(no genres listed)".
 */
import {
  decodeText,
  intField,
  numberField,
  parseCsvRecords,
  type TextRecord,
} from './delimited-text';
import { MovieLensError } from './movielens-error';
import {
  distinctUsers,
  splitTitleYear,
  type MovieLensData,
  type MovieLensRating,
  type MovieLensTitle,
} from './movielens-data';

const NO_GENRES = '(no genres listed)';

/** Records after a header that must name `columns` (in order, case-insensitive). */
function withHeader(bytes: Uint8Array, columns: readonly string[], file: string): TextRecord[] {
  const records = parseCsvRecords(decodeText(bytes, 'utf-8'), file);
  if (records.length === 0) throw new MovieLensError('the file is empty', file);
  const header = records[0].fields.map((h) => h.trim().toLowerCase());
  if (header.join(',') !== columns.map((c) => c.toLowerCase()).join(',')) {
    throw new MovieLensError(
      `expected header '${columns.join(',')}', got '${records[0].fields.join(',')}'`,
      file,
      records[0].line,
    );
  }
  return records.slice(1).map((r) => {
    if (r.fields.length !== columns.length) {
      throw new MovieLensError(
        `expected ${columns.length} fields, got ${r.fields.length} (an unquoted comma?)`,
        file,
        r.line,
      );
    }
    return r;
  });
}

/** Titles from movies.csv's bytes. */
export function parseMoviesCsv(bytes: Uint8Array, file = 'movies.csv'): MovieLensTitle[] {
  return withHeader(bytes, ['movieId', 'title', 'genres'], file).map(({ fields, line }) => {
    const { name, year } = splitTitleYear(fields[1]);
    const g = fields[2].trim();
    return {
      id: intField(fields[0], 'movieId', file, line),
      name,
      year,
      genres: g === '' || g === NO_GENRES ? [] : g.split('|'),
    };
  });
}

/** Ratings from ratings.csv's bytes (half stars 0.5–5). */
export function parseRatingsCsv(bytes: Uint8Array, file = 'ratings.csv'): MovieLensRating[] {
  return withHeader(bytes, ['userId', 'movieId', 'rating', 'timestamp'], file).map(
    ({ fields, line }) => {
      const rating = numberField(fields[2], 'rating', file, line);
      if (rating < 0.5 || rating > 5 || Math.round(rating * 2) !== rating * 2) {
        throw new MovieLensError(`rating ${rating} is not 0.5–5 in half stars`, file, line);
      }
      return {
        userId: intField(fields[0], 'userId', file, line),
        titleId: intField(fields[1], 'movieId', file, line),
        rating,
        timestamp: intField(fields[3], 'timestamp', file, line),
      };
    },
  );
}

/** The whole layout from file bytes. */
export function parseMlLatest(files: { ratings: Uint8Array; movies: Uint8Array }): MovieLensData {
  const titles = parseMoviesCsv(files.movies);
  const ratings = parseRatingsCsv(files.ratings);
  const genres: string[] = [];
  const seen = new Set<string>();
  for (const t of titles) {
    for (const g of t.genres) {
      if (seen.has(g)) continue;
      seen.add(g);
      genres.push(g);
    }
  }
  return { layout: 'ml-latest', users: distinctUsers(ratings), titles, ratings, genres };
}
