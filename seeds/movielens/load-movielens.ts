/**
 * Reads a MovieLens folder from disk in either layout: ml-100k (u.data + u.item [+ u.genre]) or
 * ml-latest / ml-latest-small (ratings.csv + movies.csv). MovieLens's licence forbids
 * redistribution, so the data never ships with this project: point this at a copy you have.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseMl100k } from './ml-100k';
import { parseMlLatest } from './ml-latest';
import { MovieLensError } from './movielens-error';
import type { MovieLensData, MovieLensLayout } from './movielens-data';

/** Which layout `dir` holds, or null when it holds neither. */
export function detectMovieLensLayout(dir: string): MovieLensLayout | null {
  const has = (f: string): boolean => fs.existsSync(path.join(dir, f));
  if (has('u.data') || has('u.item')) return 'ml-100k';
  if (has('ratings.csv') || has('movies.csv')) return 'ml-latest';
  return null;
}

function read(dir: string, file: string, optional = false): Uint8Array | undefined {
  const full = path.join(dir, file);
  try {
    return fs.readFileSync(full);
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    const code = (err as NodeJS.ErrnoException).code;
    throw new MovieLensError(code === 'ENOENT' ? 'file not found' : `cannot read (${code})`, full);
  }
}

/** Parses the folder (layout detected unless given). Throws MovieLensError with file and line. */
export function loadMovieLens(dir: string, layout?: MovieLensLayout): MovieLensData {
  const kind = layout ?? detectMovieLensLayout(dir);
  if (kind === null) {
    throw new MovieLensError(
      'neither u.data/u.item (ml-100k) nor ratings.csv/movies.csv (ml-latest) found',
      dir,
    );
  }
  try {
    if (kind === 'ml-100k') {
      return parseMl100k({
        data: read(dir, 'u.data')!,
        item: read(dir, 'u.item')!,
        genre: read(dir, 'u.genre', true),
      });
    }
    return parseMlLatest({ ratings: read(dir, 'ratings.csv')!, movies: read(dir, 'movies.csv')! });
  } catch (err) {
    // Parsers name files by base name; report the full path the caller gave.
    if (
      err instanceof MovieLensError &&
      !path.isAbsolute(err.file) &&
      !err.file.includes(path.sep)
    ) {
      throw new MovieLensError(err.reason, path.join(dir, err.file), err.line);
    }
    throw err;
  }
}
