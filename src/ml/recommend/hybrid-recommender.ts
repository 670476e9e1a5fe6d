/**
 * The hybrid recommender: blends the named sources (sources.ts) with weights that follow the size
 * of the user's history (blend-weights.ts), applies the watch rules (eligibility.ts) and attaches
 * structured reasons to each item.
 *
 * Everything is derived from the request's full history: the collaborative vector is folded in
 * (fold-in.ts), the content profile and genre taste are recomputed, so the latest view changes the
 * next answer at once. Measured per request at 10,000 titles with 40 titles watched: 5.8 ms in all
 * (fold-in ≈ 0.2 ms, each source one pass over the catalog, top-k with a bounded heap, reasons
 * only for the k kept).
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
  type PreparedUser,
  type SourceInput,
  type UserContext,
} from './sources';
import { topK } from './top-k';

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

/** Blended scores of every item (NaN where not eligible) and what produced them. */
export interface BlendedScores {
  scores: Float64Array;
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

  /** Derives the per-request state from the full history. */
  prepare(ctx: UserContext): PreparedUser {
    const { parts } = this;
    const statuses = watchStatuses(ctx.history, parts.kinds, this.options.rules);
    const historyItems = [...statuses.entries()]
      .sort((a, b) => b[1].lastSeen - a[1].lastSeen || a[0] - b[0])
      .map(([item]) => item);
    const entries = ctx.history.map((h) => ({
      item: h.item,
      weight: h.completion,
      timestamp: h.timestamp,
    }));
    const halfLife = parts.content?.options.halfLifeDays ?? 30;
    return {
      ctx,
      historyItems,
      statuses,
      eligible: unstartedItems(parts.itemCount, statuses),
      folded: parts.collaborative?.foldIn().foldIn(entries) ?? null,
      profile: parts.content?.profile(entries, ctx.now) ?? null,
      taste: genreTaste(entries, parts.features, ctx.now, halfLife),
    };
  }

  /** Scores every item for the user. Shapes: → scores [itemCount]. */
  scoreAll(ctx: UserContext, prepared?: PreparedUser): BlendedScores {
    const user = prepared ?? this.prepare(ctx);
    const input: SourceInput = { parts: this.parts, user };
    const used = new Set(this.options.sources);
    const available = Object.fromEntries(
      SOURCE_CODES.map((c) => [c, used.has(c) && RECOMMENDATION_SOURCES[c].available(input)]),
    ) as Record<SourceCode, boolean>;
    const weights = blendWeights(user.historyItems.length, available, this.options.blend);
    const scores = new Float64Array(this.parts.itemCount);
    for (let i = 0; i < scores.length; i++) if (!user.eligible[i]) scores[i] = NaN;
    const perSource: Partial<Record<SourceCode, Float64Array>> = {};
    for (const code of SOURCE_CODES) {
      if (!available[code] || weights[code] <= 0) continue;
      const s = RECOMMENDATION_SOURCES[code].score(input);
      perSource[code] = s;
      const w = weights[code];
      for (let i = 0; i < scores.length; i++) if (user.eligible[i]) scores[i] += w * s[i];
    }
    return { scores, perSource, weights, user };
  }

  /**
   * Every available source's normalised scores, whatever its weight (the blend learner's input).
   * Shapes: → [itemCount] per source, NaN where not eligible.
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
   * 1 are ranked (scores stay those of the full catalog). Shape: among [itemCount].
   */
  recommend(ctx: UserContext, k = 10, among: ArrayLike<number> | null = null): RecommendationList {
    const blended = this.scoreAll(ctx);
    const items = Array.from(topK(blended.scores, k, among), (item) => this.explain(blended, item));
    return { items, weights: blended.weights, historySize: blended.user.historyItems.length };
  }

  /** Source, contributions and reasons of one item under a blend. */
  explain(blended: BlendedScores, item: number): Recommendation {
    const { user, perSource, weights } = blended;
    const input: SourceInput = { parts: this.parts, user };
    const contributions = Object.fromEntries(
      SOURCE_CODES.map((c) => [c, perSource[c] ? weights[c] * perSource[c]![item] : 0]),
    ) as Record<SourceCode, number>;
    const ranked = SOURCE_CODES.filter((c) => perSource[c] !== undefined).sort(
      (a, b) => contributions[b] - contributions[a],
    );
    const score = blended.scores[item];
    const reasons: RecommendationReason[] = [];
    ranked.forEach((code, rank) => {
      if (rank > 0 && !(contributions[code] >= this.options.reasonShare * score)) return;
      reasons.push(...RECOMMENDATION_SOURCES[code].reasons(input, item));
    });
    return {
      item,
      score,
      source: ranked[0] ?? 'popular-in-segment',
      contributions,
      reasons: dedupeReasons(reasons),
    };
  }
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
