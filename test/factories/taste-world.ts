/** The recommender's side information (genre/tag features, title texts, kinds) of a taste world. */
import { itemFeaturesFromLists, type SyntheticTastes } from '../../src/ml/recommend';

export function tasteSide(world: SyntheticTastes) {
  return {
    features: itemFeaturesFromLists(
      world.itemGenres,
      world.genreNames.length,
      world.itemTags,
      world.tagNames.length,
    ),
    titles: world.itemGenres.map((g, i) => ({
      genres: g.map((x) => world.genreNames[x]),
      tags: world.itemTags[i].map((t) => world.tagNames[t]),
      description: world.descriptions[i],
    })),
    kinds: world.itemKinds,
  };
}
