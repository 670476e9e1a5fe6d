/**
 * Item-kNN baseline (Sarwar et al. 2001, Deshpande & Karypis 2004): cosine similarity between items
 * over binary user co-occurrence, sim(i, j) = |U_i ∩ U_j| / √(|U_i| · |U_j|), each item keeping its
 * `neighbours` most similar items; a user's score for j is Σ_{i ∈ history} sim(i, j).
 * Co-occurrence counts come from one pass over each user's item pairs: O(Σ_u n_u²) time, and
 * memory O(items × neighbours), never a dense items × items matrix.
 */
import { dedupeInteractions, indexByUser, type Interactions } from './interactions';
import { topK } from './top-k';

export interface ItemKnnOptions {
  /** Neighbours kept per item. */
  neighbours: number;
}

export const ITEM_KNN_DEFAULTS: ItemKnnOptions = { neighbours: 100 };

export class ItemKnn {
  private constructor(
    readonly itemCount: number,
    /** Neighbour list of item i: neighbourItems[offsets[i]] .. [offsets[i + 1] - 1]. */
    readonly offsets: Int32Array,
    readonly neighbourItems: Int32Array,
    readonly similarities: Float32Array,
    /** Each training user's distinct items. */
    private readonly histories: Int32Array[],
  ) {}

  static fit(x: Interactions, options: Partial<ItemKnnOptions> = {}): ItemKnn {
    const { neighbours } = { ...ITEM_KNN_DEFAULTS, ...options };
    const data = dedupeInteractions(x);
    const I = x.itemCount;
    const byUser = indexByUser(data);
    const histories: Int32Array[] = [];
    for (let u = 0; u < x.userCount; u++) {
      const rows = byUser.rows.subarray(byUser.offsets[u], byUser.offsets[u + 1]);
      histories.push(Int32Array.from(rows, (r) => data.items[r]));
    }
    // Users per item, to walk item → its users → their items.
    const itemUsers: number[][] = Array.from({ length: I }, () => []);
    histories.forEach((h, u) => h.forEach((i) => itemUsers[i].push(u)));
    const degree = Float64Array.from(itemUsers, (us) => us.length);
    const co = new Float64Array(I);
    const touched: number[] = [];
    const offsets = new Int32Array(I + 1);
    const items: number[] = [];
    const sims: number[] = [];
    for (let i = 0; i < I; i++) {
      for (const u of itemUsers[i]) {
        for (const j of histories[u]) {
          if (j === i) continue;
          if (co[j] === 0) touched.push(j);
          co[j]++;
        }
      }
      const cand = new Float64Array(touched.length);
      touched.forEach((j, k) => (cand[k] = co[j] / Math.sqrt(degree[i] * degree[j])));
      for (const k of topK(cand, neighbours)) {
        items.push(touched[k]);
        sims.push(cand[k]);
      }
      for (const j of touched) co[j] = 0;
      touched.length = 0;
      offsets[i + 1] = items.length;
    }
    return new ItemKnn(I, offsets, Int32Array.from(items), Float32Array.from(sims), histories);
  }

  /** Scores from any list of history items (repeats count once). Shape: out [itemCount]. */
  scoreHistory(
    history: ArrayLike<number>,
    out: Float64Array = new Float64Array(this.itemCount),
  ): Float64Array {
    out.fill(0);
    const seen = new Set<number>();
    for (let h = 0; h < history.length; h++) {
      const i = history[h];
      if (seen.has(i)) continue;
      seen.add(i);
      for (let k = this.offsets[i]; k < this.offsets[i + 1]; k++) {
        out[this.neighbourItems[k]] += this.similarities[k];
      }
    }
    return out;
  }

  /** Scores for a training user from their training history. Shape: out [itemCount]. */
  scoreUser(user: number, out: Float64Array = new Float64Array(this.itemCount)): Float64Array {
    return this.scoreHistory(this.histories[user] ?? new Int32Array(0), out);
  }
}
