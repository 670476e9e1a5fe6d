import { accountDay } from './account';
import { NULL_SINK } from './event-log';
import { Random, mixSeed } from './random';
import { WorldSimulation } from './simulate';
import { ACTIVE, UserState, copyUser } from './state';
import { liveDay } from './viewing';
import type { World, WorldOptions } from './world';

/** Salt that separates the survival-truth streams from the main one and from TruthOracle's. */
const SURVIVAL_STREAM = 0x7375_7276;

/**
 * The true survival curve of a subscriber from a snapshot: S(t) = P(still subscribed after day t of
 * the future), t = 1…days, by replaying their future with the same day step as the main loop, from
 * a one-row scratch copy of their state and with an independent random stream per (seed,
 * subscriber, snapshot, replay), so the main trajectory is never perturbed.
 *
 * Estimator (as TruthOracle's): along each replayed path the subscriber is kept alive and the
 * running product Π(1 − h_d) is recorded after every day; S(t) is its mean over replays. Staying
 * subscribed does not change how the state evolves before a cancellation, so this has the
 * expectation of "the share of replays still subscribed after t days", with far less variance, and
 * is monotone non-increasing by construction.
 */
export class SurvivalOracle {
  private readonly scratch: UserState;
  private readonly rng = new Random(0);
  private readonly seedWord: number;

  constructor(
    private readonly world: World,
    /** Replays per subscriber. */
    readonly replays = 16,
  ) {
    this.scratch = new UserState(1, world.catalog.count);
    this.seedWord = mixSeed([world.options.seed]);
  }

  /**
   * S(t) for t = 1…out.length of row `i` of `state`, from 00:00 of `day` (call before `day` is
   * simulated), written into `out`. Range [0, 1], non-increasing.
   */
  curve(state: UserState, i: number, day: number, out: Float64Array): Float64Array {
    const w = this.world;
    const scratch = this.scratch;
    const u = state.ref[i];
    out.fill(0);
    for (let r = 0; r < this.replays; r++) {
      copyUser(state, i, scratch, 0);
      this.rng.reseed(SURVIVAL_STREAM, this.seedWord, u, day, r);
      let survival = 1;
      for (let t = 0; t < out.length; t++) {
        const d = day + t;
        accountDay(w, scratch, 0, d, this.rng, null);
        survival *= 1 - w.hazard.daily(scratch, 0, d, w.subs);
        out[t] += survival;
        liveDay(w, scratch, 0, d, this.rng, null);
      }
    }
    for (let t = 0; t < out.length; t++) out[t] /= this.replays;
    return out;
  }
}

export interface TrueSurvivalOptions {
  /** Day of the snapshot relative to the world start (its 00:00); default days − horizonDays. */
  snapshotDay?: number;
  /** Length of each curve. Default 180. */
  days?: number;
  /** Replays per subscriber. Default 16. */
  replays?: number;
  /** Called after each simulated day and each subscriber's curve (progress). */
  onProgress?: (stage: 'simulate' | 'replay', done: number, total: number) => void;
}

export interface TrueSurvival {
  /** Epoch seconds of the snapshot. */
  snapshotSec: number;
  days: number;
  /** Database user ids (subscriber index + 1) of the subscribers active at the snapshot. */
  userIds: number[];
  /** S(t) for t = 1…days, one curve per user id. Shape: [userIds.length][days]. */
  curves: Float64Array[];
}

/**
 * True survival curves of every subscriber active at a snapshot of the world `options` describes:
 * the world is re-simulated in memory up to the snapshot (deterministic, so its state equals the
 * seeded world's), then each active subscriber's future is replayed. The snapshot truth of the
 * re-simulation is computed with one replay only: it is discarded, and its streams are separate,
 * so the main trajectory is the same as with any replay count.
 */
export function trueSurvivalCurves(
  options: WorldOptions,
  survival: TrueSurvivalOptions = {},
): TrueSurvival {
  const sim = new WorldSimulation({ ...options, truthReplays: 1 }, NULL_SINK);
  const { world } = sim;
  const day = survival.snapshotDay ?? world.options.days - world.options.horizonDays;
  // Day 0 would skip the burn-in (it runs with the first step).
  if (!Number.isInteger(day) || day < 1 || day > world.options.days) {
    throw new Error(`snapshot day must be within 1..${world.options.days}, got ${day}`);
  }
  while (sim.daysDone < day) {
    sim.step();
    survival.onProgress?.('simulate', sim.daysDone, day);
  }
  const days = survival.days ?? 180;
  const oracle = new SurvivalOracle(world, survival.replays ?? 16);
  const st = sim.state;
  const active: number[] = [];
  for (let u = 0; u < st.capacity; u++) if (st.status[u] === ACTIVE) active.push(u);
  const curves = active.map((u, k) => {
    const curve = oracle.curve(st, u, day, new Float64Array(days));
    survival.onProgress?.('replay', k + 1, active.length);
    return curve;
  });
  return {
    snapshotSec: world.startSec + day * 86400,
    days,
    userIds: active.map((u) => u + 1),
    curves,
  };
}
