/**
 * A user's taste over genres: Σ over watched titles of completion × recency decay, shared evenly
 * among each title's genres. It names the "Matches your taste for <genre>" reason: the user's
 * strongest genre among the candidate's own genres.
 */
import { recencyDecay, type ProfileEntry } from './content-model';
import { itemGenres, type ItemFeatures } from './item-features';

/** Shape: [genreCount]; all zeros for an empty history. */
export function genreTaste(
  history: readonly ProfileEntry[],
  features: ItemFeatures,
  now: number,
  halfLifeDays: number,
): Float64Array {
  const taste = new Float64Array(features.genreCount);
  for (const h of history) {
    const genres = itemGenres(features, h.item);
    if (genres.length === 0) continue;
    const w = (h.weight * recencyDecay(now - h.timestamp, halfLifeDays)) / genres.length;
    for (const g of genres) taste[g] += w;
  }
  return taste;
}

/** The candidate's genre the user likes most, or null when the user shows no taste for any. */
export function topGenreFor(
  taste: ArrayLike<number>,
  features: ItemFeatures,
  candidate: number,
): number | null {
  let best: number | null = null;
  for (const g of itemGenres(features, candidate)) {
    if (taste[g] > 0 && (best === null || taste[g] > taste[best])) best = g;
  }
  return best;
}
