/**
 * For bench:recs-quality on a seeded world: the ceiling of any recommender there, the world's own
 * choice rule scored with its hidden state.
 *
 * A subscriber picking a new title (seeds/world/viewing.ts, pickNewTitle) explores with probability
 * `exploreShare` (a title by popularity from the whole catalogue) and otherwise draws a genre from
 * their latent taste and a title of that genre by popularity × membership weight. Already watched
 * titles are redrawn, so among the titles a subscriber has not watched the chance of each is
 * proportional to
 *
 *   (1 − explore) · Σ_g taste[u, g] · popularity[t] · membership(t, g) / genreWeight[g]
 *     + explore · popularity[t] / Σ popularity.
 *
 * Ranking by it is the best a recommender can do on this world; it knows the taste (hidden from the
 * service) instead of estimating it from about 30 titles. The world is rebuilt from the same options
 * as the seeding (it is deterministic), and ids map to the simulator's indices as the seeding wrote
 * them (user and title id = index + 1).
 */
import { NULL_SINK, WorldSimulation, type WorldOptions } from '../seeds';
import { membership } from '../seeds/world/catalog';
import { GENRES } from '../seeds/world/vocabulary';
import type { UserScorer } from '../src/ml';

export function worldChoiceOracle(
  options: WorldOptions,
  userIds: readonly string[],
  titleIds: readonly string[],
): UserScorer {
  const { catalog, subs, behaviour } = new WorldSimulation(options, NULL_SINK).world;
  const G = GENRES.length;
  const explore = behaviour.exploreShare;
  const simTitle = Int32Array.from(titleIds, (id) => Number(id) - 1);
  let totalPopularity = 0;
  for (let t = 0; t < catalog.count; t++) totalPopularity += catalog.popularity[t];
  // Per title and genre: popularity × membership / the genre's weight (0 where it is not a member).
  const share = new Float64Array(titleIds.length * G);
  simTitle.forEach((t, i) => {
    for (let g = 0; g < G; g++) {
      const w = catalog.genreWeight[g];
      if (w > 0) share[i * G + g] = (catalog.popularity[t] * membership(catalog.genres, t, g)) / w;
    }
  });
  return {
    scoreUser(user: number, out: Float64Array): Float64Array {
      const u = Number(userIds[user]) - 1;
      // The genre is drawn from the taste's cumulative sums, i.e. in proportion to the (rounded) taste.
      let tasteSum = 0;
      for (let g = 0; g < G; g++) tasteSum += subs.taste[u * G + g];
      for (let i = 0; i < simTitle.length; i++) {
        let genre = 0;
        for (let g = 0; g < G; g++) genre += subs.taste[u * G + g] * share[i * G + g];
        genre /= tasteSum;
        out[i] =
          (1 - explore) * genre + (explore * catalog.popularity[simTitle[i]]) / totalPopularity;
      }
      return out;
    },
  };
}
