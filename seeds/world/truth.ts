import { accountDay } from './account';
import { Random, mixSeed } from './random';
import { UserState, copyUser } from './state';
import { liveDay } from './viewing';
import type { World } from './world';

/** Salt that separates the truth streams from every other use of the seed. */
const TRUTH_STREAM = 0x7472_7574;

/**
 * Computes the true probability of cancelling within the horizon by replaying each subscriber's
 * future with the same day step as the main loop, from a one-row scratch copy of their state and
 * with an independent random stream per (seed, subscriber, snapshot, replay), so the main
 * trajectory is never perturbed.
 *
 * Estimator: along a replayed path the subscriber is kept alive and the survival Π(1 − h_t) is
 * accumulated; P = mean over replays of 1 − Π(1 − h_t). Because staying subscribed does not
 * change how the state evolves before the cancellation, this has the same expectation as
 * counting cancellations in replays that do cancel (the "fraction that cancelled"), with far less
 * variance, and yields a continuous probability rather than multiples of 1/replays.
 */
export class TruthOracle {
  private readonly scratch: UserState;
  private readonly rng = new Random(0);
  /** The world seed folded to 32 bits once (seeds may exceed 32 bits). */
  private readonly seedWord: number;

  constructor(private readonly world: World) {
    this.scratch = new UserState(1, world.catalog.count);
    this.seedWord = mixSeed([world.options.seed]);
  }

  /**
   * P(row `i` of `state` cancels during days [day, day + horizon)), i.e. within
   * (T, T + horizon] for T = 00:00 of `day`. Call before `day` is simulated. Range [0, 1].
   */
  probability(state: UserState, i: number, day: number): number {
    const w = this.world;
    const { horizonDays, truthReplays } = w.options;
    const hazard = w.hazard;
    const scratch = this.scratch;
    const u = state.ref[i];
    let sum = 0;
    for (let r = 0; r < truthReplays; r++) {
      copyUser(state, i, scratch, 0);
      this.rng.reseed(TRUTH_STREAM, this.seedWord, u, day, r);
      let survival = 1;
      for (let d = day; d < day + horizonDays; d++) {
        accountDay(w, scratch, 0, d, this.rng, null);
        survival *= 1 - hazard.daily(scratch, 0, d, w.subs);
        liveDay(w, scratch, 0, d, this.rng, null);
      }
      sum += 1 - survival;
    }
    return sum / truthReplays;
  }
}

/**
 * ROC AUC of `scores` against binary `labels` (Mann-Whitney U with average ranks for ties).
 * Shape: scores [n], labels [n] (1 = positive). NaN when either class is empty.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let k = 0; k < n;) {
    let j = k;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[k]]) j++;
    const rank = (k + j) / 2 + 1; // average 1-based rank of the tie block
    for (let m = k; m <= j; m++) {
      if (labels[order[m]] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    k = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
