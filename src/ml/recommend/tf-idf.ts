/**
 * TF-IDF over weighted terms, producing l2-normalised sparse vectors whose dot product is the
 * cosine similarity. A document is a list of (term, weight) pairs so that fields can count for
 * more than plain words: a shared genre says more about two titles than a shared word in their
 * blurbs. idf = ln((1 + N) / (1 + df)) + 1, the smoothed form, so a term in every document keeps a
 * small positive weight instead of vanishing.
 */

/** A sparse vector: ascending term indices and their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface WeightedTerm {
  term: string;
  weight: number;
}

/** English function words plus blurb filler that says nothing about a title's content. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be but by for from has have he her his in into is it its of on or she ' +
    'that the their them they this to was were which who whom will with within without you your ' +
    'our we after before over under than then there these those through when where while all ' +
    'any each more most other some such no not only own same so too very can just one two ' +
    'about against between during out up down off again further once here why how what'
  ).split(' '),
);

/**
 * Lower-cased runs of letters and digits (any script, accents kept), minus stop words and
 * one-character tokens. 'Misérables, Les' → ['misérables', 'les'].
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const t = m[0];
    if (t.length > 1 && !STOP_WORDS.has(t)) out.push(t);
  }
  return out;
}

export class TfIdf {
  private constructor(
    /** Term → column index. */
    readonly vocabulary: ReadonlyMap<string, number>,
    /** Shape: [terms] */
    readonly idf: Float64Array,
  ) {}

  /** Learns the vocabulary and document frequencies from `docs`. */
  static fit(docs: readonly (readonly WeightedTerm[])[]): TfIdf {
    const vocabulary = new Map<string, number>();
    const df: number[] = [];
    for (const doc of docs) {
      const seen = new Set<number>();
      for (const { term } of doc) {
        let j = vocabulary.get(term);
        if (j === undefined) {
          j = vocabulary.size;
          vocabulary.set(term, j);
          df.push(0);
        }
        if (!seen.has(j)) df[j]++;
        seen.add(j);
      }
    }
    const n = docs.length;
    const idf = Float64Array.from(df, (c) => Math.log((1 + n) / (1 + c)) + 1);
    return new TfIdf(vocabulary, idf);
  }

  get termCount(): number {
    return this.idf.length;
  }

  /** The l2-normalised TF-IDF vector of a document; terms outside the vocabulary are ignored. */
  transform(doc: readonly WeightedTerm[]): SparseVector {
    const tf = new Map<number, number>();
    for (const { term, weight } of doc) {
      const j = this.vocabulary.get(term);
      if (j !== undefined) tf.set(j, (tf.get(j) ?? 0) + weight);
    }
    const indices = Int32Array.from(tf.keys()).sort();
    const values = new Float32Array(indices.length);
    let norm = 0;
    indices.forEach((j, k) => {
      const v = tf.get(j)! * this.idf[j];
      values[k] = v;
      norm += v * v;
    });
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < values.length; k++) values[k] *= inv;
    return { indices, values };
  }
}

/** Dot product of two sparse vectors (the cosine when both are l2-normalised). */
export function sparseDot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const x = a.indices[i];
    const y = b.indices[j];
    if (x === y) s += a.values[i++] * b.values[j++];
    else if (x < y) i++;
    else j++;
  }
  return s;
}

/** Dot product of a sparse vector with a dense one. */
export function sparseDenseDot(a: SparseVector, dense: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.indices.length; k++) s += a.values[k] * dense[a.indices[k]];
  return s;
}
