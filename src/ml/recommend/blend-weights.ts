/**
 * How much each source counts for one user, shifting with the size of their history:
 *
 *   w_collaborative = base_c · n / (n + rampCollaborative)
 *   w_content       = base_t · n / (n + rampContent)
 *   w_genre-mixture = base_g · n / (n + rampContent)
 *   the rest goes to popular-in-segment and trending in the ratio of their bases.
 *
 * n is the number of distinct titles watched. With rampContent < rampCollaborative, content takes
 * over first (three titles already say which genres a user likes, while a factor vector from three
 * titles is mostly prior), and a brand-new user (n = 0) gets popularity and trending only. A source
 * that cannot score this user (no model, no profile) gets 0 and its share goes to the rest.
 *
 * With a `learned` blend (blend-learning.ts, fitted by `churn train-recs`) the weights of the user's
 * history bucket replace the ramps; unavailable sources are dropped and the rest renormalised.
 */
import type { LearnedBlend } from './blend-learning';
import type { SourceCode } from './reasons';
import { RECOMMENDATION_SOURCES } from './sources';

export interface BlendOptions {
  /** Weights at a long history; they should sum to 1. */
  base: Record<SourceCode, number>;
  /** History size at which collaborative gets half its base weight. */
  rampCollaborative: number;
  /** History size at which content and the genre mixture get half their base weight. */
  rampContent: number;
  /** Weights learned per history bucket; when set they replace the ramps above. */
  learned?: LearnedBlend | null;
}

export const BLEND_DEFAULTS: BlendOptions = {
  // The genre mixture enters through the learned blend (train-recs); these ramps are the fallback.
  base: {
    collaborative: 0.6,
    content: 0.2,
    'genre-mixture': 0,
    'popular-in-segment': 0.12,
    trending: 0.08,
  },
  rampCollaborative: 8,
  rampContent: 2,
};

export const SOURCE_CODES: readonly SourceCode[] = [
  'collaborative',
  'content',
  'genre-mixture',
  'popular-in-segment',
  'trending',
];

/** Weights per source for a history of n titles; they sum to 1 over the available sources. */
export function blendWeights(
  n: number,
  available: Readonly<Record<SourceCode, boolean>>,
  options: BlendOptions = BLEND_DEFAULTS,
): Record<SourceCode, number> {
  if (options.learned) {
    const learned = learnedWeights(n, available, options.learned);
    if (learned !== null) return learned;
  }
  const { base } = options;
  const ramp = (x: number, half: number): number => (x <= 0 ? 0 : half <= 0 ? 1 : x / (x + half));
  const w: Record<SourceCode, number> = {
    collaborative: available.collaborative
      ? base.collaborative * ramp(n, options.rampCollaborative)
      : 0,
    content: available.content ? base.content * ramp(n, options.rampContent) : 0,
    'genre-mixture': available['genre-mixture']
      ? (base['genre-mixture'] ?? 0) * ramp(n, options.rampContent)
      : 0,
    'popular-in-segment': 0,
    trending: 0,
  };
  const rest = 1 - w.collaborative - w.content - w['genre-mixture'];
  const popBase = available['popular-in-segment'] ? base['popular-in-segment'] : 0;
  const trendBase = available.trending ? base.trending : 0;
  if (popBase + trendBase > 0) {
    w['popular-in-segment'] = (rest * popBase) / (popBase + trendBase);
    w.trending = (rest * trendBase) / (popBase + trendBase);
  } else {
    // No popularity source: renormalise what there is.
    const sum = w.collaborative + w.content + w['genre-mixture'];
    if (sum > 0) {
      w.collaborative /= sum;
      w.content /= sum;
      w['genre-mixture'] /= sum;
    }
  }
  // Only sources without a base weight can score (e.g. one asked for alone): they share it all.
  if (!(SOURCE_CODES.reduce((a, c) => a + w[c], 0) > 0)) {
    const on = SOURCE_CODES.filter(
      (c) => available[c] && (n > 0 || RECOMMENDATION_SOURCES[c].coldStart),
    );
    for (const c of on) w[c] = 1 / on.length;
  }
  return w;
}

/** The learned weights of n's bucket over the available sources, or null if none is left. */
function learnedWeights(
  n: number,
  available: Readonly<Record<SourceCode, boolean>>,
  learned: LearnedBlend,
): Record<SourceCode, number> | null {
  const bucket = learned.buckets.find((b) => n <= b.maxHistory) ?? learned.buckets.at(-1);
  if (!bucket) return null;
  const w = { ...bucket.weights };
  let sum = 0;
  for (const c of SOURCE_CODES) {
    // A blend learned before a source existed gives it nothing.
    w[c] ??= 0;
    if (!available[c] || (n === 0 && !RECOMMENDATION_SOURCES[c].coldStart)) w[c] = 0;
    sum += w[c];
  }
  if (!(sum > 0)) return null;
  for (const c of SOURCE_CODES) w[c] /= sum;
  return w;
}
