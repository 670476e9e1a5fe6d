/**
 * Runs a named model through an offline protocol and returns every metric. Models are catalog
 * entries (code, description, fit) so a benchmark or the CLI can list and pick them by name; each
 * fit sees only the protocol's train interactions.
 *
 * Ranking rules: protocol (a) ranks every item the user has no train interaction with, ties broken
 * by item index (deterministic); protocol (b) ranks the test item among its sampled negatives,
 * a tied negative counting as above it (no credit for luck). A model that cannot score an item
 * (NaN) ranks it last. Diversity uses content cosines when titles are given, else genre/tag
 * overlap cosines.
 */
import { BprFactorization, type BprOptions } from './bpr-factorization';
import { ContentModel, type ContentOptions, type TitleText } from './content-model';
import {
  catalogCoverage,
  hitRateAtK,
  intraListDiversity,
  meanDefined,
  ndcgAtK,
  novelty,
  precisionAtK,
  recallAtK,
  averagePrecisionAtK,
} from './evaluate-metrics';
import type { EvaluationProtocol, LeaveLatestOut, RandomSplit } from './evaluate-protocols';
import { HybridRecommender, type HybridOptions } from './hybrid-recommender';
import { indexByUser, type Interactions } from './interactions';
import { ItemKnn, type ItemKnnOptions } from './item-knn';
import { noItemFeatures, type ItemFeatures } from './item-features';
import { PopularityIndex } from './popularity';
import type { UserContext } from './sources';
import { TopPop } from './top-pop';
import { rankAll } from './top-k';

/** What a model may know besides the interactions. */
export interface EvaluationSide {
  /** Genres and tags per item (BPR features, diversity). */
  features?: ItemFeatures | null;
  /** Text per item (content model). */
  titles?: readonly TitleText[] | null;
  /** MOVIE / SERIES per item. */
  kinds?: Uint8Array | null;
  segments?: ArrayLike<number> | null;
  segmentCount?: number;
}

export interface ModelEvaluationOptions {
  /** Cut-off of every @k metric. */
  k: number;
  seed: number;
  bpr: Partial<BprOptions>;
  knn: Partial<ItemKnnOptions>;
  content: Partial<ContentOptions>;
  hybrid: Partial<HybridOptions>;
}

export const MODEL_EVALUATION_DEFAULTS: ModelEvaluationOptions = {
  k: 10,
  seed: 0,
  bpr: {},
  knn: {},
  content: {},
  hybrid: {},
};

/** Scores of every item for one training user. */
export interface UserScorer {
  scoreUser(user: number, out: Float64Array): Float64Array;
}

export type EvaluationModelCode =
  'top-pop' | 'item-knn' | 'collaborative' | 'collaborative-fold-in' | 'content' | 'hybrid';

export interface EvaluationModel {
  code: EvaluationModelCode;
  description: string;
  fit(
    train: Interactions,
    side: EvaluationSide,
    options: ModelEvaluationOptions,
  ): Promise<UserScorer>;
}

/** Each user's train history as request events, and the train data's latest timestamp. */
function trainHistories(train: Interactions): { contexts: UserContext['history'][]; now: number } {
  const index = indexByUser(train);
  let now = -Infinity;
  for (const t of train.timestamps) now = Math.max(now, t);
  const contexts = Array.from({ length: train.userCount }, (_, u) =>
    Array.from(index.rows.subarray(index.offsets[u], index.offsets[u + 1]), (r) => ({
      item: train.items[r],
      completion: train.weights[r],
      timestamp: train.timestamps[r],
    })),
  );
  return { contexts, now };
}

function fitContent(side: EvaluationSide, o: ModelEvaluationOptions): ContentModel {
  if (!side.titles) throw new Error('the content model needs side.titles');
  return ContentModel.fit(side.titles, o.content);
}

function hybridScorer(
  train: Interactions,
  side: EvaluationSide,
  parts: { bpr: BprFactorization | null; content: ContentModel | null },
  o: ModelEvaluationOptions,
  sources?: HybridOptions['sources'],
): UserScorer {
  const { contexts, now } = trainHistories(train);
  const recommender = new HybridRecommender(
    {
      itemCount: train.itemCount,
      kinds: side.kinds ?? null,
      features: side.features ?? noItemFeatures(train.itemCount),
      collaborative: parts.bpr,
      content: parts.content,
      popularity: PopularityIndex.build(train, {
        asOf: now,
        segments: side.segments ?? undefined,
        segmentCount: side.segmentCount,
      }),
    },
    { ...o.hybrid, ...(sources ? { sources } : {}) },
  );
  return {
    scoreUser: (user, out) => {
      const ctx: UserContext = { history: contexts[user], now, segment: side.segments?.[user] };
      out.set(recommender.scoreAll(ctx).scores);
      return out;
    },
  };
}

