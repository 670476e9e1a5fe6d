/**
 * The content model: a TF-IDF vector per title from its genres, tags and description, and a user
 * profile that is the recency-weighted sum of the titles they watched,
 *
 *   profile = Σ_h completion_h · 2^(−age_h / halfLife) · title_h,
 *
 * so a finished title counts fully, an abandoned one little, and last month's viewing counts half
 * as much as today's with the default 30-day half-life. Scores are cosines between the profile and
 * each title; similar titles are cosines between titles. Genres and tags enter as whole terms
 * ('genre:comedy', 'tag:car chases') with field weights, description words as plain tokens.
 */
import { TfIdf, sparseDot, tokenize, type SparseVector, type WeightedTerm } from './tf-idf';
import { topK } from './top-k';

export interface TitleText {
  genres: readonly string[];
  tags: readonly string[];
  description: string;
}

export interface ContentOptions {
  /** Term weight of a genre (a description word weighs 1). */
  genreWeight: number;
  tagWeight: number;
  /** Weight of description words. */
  textWeight: number;
  /** Recency half-life of the profile, in days. */
  halfLifeDays: number;
}

export const CONTENT_DEFAULTS: ContentOptions = {
  genreWeight: 2,
  tagWeight: 1.5,
  textWeight: 1,
  halfLifeDays: 30,
};

/** One watched title for the profile: completion in [0, 1], epoch seconds. */
export interface ProfileEntry {
  item: number;
  weight: number;
  timestamp: number;
}

/** 2^(−age / half-life): 1 now, ½ one half-life ago. Future timestamps count as now. */
export function recencyDecay(ageSeconds: number, halfLifeDays: number): number {
  if (!(halfLifeDays > 0) || !Number.isFinite(halfLifeDays)) return 1;
  return Math.pow(2, -Math.max(0, ageSeconds) / (halfLifeDays * 86400));
}

/** The weighted terms of one title. */
export function titleTerms(title: TitleText, o: ContentOptions = CONTENT_DEFAULTS): WeightedTerm[] {
  const terms: WeightedTerm[] = [];
  for (const g of title.genres)
    terms.push({ term: `genre:${g.toLowerCase()}`, weight: o.genreWeight });
  for (const t of title.tags) terms.push({ term: `tag:${t.toLowerCase()}`, weight: o.tagWeight });
  for (const w of tokenize(title.description)) terms.push({ term: w, weight: o.textWeight });
  return terms;
}

export class ContentModel {
  /**
   * The same vectors packed row after row (CSR): scoring every title is one pass over three typed
   * arrays instead of 10,000 small objects, about three times faster at 10,000 titles.
   */
  private readonly rowStart: Int32Array;
  private readonly colIndex: Int32Array;
  private readonly cellValue: Float32Array;

  private constructor(
    readonly tfidf: TfIdf,
    /** l2-normalised title vectors. Shape: [titles] */
    readonly vectors: SparseVector[],
    readonly options: ContentOptions,
  ) {
    const nnz = vectors.reduce((n, v) => n + v.indices.length, 0);
    this.rowStart = new Int32Array(vectors.length + 1);
    this.colIndex = new Int32Array(nnz);
    this.cellValue = new Float32Array(nnz);
    let at = 0;
    vectors.forEach((v, i) => {
      this.rowStart[i] = at;
      this.colIndex.set(v.indices, at);
      this.cellValue.set(v.values, at);
      at += v.indices.length;
    });
    this.rowStart[vectors.length] = at;
  }

  static fit(titles: readonly TitleText[], options: Partial<ContentOptions> = {}): ContentModel {
    const o = { ...CONTENT_DEFAULTS, ...options };
    const docs = titles.map((t) => titleTerms(t, o));
    const tfidf = TfIdf.fit(docs);
    return new ContentModel(
      tfidf,
      docs.map((d) => tfidf.transform(d)),
      o,
    );
  }

  get itemCount(): number {
    return this.vectors.length;
  }

  /** Cosine between two titles. */
  cosine(a: number, b: number): number {
    return sparseDot(this.vectors[a], this.vectors[b]);
  }

  /**
   * The l2-normalised profile of a history at time `now` (epoch seconds); null when nothing in it
   * carries weight. Shape: [terms].
   */
  profile(
    history: readonly ProfileEntry[],
    now: number,
    halfLifeDays = this.options.halfLifeDays,
  ): Float64Array | null {
    const p = new Float64Array(this.tfidf.termCount);
    let any = false;
    for (const h of history) {
      const w = h.weight * recencyDecay(now - h.timestamp, halfLifeDays);
      if (!(w > 0)) continue;
      any = true;
      const v = this.vectors[h.item];
      for (let k = 0; k < v.indices.length; k++) p[v.indices[k]] += w * v.values[k];
    }
    if (!any) return null;
    let norm = 0;
    for (let j = 0; j < p.length; j++) norm += p[j] * p[j];
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < p.length; j++) p[j] *= inv;
    return p;
  }

  /** Cosine of every title with a profile. Shapes: profile [terms] → out [titles]. */
  scores(
    profile: ArrayLike<number>,
    out: Float64Array = new Float64Array(this.itemCount),
  ): Float64Array {
    const { rowStart, colIndex, cellValue } = this;
    for (let i = 0; i < this.vectors.length; i++) {
      let sum = 0;
      for (let k = rowStart[i]; k < rowStart[i + 1]; k++)
        sum += cellValue[k] * profile[colIndex[k]];
      out[i] = sum;
    }
    return out;
  }

  /** Cosine of some titles with a profile. Shapes: profile [terms], items [m] → [m]. */
  scoreItems(profile: ArrayLike<number>, items: Int32Array): Float64Array {
    const { rowStart, colIndex, cellValue } = this;
    const out = new Float64Array(items.length);
    for (let j = 0; j < items.length; j++) {
      const i = items[j];
      let sum = 0;
      for (let k = rowStart[i]; k < rowStart[i + 1]; k++)
        sum += cellValue[k] * profile[colIndex[k]];
      out[j] = sum;
    }
    return out;
  }

  /** The k titles most similar to `item` (itself excluded), best first. */
  similarTitles(item: number, k: number): { item: number; score: number }[] {
    const dense = new Float64Array(this.tfidf.termCount);
    const v = this.vectors[item];
    for (let j = 0; j < v.indices.length; j++) dense[v.indices[j]] = v.values[j];
    const scores = this.scores(dense);
    scores[item] = NaN;
    return Array.from(topK(scores, k), (i) => ({ item: i, score: scores[i] }));
  }

  /** The history item most similar to `candidate` (ties: the earlier); null if none is similar. */
  closestInHistory(
    candidate: number,
    history: readonly number[],
  ): { item: number; cosine: number } | null {
    let best: { item: number; cosine: number } | null = null;
    for (const h of history) {
      if (h === candidate) continue;
      const c = this.cosine(candidate, h);
      if (c > 0 && (best === null || c > best.cosine)) best = { item: h, cosine: c };
    }
    return best;
  }
}
