import { GENRES, NAME_PATTERNS, SECOND_WORDS } from './vocabulary';
import { AliasTable, Random, buildAliasTable, clamp, round } from './random';

export const MOVIE = 0;
export const SERIES = 1;
/** Weight of a secondary genre relative to the primary one (membership in a genre's pool). */
export const SECONDARY_WEIGHT = 0.5;
/** Genres per title at most (primary + up to two secondary). */
export const GENRE_SLOTS = 3;
/** Popularity ∝ rank^−s: a long tail where a few titles take most views. */
const ZIPF_EXPONENT = 1.15;

/**
 * The catalog as parallel arrays (index = title id − 1) plus the text columns. Popularity and
 * quality are latent: they shape who watches what and how far, but are never written to `titles`.
 */
export interface Catalog {
  count: number;
  /** MOVIE | SERIES. Shape: [count] */
  type: Uint8Array;
  /** Genre indices, GENRE_SLOTS per title, −1 where unused; slot 0 is the primary genre. Shape: [count × 3] */
  genres: Int8Array;
  /** Relative popularity (lognormal, long-tailed), unitless. Shape: [count] */
  popularity: Float64Array;
  /** Latent quality in [0, 1]. Shape: [count] */
  quality: Float64Array;
  /** Movie length or episode length in minutes. Shape: [count] */
  runtimeMinutes: Int16Array;
  /** 1 for movies. Shape: [count] */
  episodes: Int16Array;
  releaseYear: Int16Array;
  names: string[];
  maturity: string[];
  descriptions: string[];
  tags: string[][];
  /** Per genre: titles carrying that genre, drawn by popularity × membership weight. */
  byGenre: AliasTable[];
  /** Per genre: total draw weight of its pool (to turn a title's weight into a share). */
  genreWeight: Float64Array;
  /** Every title by popularity: what the home page pushes to someone exploring. */
  global: AliasTable;
}

const SHORT_EPISODE_GENRES = new Set(['Animation', 'Comedy', 'Family', 'Anime']);
const ROMAN = ['II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'];

/**
 * Build a catalog of `count` titles. `endYear` bounds release years (the world's last year).
 * Popularity is Zipf over a random appeal ranking × a recency boost (long tail).
 */
export function buildCatalog(rng: Random, count: number, endYear: number): Catalog {
  const G = GENRES.length;
  const type = new Uint8Array(count);
  const genres = new Int8Array(count * GENRE_SLOTS).fill(-1);
  const popularity = new Float64Array(count);
  const quality = new Float64Array(count);
  const runtimeMinutes = new Int16Array(count);
  const episodes = new Int16Array(count);
  const releaseYear = new Int16Array(count);
  const names: string[] = [];
  const maturity: string[] = [];
  const descriptions: string[] = [];
  const tags: string[][] = [];
  const seenNames = new Map<string, number>();
  const appeal = new Float64Array(count);
  const shares = GENRES.map((g) => g.catalogShare);
  const genreIndices = GENRES.map((_, i) => i);

  for (let t = 0; t < count; t++) {
    const primary = rng.pickWeighted(genreIndices, shares);
    const vocab = GENRES[primary];
    const isSeries = rng.chance(vocab.seriesShare);
    type[t] = isSeries ? SERIES : MOVIE;
    genres[t * GENRE_SLOTS] = primary;
    // 0–2 secondary genres, distinct from the primary and each other.
    const extra = rng.pickWeighted([0, 1, 2], [0.35, 0.45, 0.2]);
    for (let k = 1; k <= extra; k++) {
      const g = rng.pickWeighted(genreIndices, shares);
      let dup = false;
      for (let j = 0; j < k; j++) if (genres[t * GENRE_SLOTS + j] === g) dup = true;
      if (!dup) genres[t * GENRE_SLOTS + k] = g;
    }
    compactGenres(genres, t);

    const age = Math.min(Math.floor(-Math.log(1 - rng.next()) * 9), 60);
    releaseYear[t] = endYear - age;
    // Appeal sets the popularity rank (below); recent titles get a boost on top.
    appeal[t] = rng.normal();
    popularity[t] = 0.5 + Math.exp(-age / 6);
    // Quality is mildly correlated with appeal: good titles spread by word of mouth.
    quality[t] = round(clamp(rng.beta(4, 3) + 0.04 * appeal[t], 0.02, 0.98), 4);

    if (isSeries) {
      const short = SHORT_EPISODE_GENRES.has(vocab.name);
      const minutes = short
        ? 24 + 4 * rng.normal()
        : vocab.name === 'Reality'
          ? 42 + 6 * rng.normal()
          : 50 + 8 * rng.normal();
      runtimeMinutes[t] = Math.round(clamp(minutes, 12, 75));
      const seasons = 1 + Math.min(rng.poisson(1.2), 6);
      episodes[t] = Math.min(seasons * (6 + rng.int(8)), 120);
    } else {
      runtimeMinutes[t] = Math.round(clamp(104 + 18 * rng.normal(), 72, 195));
      episodes[t] = 1;
    }

    names.push(uniqueName(makeName(rng, primary), seenNames, releaseYear[t]));
    const ratings = isSeries ? vocab.seriesMaturity : vocab.movieMaturity;
    maturity.push(
      rng.pickWeighted(
        ratings,
        ratings.map((_, i) => 1 / (1 + i)),
      ),
    );
    descriptions.push(makeDescription(rng, primary, isSeries));
    tags.push(makeTags(rng, genres, t));
  }

  // Zipf over appeal ranks: the head's share of views depends far less on the catalog size than
  // with lognormal weights, so genre exhaustion (and churn) differ less between world sizes.
  const ranked = Array.from({ length: count }, (_, t) => t).sort(
    (a, b) => appeal[b] - appeal[a] || a - b,
  );
  for (let r = 0; r < count; r++) popularity[ranked[r]] *= Math.pow(r + 1, -ZIPF_EXPONENT);

  const byGenre: AliasTable[] = [];
  const genreWeight = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const items: number[] = [];
    const weights: number[] = [];
    for (let t = 0; t < count; t++) {
      const m = membership(genres, t, g);
      if (m > 0) {
        items.push(t);
        weights.push(popularity[t] * m);
        genreWeight[g] += popularity[t] * m;
      }
    }
    // A tiny catalog may leave a genre empty: fall back to the first title (weight 0 for exhaustion).
    if (items.length === 0) {
      items.push(0);
      weights.push(1);
      genreWeight[g] = 0;
    }
    byGenre.push(buildAliasTable(items, weights));
  }
  const all = Array.from({ length: count }, (_, t) => t);
  const global = buildAliasTable(all, popularity);
  return {
    count,
    type,
    genres,
    popularity,
    quality,
    runtimeMinutes,
    episodes,
    releaseYear,
    names,
    maturity,
    descriptions,
    tags,
    byGenre,
    genreWeight,
    global,
  };
}

