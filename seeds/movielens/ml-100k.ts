/**
 * The MovieLens 100k layout: `u.data` (user \t item \t rating \t unix time), `u.item` (pipe
 * separated, ISO-8859-1: id | title | release date | video date | IMDb URL | 19 genre flags) and
 * optionally `u.genre` (name | index), which fixes the order of the flags.
 */
import { decodeText, intField, splitLines } from './delimited-text';
import { MovieLensError } from './movielens-error';
import {
  ML_100K_GENRES,
  distinctUsers,
  splitTitleYear,
  type MovieLensData,
  type MovieLensRating,
  type MovieLensTitle,
} from './movielens-data';

/** The genre names in flag order from u.genre's bytes. */
export function parseUGenre(bytes: Uint8Array, file = 'u.genre'): string[] {
  const names: string[] = [];
  for (const { fields, line } of splitLines(decodeText(bytes, 'latin1'), '|')) {
    if (fields.length !== 2)
      throw new MovieLensError(`expected 'name|index', got ${fields.length} fields`, file, line);
    const index = intField(fields[1], 'genre index', file, line);
    if (index !== names.length)
      throw new MovieLensError(`genre index ${index} out of order`, file, line);
    names.push(fields[0]);
  }
  if (names.length === 0) throw new MovieLensError('no genres', file);
  return names;
}

/** Titles from u.item's bytes (decoded as Latin-1). */
export function parseUItem(
  bytes: Uint8Array,
  genres: readonly string[] = ML_100K_GENRES,
  file = 'u.item',
): MovieLensTitle[] {
  const want = 5 + genres.length;
  return splitLines(decodeText(bytes, 'latin1'), '|').map(({ fields, line }) => {
    if (fields.length !== want) {
      throw new MovieLensError(
        `expected ${want} '|'-separated fields, got ${fields.length}`,
        file,
        line,
      );
    }
    const id = intField(fields[0], 'movie id', file, line);
    const flags = fields.slice(5);
    const titleGenres: string[] = [];
    flags.forEach((f, g) => {
      if (f !== '0' && f !== '1')
        throw new MovieLensError(`genre flag '${f}' is not 0 or 1`, file, line);
      if (f === '1') titleGenres.push(genres[g]);
    });
    const { name, year } = splitTitleYear(fields[1]);
    return { id, name, year, genres: titleGenres };
  });
}

/** Ratings from u.data's bytes. */
export function parseUData(bytes: Uint8Array, file = 'u.data'): MovieLensRating[] {
  return splitLines(decodeText(bytes, 'latin1'), '\t').map(({ fields, line }) => {
    if (fields.length !== 4) {
      throw new MovieLensError(
        `expected 4 tab-separated fields (user, item, rating, timestamp), got ${fields.length}`,
        file,
        line,
      );
    }
    const rating = intField(fields[2], 'rating', file, line);
    if (rating < 1 || rating > 5)
      throw new MovieLensError(`rating ${rating} is not 1–5`, file, line);
    return {
      userId: intField(fields[0], 'user id', file, line),
      titleId: intField(fields[1], 'item id', file, line),
      rating,
      timestamp: intField(fields[3], 'timestamp', file, line),
    };
  });
}

/** The whole layout from file bytes (u.genre optional). */
export function parseMl100k(files: {
  data: Uint8Array;
  item: Uint8Array;
  genre?: Uint8Array;
}): MovieLensData {
  const genres = files.genre ? parseUGenre(files.genre) : [...ML_100K_GENRES];
  const titles = parseUItem(files.item, genres);
  const ratings = parseUData(files.data);
  return { layout: 'ml-100k', users: distinctUsers(ratings), titles, ratings, genres };
}