/** Every evaluable model, by code. */
export const EVALUATION_MODELS: Readonly<Record<EvaluationModelCode, EvaluationModel>> = {
  'top-pop': {
    code: 'top-pop',
    description: 'Most users first, the same list for everyone.',
    fit: async (train) => TopPop.fit(train),
  },
  'item-knn': {
    code: 'item-knn',
    description: 'Item-item cosine over user co-occurrence, top neighbours per item.',
    fit: async (train, _side, o) => ItemKnn.fit(train, o.knn),
  },
  collaborative: {
    code: 'collaborative',
    description: 'BPR factorisation with genre/tag features; trained user vectors.',
    fit: async (train, side, o) =>
      BprFactorization.fit(train, side.features ?? null, { seed: o.seed, ...o.bpr }),
  },
  'collaborative-fold-in': {
    code: 'collaborative-fold-in',
    description:
      'The BPR item vectors with each user folded in from their train history (serving path).',
    fit: async (train, side, o) => {
      const bpr = await BprFactorization.fit(train, side.features ?? null, {
        seed: o.seed,
        ...o.bpr,
      });
      return hybridScorer(train, side, { bpr, content: null }, o, ['collaborative']);
    },
  },
  content: {
    code: 'content',
    description: 'TF-IDF content profile alone.',
    fit: async (train, side, o) =>
      hybridScorer(train, side, { bpr: null, content: fitContent(side, o) }, o, ['content']),
  },
  hybrid: {
    code: 'hybrid',
    description:
      'The served blend: fold-in collaborative + content + segment popularity + trending.',
    fit: async (train, side, o) => {
      const bpr = await BprFactorization.fit(train, side.features ?? null, {
        seed: o.seed,
        ...o.bpr,
      });
      const content = side.titles ? fitContent(side, o) : null;
      return hybridScorer(train, side, { bpr, content }, o);
    },
  },
};

export interface RandomSplitReport {
  protocol: 'random-split';
  k: number;
  users: number;
  precision: number;
  recall: number;
  ndcg: number;
  /** Mean AP@k. */
  map: number;
  /** Mean AP over the full ranking. */
  mapFull: number;
  hitRate: number;
  /** Share of the catalog in at least one top-k list. */
  coverage: number;
  /** Mean intra-list diversity of the top k. */
  diversity: number;
  /** Mean −log2 popularity share of the top k. */
  novelty: number;
}

export interface LeaveLatestOutReport {
  protocol: 'leave-latest-out';
  k: number;
  users: number;
  /** Candidates per case (test item + negatives), averaged. */
  candidates: number;
  hitRate: number;
  ndcg: number;
}

export interface ModelEvaluation {
  model: EvaluationModelCode;
  fitMs: number;
  scoreMs: number;
  metrics: RandomSplitReport | LeaveLatestOutReport;
}

/** Fits `model` on the protocol's train set and measures it. */
export async function evaluateModel(
  model: EvaluationModelCode | EvaluationModel,
  protocol: EvaluationProtocol,
  side: EvaluationSide = {},
  options: Partial<ModelEvaluationOptions> = {},
): Promise<ModelEvaluation> {
  const o = { ...MODEL_EVALUATION_DEFAULTS, ...options };
  const entry = typeof model === 'string' ? EVALUATION_MODELS[model] : model;
  const t0 = performance.now();
  const scorer = await entry.fit(protocol.train, side, o);
  const t1 = performance.now();
  const metrics = measureProtocol(scorer, protocol, side, o);
  return { model: entry.code, fitMs: t1 - t0, scoreMs: performance.now() - t1, metrics };
}

/** Every metric of a fitted scorer on a protocol. */
export function measureProtocol(
  scorer: UserScorer,
  protocol: EvaluationProtocol,
  side: EvaluationSide,
  o: ModelEvaluationOptions,
): RandomSplitReport | LeaveLatestOutReport {
  return protocol.kind === 'random-split'
    ? measureRandomSplit(scorer, protocol, side, o)
    : measureLeaveLatestOut(scorer, protocol, o);
}

