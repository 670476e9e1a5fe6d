/**
 * The hybrid recommender: blends the named sources (sources.ts) with weights that follow the size
 * of the user's history (blend-weights.ts), applies the watch rules (eligibility.ts) and attaches
 * structured reasons to each item.
 *
 * Everything is derived from the request's full history: the collaborative vector is folded in
 * (fold-in.ts), the content profile and genre taste are computed, so the latest view changes the
 * next answer at once. A caller may keep that derivation (`deriveHistory`, with the pool and its
 * costlier scores) while the history is unchanged and pass it back in the context. With a candidate
 * pool (candidate-pool.ts) the sources score a few hundred titles instead of the catalog; top-k
 * uses a bounded heap and reasons are built for the k kept.
 */
import { BLEND_DEFAULTS, SOURCE_CODES, blendWeights, type BlendOptions } from './blend-weights';
import {
  ELIGIBILITY_DEFAULTS,
  inProgressTitles,
  unstartedItems,
  watchStatuses,
  type EligibilityRules,
  type InProgressTitle,
} from './eligibility';
import { genreTaste } from './genre-taste';
import type { RecommendationReason, SourceCode } from './reasons';
import {
  RECOMMENDATION_SOURCES,
  type HybridParts,
  type DerivedHistory,
  type PreparedUser,
  type SourceInput,
  type UserContext,
} from './sources';
import { topK } from './top-k';

/** Sources whose pool scores are kept with the derived history (see sourceScore). */
const KEPT_SCORES: ReadonlySet<SourceCode> = new Set<SourceCode>(['collaborative', 'content']);

export interface HybridOptions {
  blend: BlendOptions;
  rules: EligibilityRules;
  /** Sources in use (default all four). */
  sources: readonly SourceCode[];
  /** A source's reasons are listed when it gives at least this share of an item's score. */
  reasonShare: number;
}

export const HYBRID_DEFAULTS: HybridOptions = {
  blend: BLEND_DEFAULTS,
  rules: ELIGIBILITY_DEFAULTS,
  sources: SOURCE_CODES,
  reasonShare: 0.15,
};

export interface Recommendation {
  item: number;
  /** Blended score in [0, 1]. */
  score: number;
  /** The source contributing most to the score. */
  source: SourceCode;
  /** w_s × normalised score of each source. */
  contributions: Record<SourceCode, number>;
  /** Most important first. */
  reasons: RecommendationReason[];
}

export interface RecommendationList {
  items: Recommendation[];
  /** Blend weights used for this user. */
  weights: Record<SourceCode, number>;
  /** Distinct titles in the history. */
  historySize: number;
}

/** Blended scores of every item (NaN where not a candidate) and what produced them. */
export interface BlendedScores {
  /** Shape: [itemCount] */
  scores: Float64Array;
  /** The same for the candidates only (user.candidates order). Shape: [candidates] */
  blended: Float64Array;
  /** Each source's normalised scores of the candidates (user.candidates order). */
  perSource: Partial<Record<SourceCode, Float64Array>>;
  weights: Record<SourceCode, number>;
  user: PreparedUser;
}

export class HybridRecommender {
  readonly options: HybridOptions;

  constructor(
    readonly parts: HybridParts,
    options: Partial<HybridOptions> = {},
  ) {
    this.options = { ...HYBRID_DEFAULTS, ...options };
  }

  /**
   * What the full history alone determines (statuses, fold-in, content profile, genre taste): the
   * costly part of a request, which a caller may keep while the user's history is unchanged and pass
   * back as `ctx.derived`. `now` enters only through the recency decay, which is exponential, so a
   * later `now` scales every weight alike: the l2-normalised profile and the taste's ratios (all the
   * sources and reasons read) stay the same.
   */
  deriveHistory(history: UserContext['history'], now: number): DerivedHistory {
    const { parts } = this;
    const statuses = watchStatuses(history, parts.kinds, this.options.rules);
    const historyItems = [...statuses.entries()]
      .sort((a, b) => b[1].lastSeen - a[1].lastSeen || a[0] - b[0])
      .map(([item]) => item);
    const entries = history.map((h) => ({
      item: h.item,
      weight: h.completion,
      timestamp: h.timestamp,
    }));
    const halfLife = parts.content?.options.halfLifeDays ?? 30;
    return {
      parts,
      historyItems,
      statuses,
      folded: parts.collaborative?.foldIn().foldIn(entries) ?? null,
      profile: parts.content?.profile(entries, now) ?? null,
      taste: genreTaste(entries, parts.features, now, halfLife),
      pooled: new Map(),
      poolScores: new Map(),
    };
  }

