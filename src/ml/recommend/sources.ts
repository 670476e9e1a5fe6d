/**
 * The recommendation sources as named strategies: each is a catalog entry with a code, a
 * description, whether it works for a user with no history (cold start), a scorer and the reasons
 * it gives. Each scores the user's candidates only (every eligible title, or a candidate pool,
 * candidate-pool.ts), min–max normalised to [0, 1] over them, so a blend adds like with like
 * whatever each model's raw scale (dot products,
 * cosines, completion sums). Popularity and trending are taken on a log scale first: raw counts are
 * so long-tailed that after min–max everything but the top few would sit at 0.
 */
import type { CandidatePool } from './candidate-pool';
import type { CollaborativeModel } from './collaborative-models';
import type { ContentModel } from './content-model';
import type { HistoryEvent, WatchStatus } from './eligibility';
import type { FoldedUser } from './fold-in';
import type { GenreMixtureModel } from './genre-mixture';
import { topGenreFor } from './genre-taste';
import type { ItemFeatures } from './item-features';
import type { PopularityIndex } from './popularity';
import type { RecommendationReason, SourceCode } from './reasons';

/** What the hybrid knows about the catalog and the models behind the sources. */
export interface HybridParts {
  itemCount: number;
  /** MOVIE (0) or SERIES (1) per item; omitted = all movies. Shape: [itemCount] */
  kinds?: Uint8Array | null;
  /** Genres (and tags) per item, for "matches your taste". */
  features: ItemFeatures;
  collaborative?: CollaborativeModel | null;
  content?: ContentModel | null;
  /** How viewers choose among genres and titles (genre-mixture.ts); null without genres. */
  genreMixture?: GenreMixtureModel | null;
  popularity: PopularityIndex;
  /** When set, each request scores its pool instead of the whole catalog. */
  pool?: CandidatePool | null;
}

/** One request's user: everything the recommender derives from the full history, at `now`. */
export interface UserContext {
  /** The user's FULL history, latest events included. */
  history: readonly HistoryEvent[];
  /** Epoch seconds of the request. */
  now: number;
  /** Behaviour segment (e.g. k-means), if known. */
  segment?: number;
  /** What `HybridRecommender.deriveHistory` made of this same history, when the caller kept it. */
  derived?: DerivedHistory;
}

/** The part of the per-request state that the history alone determines (see deriveHistory). */
export interface DerivedHistory {
  /** The parts it was derived with: another recommender's derivation is not reused. */
  parts: HybridParts;
  historyItems: number[];
  statuses: ReadonlyMap<number, WatchStatus>;
  folded: FoldedUser | null;
  profile: Float64Array | null;
  taste: Float64Array;
  /** The pool's candidates per segment (−1: none), filled as requests need them. */
  pooled: Map<number, Int32Array>;
  /** The costlier sources' scores of a pool, by `code:segment`, filled as requests need them. */
  poolScores: Map<string, Float64Array>;
}

/** The per-request state the sources share (computed once by the recommender). */
export interface PreparedUser {
  ctx: UserContext;
  /** Distinct watched items, most recent first. */
  historyItems: number[];
  statuses: ReadonlyMap<number, WatchStatus>;
  /** The eligible items the sources score, ascending. Shape: [m] */
  candidates: Int32Array;
  /** Fold-in from the full history; null without a collaborative model or history. */
  folded: FoldedUser | null;
  /** Content profile; null without a content model or weighted history. */
  profile: Float64Array | null;
  /** Taste per genre (genre-taste.ts). Shape: [genreCount] */
  taste: Float64Array;
  /** What the history determines, which the fields above come from. */
  derived: DerivedHistory;
}

export interface SourceInput {
  parts: HybridParts;
  user: PreparedUser;
}

export interface RecommendationSource {
  code: SourceCode;
  description: string;
  /** Scores a user with no history at all. */
  coldStart: boolean;
  /** Whether it can score this user now. */
  available(input: SourceInput): boolean;
  /** Normalised scores in [0, 1] of the user's candidates. Shape: [candidates] */
  score(input: SourceInput): Float64Array;
  /** Why this source likes `item` for this user (may be empty). */
  reasons(input: SourceInput, item: number): RecommendationReason[];
  /** The same for several items at once, when the source has a cheaper way than one by one. */
  reasonsMany?(input: SourceInput, items: readonly number[]): RecommendationReason[][];
}

