/**
 * The world's true strategy effects: deterministic for a seed, coupled across arms (common random
 * numbers), and of the documented sign in each group (docs/retention.md, "True effects").
 */
import { isSleepingDog, type Treatment } from '../../seeds/world/retention-effects';
import { ACTIVE, type UserState } from '../../seeds/world/state';
import { StrategyReplayer } from '../../seeds/world/strategy-replay';
import { branchWorld } from '../../seeds/world/world-branch';

const END = new Date('2025-06-01T00:00:00Z');
const DAY = 120;
const REPLAY = { horizonDays: 60, replays: 2 };

const { world, states } = branchWorld({ users: 1500, days: DAY, seed: 7, end: END }, [DAY]);
const state = states.get(DAY) as UserState;
const replayer = new StrategyReplayer(world);
const active = Array.from({ length: state.capacity }, (_, u) => u).filter(
  (u) => state.status[u] === ACTIVE,
);
const control = active.map((u) => replayer.expect(state, u, DAY, null, REPLAY).churn);

/** True reduction in churn probability per active subscriber under `treatment`. */
function effects(treatment: Treatment): number[] {
  return active.map((u, k) => control[k] - replayer.expect(state, u, DAY, treatment, REPLAY).churn);
}

function meanWhere(values: number[], keep: (u: number) => boolean): number {
  let sum = 0;
  let n = 0;
  values.forEach((v, k) => {
    if (keep(active[k])) {
      sum += v;
      n++;
    }
  });
  if (n < 10) throw new Error(`group too small (${n}) for a stable mean`);
  return sum / n;
}

const sleeping = (u: number) => isSleepingDog(state, u, DAY);
const priceSensitivity = (u: number) => world.subs.priceSensitivity[u];

describe('true strategy effects in the world', () => {
  it('is deterministic per seed and replays the same future for the same arm', () => {
    const again = branchWorld({ users: 1500, days: DAY, seed: 7, end: END }, [DAY]);
    const other = new StrategyReplayer(again.world);
    const u = active[3];
    const treatment: Treatment = { code: 'DISCOUNT', percent: 20, months: 2 };
    const a = replayer.expect(state, u, DAY, treatment, REPLAY);
    const b = other.expect(again.states.get(DAY) as UserState, u, DAY, treatment, REPLAY);
    expect(b).toEqual(a);
    expect(replayer.expect(state, u, DAY, null, REPLAY).churn).toBe(control[3]);
  });

  it('couples arms: a strategy that changes nothing for a subscriber has exactly zero effect', () => {
    // PAYMENT_RECOVERY is not a marketing contact and does nothing without a recent failure.
    const noFailure = active.filter((u) => DAY - state.lastPaymentFailDay[u] > 30);
    for (const u of noFailure.slice(0, 50)) {
      const k = active.indexOf(u);
      const treated = replayer.expect(state, u, DAY, { code: 'PAYMENT_RECOVERY' }, REPLAY);
      expect(treated.churn).toBe(control[k]);
    }
  });

  it('DISCOUNT helps the price-sensitive most and costs discounted charges', () => {
    const e = effects({ code: 'DISCOUNT', percent: 20, months: 2 });
    const high = meanWhere(e, (u) => priceSensitivity(u) > 0.6);
    const low = meanWhere(e, (u) => priceSensitivity(u) < 0.3);
    expect(high).toBeGreaterThan(0.02);
    expect(high).toBeGreaterThan(3 * low);
    const arm = replayer.expect(state, active[0], DAY, { code: 'DISCOUNT', months: 2 }, REPLAY);
    expect(arm.discountedCharges).toBeGreaterThan(0);
    expect(arm.discountedCharges).toBeLessThanOrEqual(2);
  });

  it('CONTENT_PUSH helps awake genre-exhausted subscribers and hurts sleeping dogs', () => {
    const e = effects({ code: 'CONTENT_PUSH' });
    expect(meanWhere(e, (u) => !sleeping(u) && state.exhaustion[u] > 0.5)).toBeGreaterThan(0.01);
    expect(meanWhere(e, sleeping)).toBeLessThan(0);
  });

  it('REENGAGEMENT_MESSAGE helps those drifting away and hurts sleeping dogs', () => {
    const e = effects({ code: 'REENGAGEMENT_MESSAGE' });
    expect(meanWhere(e, (u) => !sleeping(u) && state.drifting[u] === 1)).toBeGreaterThan(0.02);
    expect(meanWhere(e, sleeping)).toBeLessThan(-0.02);
  });

  it('DOWNGRADE_OFFER is accepted more by the price-sensitive and hurts sleeping dogs', () => {
    const offer: Treatment = { code: 'DOWNGRADE_OFFER' };
    const acceptance = (keep: (u: number) => boolean) =>
      meanWhere(
        active.map((u) => replayer.expect(state, u, DAY, offer, REPLAY).accepted),
        (u) => keep(u) && state.plan[u] > 0,
      );
    expect(acceptance((u) => priceSensitivity(u) > 0.5)).toBeGreaterThan(
      acceptance((u) => priceSensitivity(u) < 0.3) + 0.2,
    );
    expect(meanWhere(effects(offer), sleeping)).toBeLessThan(0);
  });

  it('PAYMENT_RECOVERY helps after a recent payment failure', () => {
    const e = effects({ code: 'PAYMENT_RECOVERY' });
    const recent = active.filter((u) => DAY - state.lastPaymentFailDay[u] <= 7);
    expect(recent.length).toBeGreaterThan(3);
    expect(meanWhere(e, (u) => DAY - state.lastPaymentFailDay[u] <= 7)).toBeGreaterThan(0);
  });

  it('realises one coupled future per campaign: a cancelled path stops paying', () => {
    const outcomes = active.map((u) => replayer.realise(state, u, DAY, null, 60, 1));
    const rate = outcomes.filter((o) => o.churned).length / outcomes.length;
    const expected = control.reduce((a, b) => a + b, 0) / control.length;
    expect(Math.abs(rate - expected)).toBeLessThan(0.03);
    for (const o of outcomes.filter((x) => x.churned)) {
      expect(o.feeCentsAtEnd).toBe(0);
      expect(o.cancelAfterDays).toBeGreaterThanOrEqual(0);
    }
    expect(replayer.realise(state, active[5], DAY, null, 60, 1)).toEqual(outcomes[5]);
  });
});
