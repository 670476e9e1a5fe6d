/**
 * A small seeded latent-taste world for tests and offline checks of the recommenders, the way
 * data/synthetic-churn.ts serves the churn models. Items have genres, tags, a description, a
 * long-tailed popularity and a latent vector (genre centroids plus an item-specific part); users
 * have a latent taste near one or two favourite genres. Each user picks titles without
 * replacement with probability ∝ popularity^γ × exp(τ · taste · item), and finishes them more
 * often the better the match. So popularity, content (genres/tags/words) and collaborative
 * structure (the item-specific part only co-watching reveals) all carry signal.
 */
import { createRng, type Rng } from '../random';
import { interactionsFromRows, type InteractionRow, type Interactions } from './interactions';

export interface SyntheticTastesOptions {
  users: number;
  items: number;
  genres: number;
  /** Tags per genre (tag pool size = genres × tagsPerGenre). */
  tagsPerGenre: number;
  /** Mean titles per user (at least 2 each). */
  meanInteractions: number;
  /** Latent dimensions. */
  latent: number;
  /** τ: how strongly taste drives choice. */
  tasteStrength: number;
  /** γ: exponent on popularity in choice. */
  popularityExponent: number;
  /** Weight of the item-specific latent part relative to its genres. */
  itemNoise: number;
  /** Share of series among titles. */
  seriesShare: number;
  seed: number;
  /** Epoch seconds of the first interaction; events span 90 days after it. */
  start: number;
}

export const SYNTHETIC_TASTES_DEFAULTS: SyntheticTastesOptions = {
  users: 300,
  items: 200,
  genres: 8,
  tagsPerGenre: 4,
  meanInteractions: 25,
  latent: 8,
  tasteStrength: 3,
  popularityExponent: 0.6,
  itemNoise: 0.8,
  seriesShare: 0.3,
  seed: 1,
  start: 1_700_000_000,
};

export interface SyntheticTastes {
  interactions: Interactions;
  genreNames: string[];
  tagNames: string[];
  /** Genre indices per item, primary first. Shape: [items][1–2] */
  itemGenres: number[][];
  /** Tag indices per item. Shape: [items][2–3] */
  itemTags: number[][];
  descriptions: string[];
  /** 0 movie, 1 series. Shape: [items] */
  itemKinds: Uint8Array;
  /** Each user's favourite genre, a natural segment. Shape: [users] */
  favouriteGenre: Int32Array;
  /** True choice affinity τ · taste · item. Shape: [users × items] */
  affinity: Float64Array;
}

const GENRE_NAMES = [
  'action',
  'comedy',
  'drama',
  'horror',
  'romance',
  'scifi',
  'documentary',
  'animation',
  'thriller',
  'fantasy',
  'crime',
  'family',
];
const COMMON_WORDS = ['story', 'journey', 'world', 'life', 'secret', 'night', 'city', 'friends'];

