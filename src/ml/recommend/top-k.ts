/**
 * Scoring a user vector against every item and picking the best k: the serving hot path, in plain
 * JS over flat Float32Arrays (10,000 titles × 32 factors is ~0.3 M multiply-adds, well under a
 * millisecond), with a bounded min-heap so top-k costs O(n log k) instead of a full sort.
 */

/**
 * scores[i] = scale · (user · item_i) + bias[i]. Shapes: user [d], itemFactors [itemCount × d]
 * row-major, itemBias [itemCount] or null, out [itemCount].
 */
export function scoreAllItems(
  user: ArrayLike<number>,
  itemFactors: Float32Array,
  itemBias: Float32Array | null,
  d: number,
  out: Float64Array,
  scale = 1,
): Float64Array {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const base = i * d;
    for (let k = 0; k < d; k++) s += user[k] * itemFactors[base + k];
    out[i] = scale * s + (itemBias === null ? 0 : itemBias[i]);
  }
  return out;
}

/**
 * Indices of the k largest scores, best first; ties go to the lower index so results never depend
 * on iteration order. Items where `allowed` is 0 (when given) and NaN scores are skipped.
 * Shapes: scores [n], allowed [n] → [≤ k].
 */
export function topK(
  scores: ArrayLike<number>,
  k: number,
  allowed?: ArrayLike<number> | null,
): Int32Array {
  const heap = new Int32Array(Math.max(0, k));
  let size = 0;
  // "a ranks below b": lower score, or equal score and higher index.
  const below = (a: number, b: number): boolean =>
    scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const siftDown = (from: number): void => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && below(heap[l], heap[m])) m = l;
      if (r < size && below(heap[r], heap[m])) m = r;
      if (m === i) return;
      const t = heap[i];
      heap[i] = heap[m];
      heap[m] = t;
      i = m;
    }
  };
  // Once the heap is full, the score of its root: anything strictly lower cannot enter, which
  // settles most of a long list with one comparison.
  let floor = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    if (allowed && !allowed[i]) continue;
    const s = scores[i];
    if (s !== s || s < floor) continue;
    if (size < k) {
      heap[size] = i;
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!below(heap[c], heap[p])) break;
        const t = heap[c];
        heap[c] = heap[p];
        heap[p] = t;
        c = p;
      }
      if (size === k) floor = scores[heap[0]];
    } else if (k > 0 && below(heap[0], i)) {
      heap[0] = i;
      siftDown(0);
      floor = scores[heap[0]];
    }
  }
  // Best first: the root is the lowest-ranked of the kept, so popping fills the list from its end
  // (the same order as sorting by score, then index, without a comparator call per pair).
  const out = new Int32Array(size);
  for (let n = size - 1; n >= 0; n--) {
    out[n] = heap[0];
    heap[0] = heap[--size];
    siftDown(0);
  }
  return out;
}

/** All indices ordered by score, best first, ties by index. Shape: [n] → [n allowed]. */
export function rankAll(scores: ArrayLike<number>, allowed?: ArrayLike<number> | null): Int32Array {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (allowed && !allowed[i]) continue;
    if (scores[i] === scores[i]) idx.push(i);
  }
  return Int32Array.from(idx.sort((a, b) => scores[b] - scores[a] || a - b));
}
