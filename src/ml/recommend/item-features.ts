/**
 * Side features of items (genres and tags) as a compressed sparse row list of feature indices.
 * Genres take feature indices 0..genreCount-1 and tags genreCount..genreCount+tagCount-1, so one
 * embedding table serves both and an item's genres stay recoverable for "matches your taste".
 */

export interface ItemFeatures {
  itemCount: number;
  genreCount: number;
  tagCount: number;
  /** genreCount + tagCount. */
  featureCount: number;
  /** Item i has features[offsets[i]] .. features[offsets[i + 1] - 1]. Shape: [itemCount + 1] */
  offsets: Int32Array;
  /** Feature indices, genres first within each item. Shape: [nnz] */
  features: Int32Array;
}

/**
 * Builds the feature lists from per-item genre and tag indices. Duplicates within an item are
 * dropped; out-of-range indices throw. Shapes: genres [itemCount][·], tags [itemCount][·] or
 * omitted.
 */
export function itemFeaturesFromLists(
  genres: readonly (readonly number[])[],
  genreCount: number,
  tags: readonly (readonly number[])[] = [],
  tagCount = 0,
): ItemFeatures {
  const itemCount = genres.length;
  if (tags.length !== 0 && tags.length !== itemCount) {
    throw new Error(`${itemCount} genre lists but ${tags.length} tag lists`);
  }
  const offsets = new Int32Array(itemCount + 1);
  const out: number[] = [];
  for (let i = 0; i < itemCount; i++) {
    const seen = new Set<number>();
    for (const g of genres[i]) {
      if (!Number.isInteger(g) || g < 0 || g >= genreCount)
        throw new Error(`item ${i}: bad genre ${g}`);
      if (!seen.has(g)) out.push(g);
      seen.add(g);
    }
    for (const t of tags[i] ?? []) {
      if (!Number.isInteger(t) || t < 0 || t >= tagCount)
        throw new Error(`item ${i}: bad tag ${t}`);
      const f = genreCount + t;
      if (!seen.has(f)) out.push(f);
      seen.add(f);
    }
    offsets[i + 1] = out.length;
  }
  return {
    itemCount,
    genreCount,
    tagCount,
    featureCount: genreCount + tagCount,
    offsets,
    features: Int32Array.from(out),
  };
}

/** Items with no side features at all (the id embedding is all they have). */
export function noItemFeatures(itemCount: number): ItemFeatures {
  return {
    itemCount,
    genreCount: 0,
    tagCount: 0,
    featureCount: 0,
    offsets: new Int32Array(itemCount + 1),
    features: new Int32Array(0),
  };
}

/** Genre indices of item i (primary first when the caller listed it first). */
export function itemGenres(f: ItemFeatures, item: number): number[] {
  const out: number[] = [];
  for (let k = f.offsets[item]; k < f.offsets[item + 1]; k++) {
    if (f.features[k] < f.genreCount) out.push(f.features[k]);
  }
  return out;
}
