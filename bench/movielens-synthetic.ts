/**
 * A folder in the MovieLens-100k layout (u.data, u.item) written from the seeded latent-taste world
 * at MovieLens-100k's size (943 users, 1,682 titles, about 100 ratings each). It rehearses what a
 * copy of MovieLens goes through: `churn import-movielens`, `churn train-recs`, the served lists.
 * MovieLens itself cannot ship with the project (its licence forbids redistribution).
 *
 * Ratings follow the world's completion (1 + 4 × completion, rounded), timestamps its 90 days moved
 * to MovieLens-100k's own period (from September 1997); each title gets its world genres (8) as
 * MovieLens genre flags.
 */
import fs from 'node:fs';
import path from 'node:path';
import { syntheticTastes } from '../src/ml/recommend/synthetic-tastes';
import { ML_100K_GENRES } from '../seeds/movielens/movielens-data';

/** 1997-09-20, MovieLens-100k's first rating. */
const ML_100K_START = 874_724_710;

export function writeSyntheticMl100k(
  dir: string,
  seed: number,
): { users: number; titles: number; ratings: number } {
  // The world's genre g is MovieLens flag g + 1 (flag 0 is 'unknown'); it has fewer genres.
  const w = syntheticTastes({ users: 943, items: 1682, meanInteractions: 100, seed });
  const x = w.interactions;
  let first = Infinity;
  for (const t of x.timestamps) first = Math.min(first, t);
  const data: string[] = [];
  for (let r = 0; r < x.users.length; r++) {
    const rating = Math.min(5, Math.max(1, Math.round(1 + 4 * x.weights[r])));
    const ts = Math.round(x.timestamps[r] - first) + ML_100K_START;
    data.push(`${x.users[r] + 1}\t${x.items[r] + 1}\t${rating}\t${ts}`);
  }
  const items = w.itemGenres.map((gs, i) => {
    const flags = ML_100K_GENRES.map((_, f) => (f > 0 && gs.includes(f - 1) ? '1' : '0'));
    return `${i + 1}|Title ${i + 1} (1995)|01-Jan-1995||http://example.org/${i + 1}|${flags.join('|')}`;
  });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'u.data'), data.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'u.item'), items.join('\n') + '\n', 'latin1');
  return { users: x.userCount, titles: x.itemCount, ratings: data.length };
}