/** Min–max to [0, 1] over eligible items, in place; NaN on the others; all 0 if flat. */
export function normaliseScores(scores: Float64Array, eligible: Uint8Array): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    if (!eligible[i]) continue;
    const s = scores[i];
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const span = max - min;
  for (let i = 0; i < scores.length; i++) {
    if (!eligible[i]) scores[i] = NaN;
    else scores[i] = span > 0 ? (scores[i] - min) / span : 0;
  }
  return scores;
}

/** Min–max to [0, 1] in place over every entry; all 0 if flat. */
export function normaliseInPlace(scores: Float64Array): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const span = max - min;
  for (let i = 0; i < scores.length; i++) scores[i] = span > 0 ? (scores[i] - min) / span : 0;
  return scores;
}

/**
 * log1p of a popularity table, computed once per table (a table lives as long as its popularity
 * index): raw counts are so long-tailed that after min–max all but the top few would sit at 0.
 */
const logScaled = new WeakMap<Float64Array, Float64Array>();

/** log1p of a popularity table at the candidates. Shapes: values [itemCount], items [m] → [m]. */
function logScaleAt(values: Float64Array, items: Int32Array): Float64Array {
  let scaled = logScaled.get(values);
  if (!scaled) {
    scaled = values.map((v) => Math.log1p(Math.max(0, v)));
    logScaled.set(values, scaled);
  }
  const out = new Float64Array(items.length);
  for (let j = 0; j < items.length; j++) out[j] = scaled[items[j]];
  return out;
}

/** user · v_i + b_i for the candidates. Shapes: vector [d], items [m] → [m]. */
function dotAt(
  model: CollaborativeModel,
  vector: ArrayLike<number>,
  items: Int32Array,
): Float64Array {
  const { d, itemFactors, itemBias } = model;
  const out = new Float64Array(items.length);
  for (let j = 0; j < items.length; j++) {
    const base = items[j] * d;
    let s = itemBias === null ? 0 : itemBias[items[j]];
    for (let k = 0; k < d; k++) s += vector[k] * itemFactors[base + k];
    out[j] = s;
  }
  return out;
}

const collaborative: RecommendationSource = {
  code: 'collaborative',
  description:
    'Implicit-feedback factorisation (implicit ALS or BPR, chosen on validation); the user vector is folded in from the full history on every request.',
  coldStart: false,
  available: ({ parts, user }) => parts.collaborative != null && user.folded !== null,
  score: ({ parts, user }) =>
    normaliseInPlace(dotAt(parts.collaborative!, user.folded!.vector, user.candidates)),
  reasons: (input, item) => collaborativeReasons(input, [item])[0],
  reasonsMany: collaborativeReasons,
};

/**
 * "Because you watched" from the split of each item's score over the history (fold-in.ts): the
 * history item contributing most, with its share of the positive contributions. The items are
 * attributed together, in one pass over the history's vectors.
 */
function collaborativeReasons(
  { parts, user }: SourceInput,
  items: readonly number[],
): RecommendationReason[][] {
  const folded = user.folded!;
  const contrib = parts.collaborative!.foldIn().contributionsMany(folded, items);
  const h = folded.items.length;
  return items.map((item, j) => {
    const row = j * h;
    let best = -1;
    let total = 0;
    for (let k = 0; k < h; k++) {
      const c = contrib[row + k];
      if (folded.items[k] === item || !(c > 0)) continue;
      total += c;
      if (best < 0 || c > contrib[row + best]) best = k;
    }
    if (best < 0) return [];
    return [
      {
        kind: 'because-you-watched',
        item: folded.items[best],
        source: 'collaborative',
        strength: contrib[row + best] / total,
      },
    ];
  });
}

const content: RecommendationSource = {
  code: 'content',
  description:
    'TF-IDF over genres, tags and description words; cosine with a completion- and recency-weighted profile of what the user watched.',
  coldStart: false,
  available: ({ parts, user }) => parts.content != null && user.profile !== null,
  score: ({ parts, user }) =>
    normaliseInPlace(parts.content!.scoreItems(user.profile!, user.candidates)),
  reasons: (input, item) => contentReasons(input, [item])[0],
  reasonsMany: contentReasons,
};