/** evaluateModel for several models, one after another. */
export async function evaluateModels(
  models: readonly EvaluationModelCode[],
  protocol: EvaluationProtocol,
  side: EvaluationSide = {},
  options: Partial<ModelEvaluationOptions> = {},
): Promise<ModelEvaluation[]> {
  const out: ModelEvaluation[] = [];
  for (const m of models) out.push(await evaluateModel(m, protocol, side, options));
  return out;
}

function nanToLowest(scores: Float64Array): Float64Array {
  for (let i = 0; i < scores.length; i++) if (scores[i] !== scores[i]) scores[i] = -Infinity;
  return scores;
}

function measureRandomSplit(
  scorer: UserScorer,
  p: RandomSplit,
  side: EvaluationSide,
  o: ModelEvaluationOptions,
): RandomSplitReport {
  const I = p.train.itemCount;
  const out = new Float64Array(I);
  const allowed = new Uint8Array(I);
  const lists: Int32Array[] = [];
  const m = { precision: [] as number[], recall: [] as number[], ndcg: [] as number[] };
  const ap: number[] = [];
  const apFull: number[] = [];
  const hr: number[] = [];
  const div: number[] = [];
  const nov: number[] = [];
  const share = PopularityIndex.build(p.train).userShare;
  const cosine = itemCosine(side, I);
  for (const u of p.users) {
    nanToLowest(scorer.scoreUser(u, out));
    allowed.fill(1);
    p.trainItems[u].forEach((i) => (allowed[i] = 0));
    const ranked = rankAll(out, allowed);
    const rel = p.test[u];
    m.precision.push(precisionAtK(ranked, rel, o.k));
    m.recall.push(recallAtK(ranked, rel, o.k));
    m.ndcg.push(ndcgAtK(ranked, rel, o.k));
    ap.push(averagePrecisionAtK(ranked, rel, o.k));
    apFull.push(averagePrecisionAtK(ranked, rel));
    hr.push(hitRateAtK(ranked, rel, o.k));
    const top = ranked.subarray(0, o.k);
    lists.push(top);
    if (cosine !== null) div.push(intraListDiversity(top, cosine));
    nov.push(novelty(top, share));
  }
  return {
    protocol: 'random-split',
    k: o.k,
    users: p.users.length,
    precision: meanDefined(m.precision),
    recall: meanDefined(m.recall),
    ndcg: meanDefined(m.ndcg),
    map: meanDefined(ap),
    mapFull: meanDefined(apFull),
    hitRate: meanDefined(hr),
    coverage: catalogCoverage(lists, I),
    diversity: cosine === null ? NaN : meanDefined(div),
    novelty: meanDefined(nov),
  };
}

function measureLeaveLatestOut(
  scorer: UserScorer,
  p: LeaveLatestOut,
  o: ModelEvaluationOptions,
): LeaveLatestOutReport {
  const out = new Float64Array(p.train.itemCount);
  const hr: number[] = [];
  const ndcg: number[] = [];
  let candidates = 0;
  for (const c of p.cases) {
    nanToLowest(scorer.scoreUser(c.user, out));
    // The test item's 0-based rank among its candidates; a negative tied with it counts as
    // above it, so a model that cannot tell them apart (constant scores) earns nothing by luck.
    const test = out[c.item];
    let rank = 0;
    for (let k = 1; k < c.candidates.length; k++) if (out[c.candidates[k]] >= test) rank++;
    hr.push(rank < o.k ? 1 : 0);
    ndcg.push(rank < o.k ? 1 / Math.log2(rank + 2) : 0);
    candidates += c.candidates.length;
  }
  return {
    protocol: 'leave-latest-out',
    k: o.k,
    users: p.cases.length,
    candidates: p.cases.length > 0 ? candidates / p.cases.length : 0,
    hitRate: meanDefined(hr),
    ndcg: meanDefined(ndcg),
  };
}

/** Item-item cosine for diversity: content vectors, else binary genre/tag sets; null if neither. */
function itemCosine(
  side: EvaluationSide,
  itemCount: number,
): ((a: number, b: number) => number) | null {
  if (side.titles) {
    const content = ContentModel.fit(side.titles);
    return (a, b) => content.cosine(a, b);
  }
  const f = side.features;
  if (!f || f.featureCount === 0 || f.itemCount !== itemCount) return null;
  const sets = Array.from(
    { length: itemCount },
    (_, i) => new Set(f.features.subarray(f.offsets[i], f.offsets[i + 1])),
  );
  return (a, b) => {
    const A = sets[a];
    const B = sets[b];
    if (A.size === 0 || B.size === 0) return 0;
    let both = 0;
    for (const x of A) if (B.has(x)) both++;
    return both / Math.sqrt(A.size * B.size);
  };
}