  /**
   * Derives the per-request state from the full history (or `ctx.derived`, when it was derived
   * with these parts). The candidates are the pool's (parts.pool) plus the unstarted items `among`
   * names, or every unstarted item without a pool. Shape: among [itemCount].
   */
  prepare(ctx: UserContext, among: ArrayLike<number> | null = null): PreparedUser {
    const { parts } = this;
    const derived =
      ctx.derived?.parts === parts ? ctx.derived : this.deriveHistory(ctx.history, ctx.now);
    const { historyItems, statuses } = derived;
    return {
      ctx,
      historyItems,
      statuses,
      candidates: candidatesOf(parts, derived, ctx.segment, among),
      folded: derived.folded,
      profile: derived.profile,
      taste: derived.taste,
      derived,
    };
  }

  /** Scores the user's candidates (NaN elsewhere). Shapes: → scores [itemCount]. */
  scoreAll(ctx: UserContext, prepared?: PreparedUser): BlendedScores {
    const { blended, perSource, weights, user } = this.blend(prepared ?? this.prepare(ctx));
    const scores = new Float64Array(this.parts.itemCount).fill(NaN);
    for (let j = 0; j < user.candidates.length; j++) scores[user.candidates[j]] = blended[j];
    return { scores, blended, perSource, weights, user };
  }

  /** The blend of the candidates. Shapes: → blended [candidates]. */
  private blend(user: PreparedUser): Omit<BlendedScores, 'scores'> {
    const input: SourceInput = { parts: this.parts, user };
    const used = new Set(this.options.sources);
    const available = Object.fromEntries(
      SOURCE_CODES.map((c) => [c, used.has(c) && RECOMMENDATION_SOURCES[c].available(input)]),
    ) as Record<SourceCode, boolean>;
    const weights = blendWeights(user.historyItems.length, available, this.options.blend);
    const { candidates } = user;
    const blended = new Float64Array(candidates.length);
    const perSource: Partial<Record<SourceCode, Float64Array>> = {};
    for (const code of SOURCE_CODES) {
      if (!available[code] || weights[code] <= 0) continue;
      const s = this.sourceScore(code, input);
      perSource[code] = s;
      const w = weights[code];
      for (let j = 0; j < s.length; j++) blended[j] += w * s[j];
    }
    return { blended, perSource, weights, user };
  }

  /**
   * A source's normalised scores of the candidates. The collaborative and content scores of the
   * user's pool (the costly ones: a dot product and a sparse cosine per candidate) are kept with the
   * derived history, which they follow from. Shape: → [candidates].
   */
  private sourceScore(code: SourceCode, input: SourceInput): Float64Array {
    const { user } = input;
    const segment = user.ctx.segment ?? -1;
    const keep = KEPT_SCORES.has(code) && user.candidates === user.derived.pooled.get(segment);
    if (!keep) return RECOMMENDATION_SOURCES[code].score(input);
    const key = `${code}:${segment}`;
    let scores = user.derived.poolScores.get(key);
    if (scores === undefined) {
      scores = RECOMMENDATION_SOURCES[code].score(input);
      user.derived.poolScores.set(key, scores);
    }
    return scores;
  }

  /**
   * Every available source's normalised scores of the candidates, whatever its weight (the blend
   * learner's input). Shapes: → [candidates] per source.
   */
  sourceScores(ctx: UserContext): {
    perSource: Partial<Record<SourceCode, Float64Array>>;
    user: PreparedUser;
  } {
    const user = this.prepare(ctx);
    const input: SourceInput = { parts: this.parts, user };
    const perSource: Partial<Record<SourceCode, Float64Array>> = {};
    for (const code of this.options.sources) {
      if (RECOMMENDATION_SOURCES[code].available(input))
        perSource[code] = RECOMMENDATION_SOURCES[code].score(input);
    }
    return { perSource, user };
  }

  /** Started, unfinished titles, most recently watched first: the "Continue watching" row. */
  continueWatching(ctx: UserContext, k = 10): InProgressTitle[] {
    return inProgressTitles(watchStatuses(ctx.history, this.parts.kinds, this.options.rules)).slice(
      0,
      k,
    );
  }

  /**
   * The top k unstarted items with their sources and reasons; with `among`, only items where it is
   * 1 are ranked. Shape: among [itemCount].
   */
  recommend(ctx: UserContext, k = 10, among: ArrayLike<number> | null = null): RecommendationList {
    const top = this.rank(ctx, k, among);
    const items = this.explainMany(top.blend, top.items);
    return { items, weights: top.blend.weights, historySize: top.blend.user.historyItems.length };
  }

  /**
   * The top k unstarted items and their blended scores, best first, not yet explained (`explain`
   * gives the why of the ones a caller keeps). Shapes: among [itemCount] → items, scores [≤ k].
   */
  rank(
    ctx: UserContext,
    k: number,
    among: ArrayLike<number> | null = null,
  ): { blend: Omit<BlendedScores, 'scores'>; items: Int32Array; scores: Float64Array } {
    const blend = this.blend(this.prepare(ctx, among));
    const { candidates } = blend.user;
    const allowed = among === null ? null : Uint8Array.from(candidates, (i) => among[i]);
    // Candidates are ascending, so ties still go to the lower item.
    const top = topK(blend.blended, k, allowed);
    return {
      blend,
      items: top.map((j) => candidates[j]),
      scores: Float64Array.from(top, (j) => blend.blended[j]),
    };
  }

