/**
 * Churn-aware re-ranking. Low completion is the strongest observable churn driver in the synthetic
 * world (seeds/README: `low_completion_14d`), so for a user at risk the list should lean toward
 * titles they are likely to finish, not just likely to start.
 *
 * "Likely to finish" = the item's mean completion among users like this one (their nearest
 * neighbours in factor space, or their segment), shrunk toward the item's overall mean, which is in
 * turn shrunk toward the global mean: a title two neighbours finished is promising, not certain.
 *
 *   predicted_i = (Σ_nbrs c + a · item_i) / (n_i + a)
 *   item_i      = (Σ_all c + b · global) / (N_i + b)
 *
 * Re-ranking blends it in with a weight that grows with risk:
 * score' = (1 − γ) · score + γ · predicted_i
 * (γ = 0 / 0.25 / 0.5 for low / medium / high), over a deeper candidate pool than is shown so that
 * better finishers can move up into view.
 */
import type { HybridRecommender, Recommendation } from './hybrid-recommender';
import type { Interactions } from './interactions';
import type { UserContext } from './sources';
import { topK } from './top-k';

export type RiskLevel = 'low' | 'medium' | 'high';

/** γ per risk level. */
export const RISK_BLEND: Readonly<Record<RiskLevel, number>> = { low: 0, medium: 0.25, high: 0.5 };

/** γ of a risk level, or a γ given directly (clamped to [0, 1]). */
function riskWeight(risk: RiskLevel | number): number {
  return typeof risk === 'number' ? Math.min(1, Math.max(0, risk)) : RISK_BLEND[risk];
}

export interface PredictedCompletionOptions {
  /** a: pseudo-count of the item prior in the neighbour mean. */
  neighbourPrior: number;
  /** b: pseudo-count of the global mean in the item mean. */
  itemPrior: number;
}

export const PREDICTED_COMPLETION_DEFAULTS: PredictedCompletionOptions = {
  neighbourPrior: 3,
  itemPrior: 5,
};

/**
 * Predicted completion per item among `users` (null: everybody). Weights of the interactions are
 * read as completion. Shape: → [itemCount], values in [0, 1].
 */
export function predictedCompletion(
  x: Interactions,
  users: ArrayLike<number> | null,
  options: Partial<PredictedCompletionOptions> = {},
): Float64Array {
  const o = { ...PREDICTED_COMPLETION_DEFAULTS, ...options };
  const I = x.itemCount;
  const allSum = new Float64Array(I);
  const allN = new Float64Array(I);
  const nbrSum = new Float64Array(I);
  const nbrN = new Float64Array(I);
  const members = users === null ? null : new Set(Array.from(users));
  let total = 0;
  for (let r = 0; r < x.users.length; r++) {
    const item = x.items[r];
    const c = x.weights[r];
    allSum[item] += c;
    allN[item]++;
    total += c;
    if (members === null || members.has(x.users[r])) {
      nbrSum[item] += c;
      nbrN[item]++;
    }
  }
  const global = x.users.length > 0 ? total / x.users.length : 0.5;
  const out = new Float64Array(I);
  for (let i = 0; i < I; i++) {
    const itemMean = (allSum[i] + o.itemPrior * global) / (allN[i] + o.itemPrior);
    out[i] = (nbrSum[i] + o.neighbourPrior * itemMean) / (nbrN[i] + o.neighbourPrior);
  }
  return out;
}

/**
 * The k users whose factor vectors have the highest cosine with `vector` (e.g. a folded-in user).
 * Shapes: userFactors [users × d], vector [d] → [≤ k].
 */
export function nearestUsers(
  userFactors: Float32Array,
  d: number,
  vector: ArrayLike<number>,
  k: number,
  exclude = -1,
): Int32Array {
  const n = userFactors.length / d;
  let vn = 0;
  for (let x = 0; x < d; x++) vn += vector[x] * vector[x];
  vn = Math.sqrt(vn);
  const cos = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    let dot = 0;
    let un = 0;
    for (let x = 0; x < d; x++) {
      const v = userFactors[u * d + x];
      dot += v * vector[x];
      un += v * v;
    }
    cos[u] = u === exclude || un === 0 || vn === 0 ? NaN : dot / (Math.sqrt(un) * vn);
  }
  return topK(cos, k);
}

/** Users in a segment. Shape: segments [users] → [members]. */
export function segmentMembers(segments: ArrayLike<number>, segment: number): Int32Array {
  const out: number[] = [];
  for (let u = 0; u < segments.length; u++) if (segments[u] === segment) out.push(u);
  return Int32Array.from(out);
}

export interface RerankOptions {
  /** Items kept after re-ranking (default: all). */
  k?: number;
  /** Predicted completion from which an item gets the 'likely-to-finish' reason. */
  likelyThreshold: number;
}

/**
 * Re-ranks a list for a user's churn risk (a level or γ in [0, 1] directly). Items are returned
 * with blended scores, best first; ties keep the original order. Shape: predicted [itemCount].
 */
export function rerankForRetention(
  list: readonly Recommendation[],
  predicted: ArrayLike<number>,
  risk: RiskLevel | number,
  options: Partial<RerankOptions> = {},
): Recommendation[] {
  const { k = list.length, likelyThreshold = 0.7 } = options;
  const gamma = riskWeight(risk);
  const scored = list.map((r, rank) => ({
    r,
    rank,
    score: (1 - gamma) * r.score + gamma * predicted[r.item],
  }));
  scored.sort((a, b) => b.score - a.score || a.rank - b.rank);
  return scored.slice(0, k).map(({ r, score }) => {
    const p = predicted[r.item];
    if (gamma <= 0 || !(p >= likelyThreshold)) return { ...r, score };
    // Placed right after "continue watching": it is why the item moved.
    const reasons = [...r.reasons];
    const at = reasons[0]?.kind === 'continue-watching' ? 1 : 0;
    reasons.splice(at, 0, { kind: 'likely-to-finish', predictedCompletion: p });
    return { ...r, score, reasons };
  });
}

/**
 * Recommendations for a user at risk: the hybrid's top `pool` (default 3k) re-ranked toward
 * predicted completion, cut to k. Only the k kept are explained (reasons are the costly part of an
 * item); they are re-ranked among themselves exactly as the whole pool orders them.
 */
export function recommendForRetention(
  recommender: HybridRecommender,
  ctx: UserContext,
  predicted: ArrayLike<number>,
  risk: RiskLevel | number,
  k = 10,
  pool = 3 * k,
  among: ArrayLike<number> | null = null,
): Recommendation[] {
  const top = recommender.rank(ctx, pool, among);
  const gamma = riskWeight(risk);
  const kept = Array.from(top.items, (item, rank) => ({
    rank,
    score: (1 - gamma) * top.scores[rank] + gamma * predicted[item],
  }))
    .sort((a, b) => b.score - a.score || a.rank - b.rank)
    .slice(0, k)
    .sort((a, b) => a.rank - b.rank);
  const list = recommender.explainMany(
    top.blend,
    kept.map(({ rank }) => top.items[rank]),
  );
  return rerankForRetention(list, predicted, risk, { k });
}