/**
 * The watched (not dropped) title most like each item, and the user's favourite of its genres. What
 * the history alone gives (the titles compared against, the taste's total) is taken once per list.
 */
function contentReasons(
  { parts, user }: SourceInput,
  items: readonly number[],
): RecommendationReason[][] {
  const watched = user.historyItems.filter((h) => user.statuses.get(h)?.state !== 'dropped');
  const total = user.taste.reduce((a, b) => a + b, 0);
  return items.map((item) => {
    const out: RecommendationReason[] = [];
    const closest = parts.content!.closestInHistory(item, watched);
    if (closest !== null) {
      out.push({
        kind: 'because-you-watched',
        item: closest.item,
        source: 'content',
        strength: closest.cosine,
      });
    }
    const genre = topGenreFor(user.taste, parts.features, item);
    if (genre !== null) {
      out.push({
        kind: 'matches-taste',
        genre,
        strength: total > 0 ? user.taste[genre] / total : 0,
      });
    }
    return out;
  });
}

/**
 * The user's taste under the genre mixture, kept with what the history determines (one per
 * derivation: a few EM rounds over the history).
 */
const mixtureTastes = new WeakMap<DerivedHistory, Float64Array>();

function mixtureTaste(parts: HybridParts, user: PreparedUser): Float64Array {
  let taste = mixtureTastes.get(user.derived);
  if (!taste) {
    const { history } = user.ctx;
    taste = parts.genreMixture!.taste(
      history.map((e) => e.item),
      history.map((e) => e.completion),
    );
    mixtureTastes.set(user.derived, taste);
  }
  return taste;
}

const genreMixture: RecommendationSource = {
  code: 'genre-mixture',
  description:
    "How subscribers choose: a genre from the user's taste (EM over their titles, the audience's taste as prior), then a title of it by its appeal (viewers corrected for how liked its genres are); scored on a log scale.",
  // With no history its taste is the audience's: corrected popularity, which the popularity
  // sources already give a new user without claiming a taste.
  coldStart: false,
  available: ({ parts, user }) => parts.genreMixture != null && user.historyItems.length > 0,
  score: ({ parts, user }) => {
    const p = parts.genreMixture!.scoreItems(mixtureTaste(parts, user), user.candidates);
    // Log scale: appeal is long-tailed, and a weighted sum of log-probabilities blends as a product.
    for (let j = 0; j < p.length; j++) p[j] = Math.log(p[j] > 0 ? p[j] : Number.MIN_VALUE);
    return normaliseInPlace(p);
  },
  reasons: ({ parts, user }, item) => {
    const model = parts.genreMixture!;
    const taste = mixtureTaste(parts, user);
    const genre = model.strongestGenre(taste, item);
    if (genre === null) return [];
    return [{ kind: 'matches-taste', genre: genre.genre, strength: genre.share }];
  },
};

const popularInSegment: RecommendationSource = {
  code: 'popular-in-segment',
  description:
    "Completion-weighted popularity among the user's segment (global popularity when the segment is unknown).",
  coldStart: true,
  available: () => true,
  score: ({ parts, user }) =>
    normaliseInPlace(logScaleAt(parts.popularity.segmentScores(user.ctx.segment), user.candidates)),
  reasons: ({ parts, user }) => {
    const s = user.ctx.segment;
    const known = s !== undefined && s >= 0 && s < parts.popularity.bySegment.length;
    return [{ kind: 'popular-in-segment', segment: known ? s : null }];
  },
};

const trending: RecommendationSource = {
  code: 'trending',
  description:
    'Completion-weighted views with a short half-life (default 3 days): what is picking up now.',
  coldStart: true,
  available: () => true,
  score: ({ parts, user }) =>
    normaliseInPlace(logScaleAt(parts.popularity.trending, user.candidates)),
  reasons: () => [{ kind: 'trending' }],
};

/** Every source, by code. */
export const RECOMMENDATION_SOURCES: Readonly<Record<SourceCode, RecommendationSource>> = {
  collaborative,
  content,
  'genre-mixture': genreMixture,
  'popular-in-segment': popularInSegment,
  trending,
};
