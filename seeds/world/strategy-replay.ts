/**
 * Replays a subscriber's next days under a retention strategy (or none) with common random
 * numbers: every replay day draws from a stream keyed by (seed, subscriber, day, replay) and the
 * treatment's own draws from another, so the treated and untreated futures share every random
 * event the strategy does not change. The difference between two arms is then the strategy's
 * effect with little of the noise two independent futures would carry, and the true individual
 * effect of any strategy (and the true value of any policy) is a pair of calls.
 */
import { accountDay } from './account';
import { Random, mixSeed } from './random';
import {
  type AppliedTreatment,
  type Treatment,
  applyTreatment,
  treatmentOffset,
} from './retention-effects';
import { UserState, copyUser } from './state';
import { liveDay } from './viewing';
import type { World } from './world';

const REPLAY_STREAM = 0x7265_706c;
const EFFECT_STREAM = 0x6566_6663;
const OUTCOME_STREAM = 0x6f75_7463;
const BILLING_CYCLE_DAYS = 30;

/** Expected outcomes of one subscriber under one arm over the horizon. */
export interface ArmExpectation {
  /** P(cancel within the horizon), Rao-Blackwellised over replays (mean of 1 − Π(1 − h)). */
  churn: number;
  /** E[survival to the horizon end × monthly fee then], cents: what the subscriber is then worth per month. */
  retainedFeeCents: number;
  /** E[Σ survival at each billing day while a discount runs]: discounted charges expected. */
  discountedCharges: number;
  /** Share of replays in which the offer was accepted (1 without an offer). */
  accepted: number;
}

/** One realised future, as a campaign would record it. */
export interface RealisedOutcome {
  churned: boolean;
  /** Days after the treatment day on which the subscriber cancelled, or −1. */
  cancelAfterDays: number;
  accepted: boolean;
  /** Monthly fee at the horizon end (cents), 0 when cancelled. */
  feeCentsAtEnd: number;
  /** Discounted charges actually billed. */
  discountedCharges: number;
}

export interface ReplayOptions {
  horizonDays: number;
  /** Replays per expectation. */
  replays: number;
}

export class StrategyReplayer {
  private readonly scratch: UserState;
  private readonly daily = new Random(0);
  private readonly effect = new Random(0);
  private readonly outcome = new Random(0);
  private readonly seedWord: number;

  constructor(private readonly world: World) {
    this.scratch = new UserState(1, world.catalog.count);
    this.seedWord = mixSeed([world.options.seed]);
  }

  /**
   * Expected outcomes of row `i` of `state` (its state at 00:00 of `day`) under `treatment`
   * (null = no action) over `horizonDays`. Deterministic: the same world, row, day and treatment
   * give the same numbers, and arms share their random streams replay by replay.
   */
  expect(
    state: UserState,
    i: number,
    day: number,
    treatment: Treatment | null,
    options: ReplayOptions,
  ): ArmExpectation {
    let churn = 0;
    let retained = 0;
    let charges = 0;
    let accepted = 0;
    for (let r = 0; r < options.replays; r++) {
      const path = this.replay(state, i, day, treatment, r, options.horizonDays, Infinity);
      churn += 1 - path.survival;
      retained += path.survival * path.feeCents;
      charges += path.charges;
      accepted += path.accepted ? 1 : 0;
    }
    const n = options.replays;
    return {
      churn: churn / n,
      retainedFeeCents: retained / n,
      discountedCharges: charges / n,
      accepted: accepted / n,
    };
  }

  /**
   * One realised future of row `i` under `treatment`: the subscriber cancels on the first day
   * the cumulative hazard passes an Exp(1) threshold drawn from (`salt`, subscriber), which is
   * the daily coin flip in distribution but keeps arms coupled. `salt` separates campaigns.
   */
  realise(
    state: UserState,
    i: number,
    day: number,
    treatment: Treatment | null,
    horizonDays: number,
    salt: number,
  ): RealisedOutcome {
    const u = state.ref[i];
    this.outcome.reseed(OUTCOME_STREAM, this.seedWord, u, day, salt);
    const threshold = -Math.log(1 - this.outcome.next());
    const path = this.replay(state, i, day, treatment, salt, horizonDays, threshold);
    const churned = path.cancelAfter >= 0;
    return {
      churned,
      cancelAfterDays: path.cancelAfter,
      accepted: path.accepted,
      feeCentsAtEnd: churned ? 0 : path.feeCents,
      discountedCharges: path.realisedCharges,
    };
  }

  /**
   * Walk one future. Survival is accumulated along the whole path (the subscriber is kept alive,
   * as in the truth oracle); `threshold` on the cumulative hazard marks where a realised path
   * would have cancelled.
   */
  private replay(
    state: UserState,
    i: number,
    day: number,
    treatment: Treatment | null,
    r: number,
    horizonDays: number,
    threshold: number,
  ): {
    survival: number;
    feeCents: number;
    charges: number;
    realisedCharges: number;
    accepted: boolean;
    cancelAfter: number;
  } {
    const w = this.world;
    const st = this.scratch;
    const u = state.ref[i];
    copyUser(state, i, st, 0);
    let applied: AppliedTreatment | null = null;
    if (treatment) {
      this.effect.reseed(EFFECT_STREAM, this.seedWord, u, day, r);
      applied = applyTreatment(w, st, 0, day, treatment, this.effect);
    }
    const discountDays = applied && applied.discountEndsAfter >= 0 ? applied.discountEndsAfter : 0;
    const length = Math.max(horizonDays, discountDays);
    let survival = 1;
    let survivalAtHorizon = 1;
    let feeAtHorizon = st.feeCents[0];
    let cumulativeHazard = 0;
    let cancelAfter = -1;
    let charges = 0;
    let realisedCharges = 0;
    for (let k = 0; k < length; k++) {
      const d = day + k;
      this.daily.reseed(REPLAY_STREAM, this.seedWord, u, d, r);
      if (k === discountDays && discountDays > 0) st.priceIncreaseDay[0] = d; // back to full price
      if (k < discountDays && isBillingDay(st, d)) {
        charges += survival;
        if (cancelAfter < 0) realisedCharges++;
      }
      accountDay(w, st, 0, d, this.daily, null);
      let h = w.hazard.daily(st, 0, d, w.subs);
      if (applied) h = shiftLogit(h, treatmentOffset(applied, k));
      if (k < horizonDays) {
        cumulativeHazard -= Math.log(1 - h);
        if (cancelAfter < 0 && cumulativeHazard >= threshold) cancelAfter = k;
      }
      survival *= 1 - h;
      if (k === horizonDays - 1) {
        survivalAtHorizon = survival;
        feeAtHorizon = st.feeCents[0];
      }
      liveDay(w, st, 0, d, this.daily, null);
    }
    return {
      survival: survivalAtHorizon,
      feeCents: feeAtHorizon,
      charges,
      realisedCharges,
      accepted: applied ? applied.accepted : false,
      cancelAfter,
    };
  }
}

function isBillingDay(st: UserState, day: number): boolean {
  const since = day - st.billingAnchor[0];
  return since > 0 && since % BILLING_CYCLE_DAYS === 0;
}

function shiftLogit(p: number, offset: number): number {
  if (offset === 0) return p;
  const x = Math.log(p / (1 - p)) + offset;
  return 1 / (1 + Math.exp(-x));
}
