/**
 * TopPop: every user gets the titles most users interacted with. The naive baseline reported
 * beside every recommender (on MovieLens-100k it is a surprisingly strong one).
 */
import { itemUserCounts, type Interactions } from './interactions';

export class TopPop {
  private constructor(
    /** Distinct users per item in the training data. Shape: [itemCount] */
    readonly counts: Float64Array,
  ) {}

  static fit(x: Interactions): TopPop {
    return new TopPop(itemUserCounts(x));
  }

  /** The same scores for everyone. Shape: out [itemCount]. */
  scoreUser(_user: number, out: Float64Array = new Float64Array(this.counts.length)): Float64Array {
    out.set(this.counts);
    return out;
  }
}