/** Membership weight of title t in genre g: 1 primary, SECONDARY_WEIGHT secondary, 0 otherwise. */
export function membership(genres: Int8Array, t: number, g: number): number {
  const base = t * GENRE_SLOTS;
  if (genres[base] === g) return 1;
  if (genres[base + 1] === g || genres[base + 2] === g) return SECONDARY_WEIGHT;
  return 0;
}

/** Genre names of title t, primary first (the `titles.genres` column). */
export function titleGenreIndices(catalog: Catalog, t: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < GENRE_SLOTS; k++) {
    const g = catalog.genres[t * GENRE_SLOTS + k];
    if (g >= 0) out.push(g);
  }
  return out;
}

function compactGenres(genres: Int8Array, t: number): void {
  const base = t * GENRE_SLOTS;
  if (genres[base + 1] < 0 && genres[base + 2] >= 0) {
    genres[base + 1] = genres[base + 2];
    genres[base + 2] = -1;
  }
}

function makeName(rng: Random, genre: number): string {
  const vocab = GENRES[genre];
  // Borrow words from a neighbouring genre now and then so names are not a genre giveaway.
  const other = GENRES[rng.int(GENRES.length)];
  const adj = rng.pick(rng.chance(0.8) ? vocab.adjectives : other.adjectives);
  const noun = rng.pick(rng.chance(0.8) ? vocab.nouns : other.nouns);
  const name = rng
    .pick(NAME_PATTERNS)
    .replace('{adj}', adj)
    .replace('{noun}', noun)
    .replace('{adj2}', rng.pick(SECOND_WORDS));
  return name.replace(/^A (?=[AEIOU])/, 'An ');
}

/** Repeated names become sequels ("… II"), then get the release year, as real catalogs do. */
function uniqueName(name: string, seen: Map<string, number>, year: number): string {
  const n = seen.get(name) ?? 0;
  seen.set(name, n + 1);
  if (n === 0) return name;
  if (n <= ROMAN.length) return `${name} ${ROMAN[n - 1]}`;
  return `${name} (${year}, ${n - ROMAN.length})`;
}

function makeDescription(rng: Random, genre: number, isSeries: boolean): string {
  const v = GENRES[genre];
  const adjective = rng.pick(v.adjectives).toLowerCase();
  const form = isSeries
    ? rng.pick(['series', 'saga', 'show'])
    : rng.pick(['film', 'feature', 'story']);
  const subject = rng.pick(v.subjects);
  return (
    `${/^[aeiou]/.test(adjective) ? 'An' : 'A'} ${adjective} ${v.name.toLowerCase()} ${form} ` +
    `in which ${subject} ${rng.pick(v.plots)} ` +
    `in ${rng.pick(v.settings)}. ${capitalise(rng.pick(v.tags))} and ${rng.pick(v.tags)}.`
  );
}

function makeTags(rng: Random, genres: Int8Array, t: number): string[] {
  const out = new Set<string>();
  const primary = GENRES[genres[t * GENRE_SLOTS]];
  const wanted = 2 + rng.int(3);
  for (let i = 0; i < wanted * 2 && out.size < wanted; i++) {
    const g = genres[t * GENRE_SLOTS + (rng.chance(0.7) ? 0 : 1)];
    out.add(rng.pick((g >= 0 ? GENRES[g] : primary).tags));
  }
  return [...out];
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
