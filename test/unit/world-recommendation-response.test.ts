/**
 * How the synthetic world responds to recommendations: uptake follows the latent taste match and
 * the rank, a finished recommended title lowers the hazard by the stated amount, and everything
 * (one showing, the whole re-rank experiment) is deterministic per seed.
 */
import { NULL_SINK, WorldSimulation } from '../../seeds';
import {
  DEFAULT_UPTAKE,
  respondToRow,
  uptakeProbability,
} from '../../seeds/world/recommendation-response';
import { rerankExperiment } from '../../seeds/world/rerank-experiment';
import { Random } from '../../seeds/world/random';
import { ACTIVE, UserState, copyUser } from '../../seeds/world/state';
import { affinity } from '../../seeds/world/viewing';

const END = new Date('2025-06-01T00:00:00Z');
const sim = new WorldSimulation({ users: 80, days: 40, seed: 11, end: END }, NULL_SINK);
sim.run();
const { world, state } = sim;
const active = Array.from({ length: world.subs.count }, (_, i) => i).filter(
  (i) => state.status[i] === ACTIVE,
);

describe('the world’s response to a recommendation', () => {
  it('takes a title with a probability rising with the taste match and falling with the rank', () => {
    const u = active[0];
    const titles = Array.from({ length: world.catalog.count }, (_, t) => t);
    const best = titles.reduce((a, t) => (affinity(world, u, t) > affinity(world, u, a) ? t : a));
    const worst = titles.reduce((a, t) => (affinity(world, u, t) < affinity(world, u, a) ? t : a));
    expect(uptakeProbability(world, u, best, 1)).toBeGreaterThan(
      uptakeProbability(world, u, worst, 1),
    );
    expect(uptakeProbability(world, u, best, 3)).toBeCloseTo(
      uptakeProbability(world, u, best, 1) * DEFAULT_UPTAKE.rankDecay ** 2,
      12,
    );
  });

  it('is deterministic per seed', () => {
    const row = Int32Array.from({ length: 10 }, (_, k) => k * 7);
    const outcomes = (seed: number) => {
      const rng = new Random(seed);
      return active.slice(0, 30).map((i) => {
        const scratch = new UserState(1, world.catalog.count);
        copyUser(state, i, scratch, 0);
        return respondToRow(world, scratch, 0, 40, row, rng);
      });
    };
    expect(outcomes(5)).toEqual(outcomes(5));
    expect(outcomes(5)).not.toEqual(outcomes(6));
    expect(outcomes(5).some((o) => o.taken >= 0)).toBe(true);
  });

  it('lowers the hazard by the stated amount after a recommended title is finished', () => {
    const i = active[1];
    const scratch = new UserState(1, world.catalog.count);
    copyUser(state, i, scratch, 0);
    const logit = (p: number) => Math.log(p / (1 - p));
    const before = world.hazard.daily(scratch, 0, 45, world.subs);
    scratch.recommendedFinishDay[0] = 45;
    const sameDay = world.hazard.daily(scratch, 0, 45, world.subs);
    expect(logit(sameDay) - logit(before)).toBeCloseTo(world.hazard.params.recommendedFinish, 9);
    scratch.recommendedFinishDay[0] = 24; // 21 days ago: one decay time
    const later = world.hazard.daily(scratch, 0, 45, world.subs);
    expect(logit(later) - logit(before)).toBeCloseTo(
      world.hazard.params.recommendedFinish * Math.exp(-1),
      9,
    );
  });
});

describe('rerankExperiment', () => {
  it('replays the same subscribers under both rows and is deterministic per seed', async () => {
    const options = {
      world: { users: 120, days: 45, seed: 3, end: END },
      replays: 2,
      atRiskShare: 0.3,
    };
    const a = await rerankExperiment(options);
    const b = await rerankExperiment(options);
    expect(a).toEqual(b);
    expect(a.atRisk).toBe(Math.round(0.3 * a.activeAtEnd));
    expect(a.effect.low).toBeLessThanOrEqual(a.effect.difference);
    expect(a.effect.high).toBeGreaterThanOrEqual(a.effect.difference);
    expect(a.plain.churn).toBeGreaterThan(0);
    expect(a.plain.taken + a.reranked.taken).toBeGreaterThan(0);
  });
});