  /** Source, contributions and reasons of one candidate under a blend. */
  explain(blended: Omit<BlendedScores, 'scores'>, item: number): Recommendation {
    return this.explainMany(blended, [item])[0];
  }

  /**
   * `explain` for several candidates (a shown list): each source that gives reasons for several of
   * them explains them together (the collaborative split reads the history's vectors once for all).
   */
  explainMany(blended: Omit<BlendedScores, 'scores'>, items: ArrayLike<number>): Recommendation[] {
    const { user, perSource, weights } = blended;
    const input: SourceInput = { parts: this.parts, user };
    const scored = SOURCE_CODES.filter((c) => perSource[c] !== undefined);
    const share = this.options.reasonShare;
    // Plain loops: this runs for every shown item of every request.
    const plans = Array.from(items, (item) => {
      const at = binarySearch(user.candidates, item);
      const contributions = {} as Record<SourceCode, number>;
      for (const c of SOURCE_CODES) {
        const s = perSource[c];
        contributions[c] = s && at >= 0 ? weights[c] * s[at] : 0;
      }
      // Most contributing first, ties in catalogue order (a stable insertion sort of four codes).
      const ranked = scored.slice();
      for (let a = 1; a < ranked.length; a++) {
        const code = ranked[a];
        let b = a - 1;
        for (; b >= 0 && contributions[code] - contributions[ranked[b]] > 0; b--) {
          ranked[b + 1] = ranked[b];
        }
        ranked[b + 1] = code;
      }
      const score = at >= 0 ? blended.blended[at] : NaN;
      // The sources whose reasons are listed, most contributing first.
      const listed: SourceCode[] = [];
      for (let rank = 0; rank < ranked.length; rank++) {
        const code = ranked[rank];
        if (rank === 0 || contributions[code] >= share * score) listed.push(code);
      }
      return { item, contributions, ranked, score, listed };
    });
    const reasonsOf = new Map<SourceCode, RecommendationReason[][]>();
    for (const code of SOURCE_CODES) {
      const source = RECOMMENDATION_SOURCES[code];
      const asked = plans.filter((p) => p.listed.includes(code)).map((p) => p.item);
      if (asked.length === 0) continue;
      reasonsOf.set(
        code,
        source.reasonsMany
          ? source.reasonsMany(input, asked)
          : asked.map((item) => source.reasons(input, item)),
      );
    }
    const next = new Map<SourceCode, number>();
    return plans.map(({ item, contributions, ranked, score, listed }) => {
      const reasons: RecommendationReason[] = [];
      for (const code of listed) {
        const at = next.get(code) ?? 0;
        next.set(code, at + 1);
        reasons.push(...reasonsOf.get(code)![at]);
      }
      return {
        item,
        score,
        source: ranked[0] ?? 'popular-in-segment',
        contributions,
        reasons: dedupeReasons(reasons),
      };
    });
  }
}

/**
 * Which unstarted items a request scores (ascending). The catalogue-wide mask of unstarted items is
 * built only when needed: not for a held user's pool (it would be 10,000 bytes per request).
 */
function candidatesOf(
  parts: HybridParts,
  derived: DerivedHistory,
  segment: number | undefined,
  among: ArrayLike<number> | null,
): Int32Array {
  const unstarted = () => unstartedItems(parts.itemCount, derived.statuses);
  if (!parts.pool) {
    const eligible = unstarted();
    const out: number[] = [];
    for (let i = 0; i < eligible.length; i++) if (eligible[i]) out.push(i);
    return Int32Array.from(out);
  }
  // The pool depends only on the history and the segment: kept with the derived history.
  let pooled = derived.pooled.get(segment ?? -1);
  if (pooled === undefined) {
    pooled = parts.pool.candidates(derived.historyItems, segment, unstarted());
    derived.pooled.set(segment ?? -1, pooled);
  }
  if (among === null) return pooled;
  // The pool plus the named titles: they are scored (and normalised) as the full list would be.
  const eligible = unstarted();
  const set = new Set(pooled);
  for (let i = 0; i < eligible.length; i++) if (among[i] && eligible[i]) set.add(i);
  return Int32Array.from(set).sort();
}

/** Index of `x` in an ascending array, or −1. */
function binarySearch(sorted: Int32Array, x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === x) return mid;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Keeps the first reason per (kind, referenced item or genre). */
function dedupeReasons(reasons: RecommendationReason[]): RecommendationReason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const ref = 'item' in r ? r.item : 'genre' in r ? r.genre : '';
    const key = `${r.kind}:${ref}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