/** Generates the world. Deterministic for a seed. */
export function syntheticTastes(options: Partial<SyntheticTastesOptions> = {}): SyntheticTastes {
  const o = { ...SYNTHETIC_TASTES_DEFAULTS, ...options };
  if (o.genres > GENRE_NAMES.length) throw new Error(`at most ${GENRE_NAMES.length} genres`);
  const rng = createRng(o.seed);
  const L = o.latent;
  const genreNames = GENRE_NAMES.slice(0, o.genres);
  const tagNames = genreNames.flatMap((g) =>
    Array.from({ length: o.tagsPerGenre }, (_, k) => `${g} tag ${k}`),
  );
  const centroid = Array.from({ length: o.genres }, () => unitVector(rng, L));

  const itemGenres: number[][] = [];
  const itemTags: number[][] = [];
  const descriptions: string[] = [];
  const itemKinds = new Uint8Array(o.items);
  const itemVec = new Float64Array(o.items * L);
  const logPop = new Float64Array(o.items);
  for (let i = 0; i < o.items; i++) {
    const primary = rng.int(o.genres);
    const genres = [primary];
    if (rng.next() < 0.5) {
      const second = rng.int(o.genres);
      if (second !== primary) genres.push(second);
    }
    itemGenres.push(genres);
    const tags = new Set<number>();
    const wanted = 2 + rng.int(2);
    while (tags.size < wanted) {
      const g = genres[rng.next() < 0.75 ? 0 : genres.length - 1];
      tags.add(g * o.tagsPerGenre + rng.int(o.tagsPerGenre));
    }
    itemTags.push([...tags]);
    itemKinds[i] = rng.next() < o.seriesShare ? 1 : 0;
    const noise = unitVector(rng, L);
    for (let k = 0; k < L; k++) {
      let g = centroid[primary][k];
      if (genres.length > 1) g = 0.7 * g + 0.3 * centroid[genres[1]][k];
      itemVec[i * L + k] = g + o.itemNoise * noise[k];
    }
    logPop[i] = 1.2 * rng.normal();
    const words = Array.from({ length: 5 }, () => `${genreNames[primary]}word${rng.int(8)}`);
    words.push(COMMON_WORDS[rng.int(COMMON_WORDS.length)], `${genreNames[genres.at(-1)!]}word0`);
    descriptions.push(
      `The ${words.join(' ')} and the ${COMMON_WORDS[rng.int(COMMON_WORDS.length)]}.`,
    );
  }

  const rows: InteractionRow[] = [];
  const favouriteGenre = new Int32Array(o.users);
  const affinity = new Float64Array(o.users * o.items);
  const keys = new Float64Array(o.items);
  const span = 90 * 86400;
  for (let u = 0; u < o.users; u++) {
    const fav = rng.int(o.genres);
    favouriteGenre[u] = fav;
    const other = rng.int(o.genres);
    const noise = unitVector(rng, L);
    const taste = new Float64Array(L);
    for (let k = 0; k < L; k++)
      taste[k] = centroid[fav][k] + 0.5 * centroid[other][k] + 0.5 * noise[k];
    normalise(taste);
    for (let i = 0; i < o.items; i++) {
      let dot = 0;
      for (let k = 0; k < L; k++) dot += taste[k] * itemVec[i * L + k];
      const a = o.tasteStrength * dot;
      affinity[u * o.items + i] = a;
      // Gumbel-top-k: sampling n items without replacement ∝ exp(logit).
      keys[i] = o.popularityExponent * logPop[i] + a - Math.log(-Math.log(1 - rng.next()));
    }
    const count = Math.min(
      o.items - 1,
      Math.max(2, Math.round(o.meanInteractions * Math.exp(0.6 * rng.normal() - 0.18))),
    );
    const chosen = Array.from({ length: o.items }, (_, i) => i)
      .sort((x, y) => keys[y] - keys[x] || x - y)
      .slice(0, count);
    const times = chosen.map(() => o.start + Math.floor(rng.next() * span)).sort((x, y) => x - y);
    chosen.forEach((item, k) => {
      const a = affinity[u * o.items + item];
      const pFinish = 1 / (1 + Math.exp(-(a - 1)));
      const completion = rng.next() < pFinish ? 0.9 + 0.1 * rng.next() : 0.05 + 0.6 * rng.next();
      rows.push({
        user: u,
        item,
        weight: Math.round(completion * 1000) / 1000,
        timestamp: times[k],
      });
    });
  }
  return {
    interactions: interactionsFromRows(rows, o.users, o.items),
    genreNames,
    tagNames,
    itemGenres,
    itemTags,
    descriptions,
    itemKinds,
    favouriteGenre,
    affinity,
  };
}

function unitVector(rng: Rng, n: number): Float64Array {
  const v = new Float64Array(n);
  for (let k = 0; k < n; k++) v[k] = rng.normal();
  return normalise(v);
}

function normalise(v: Float64Array): Float64Array {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let k = 0; k < v.length; k++) v[k] *= inv;
  return v;
}
