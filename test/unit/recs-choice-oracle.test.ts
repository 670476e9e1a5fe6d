/**
 * The ceiling bench:recs-quality reports is the world's own choice rule: for each subscriber, the
 * chance of picking each title when they pick a new one. Those chances must add up to one over the
 * catalogue, and they must be what the simulator's own draws give.
 */
import { NULL_SINK, WorldSimulation, type WorldOptions } from '../../seeds';
import { Random, sampleAlias } from '../../seeds/world/random';
import { worldChoiceOracle } from '../../bench/recs-choice-oracle';

const OPTIONS: WorldOptions = { users: 120, days: 40, seed: 11, end: new Date('2026-06-01') };

describe('worldChoiceOracle', () => {
  const { catalog, subs } = new WorldSimulation(OPTIONS, NULL_SINK).world;
  const userIds = Array.from({ length: subs.count }, (_, u) => String(u + 1));
  const titleIds = Array.from({ length: catalog.count }, (_, t) => String(t + 1));
  const oracle = worldChoiceOracle(OPTIONS, userIds, titleIds);

  it("gives each subscriber's choice a probability distribution over the catalogue", () => {
    const out = new Float64Array(catalog.count);
    for (let user = 0; user < subs.count; user += 17) {
      oracle.scoreUser(user, out);
      expect(out.every((p) => p >= 0)).toBe(true);
      expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
  });

  it("matches the simulator's own draws (its alias tables and taste), title by title", () => {
    const world = new WorldSimulation(OPTIONS, NULL_SINK).world;
    const { behaviour } = world;
    const G = subs.taste.length / subs.count;
    const rng = new Random(5, 6);
    const draws = 200_000;
    for (const user of [3, 71]) {
      const counts = new Float64Array(catalog.count);
      for (let n = 0; n < draws; n++) {
        // pickNewTitle's first draw (seeds/world/viewing.ts), for a subscriber who has watched nothing.
        const t =
          rng.next() < behaviour.exploreShare
            ? sampleAlias(catalog.global, rng)
            : sampleAlias(catalog.byGenre[rng.pickCumulative(subs.tasteCdf, user * G, G)], rng);
        counts[t]++;
      }
      const p = oracle.scoreUser(user, new Float64Array(catalog.count));
      for (let t = 0; t < catalog.count; t++) {
        const sd = Math.sqrt((p[t] * (1 - p[t])) / draws);
        expect(Math.abs(counts[t] / draws - p[t])).toBeLessThan(5 * sd + 1e-4);
      }
    }
  });

  it('follows the ids to the right subscriber and title', () => {
    const reversed = worldChoiceOracle(OPTIONS, [...userIds].reverse(), [...titleIds].reverse());
    const a = oracle.scoreUser(0, new Float64Array(catalog.count));
    const b = reversed.scoreUser(subs.count - 1, new Float64Array(catalog.count));
    expect(Array.from(b).reverse()).toEqual(Array.from(a));
  });
});
