/**
 * The synthetic world's randomness: the generator's building blocks have the right distributions,
 * and the whole world is a pure function of (seed, options): same seed, byte-identical rows.
 */
import { createHash } from 'node:crypto';
import { latentRows, titleRows, userRows } from '../../seeds/copy-rows';
import { WorldSimulation, type WorldSink } from '../../seeds';
import { Random, buildAliasTable, mixSeed, sampleAlias } from '../../seeds/world/random';

const END = new Date('2025-06-01T00:00:00Z');

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function draws(n: number, f: () => number): number[] {
  return Array.from({ length: n }, f);
}

/** md5 of every row the world produces (events, truth, catalog, users, latent), in order. */
function worldHash(seed: number, users = 300, days = 60): string {
  const hash = createHash('md5');
  const sink: WorldSink = {
    viewing: (...row) => hash.update(`v${row.join('\t')}\n`),
    subscription: (...row) => hash.update(`s${row.join('\t')}\n`),
    truth: (...row) => hash.update(`t${row.join('\t')}\n`),
  };
  const sim = new WorldSimulation({ users, days, seed, end: END, truthReplays: 4 }, sink);
  sim.run();
  for (const rows of [titleRows(sim), userRows(sim), latentRows(sim)]) {
    for (const chunk of rows) hash.update(chunk);
  }
  return hash.digest('hex');
}

describe('Random', () => {
  it('repeats its stream for the same seed and differs for another', () => {
    const stream = (...seed: number[]): number[] => {
      const r = new Random(...seed);
      return draws(100, () => r.nextUint32());
    };
    expect(stream(7, 1)).toEqual(stream(7, 1));
    expect(stream(8, 1)).not.toEqual(stream(7, 1));
    expect(stream(7, 2)).not.toEqual(stream(7, 1));
  });

  it('reseeds in place to the same stream as a fresh generator with the same words', () => {
    const r = new Random(0);
    r.reseed(1, 2, 3, 4, 5);
    const x = draws(20, () => r.next());
    r.next();
    r.reseed(1, 2, 3, 4, 5);
    expect(draws(20, () => r.next())).toEqual(x);
    r.reseed(1, 2, 3, 4, 6);
    expect(draws(20, () => r.next())).not.toEqual(x);
  });

  it('folds seeds beyond 32 bits instead of dropping their high bits', () => {
    expect(mixSeed([2 ** 32 + 5])).not.toBe(mixSeed([5]));
  });

  it('draws uniform, normal, gamma, beta and Poisson deviates with the right moments', () => {
    const r = new Random(42);
    const u = draws(50_000, () => r.next());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(mean(u)).toBeCloseTo(0.5, 2);
    const z = draws(50_000, () => r.normal());
    expect(mean(z)).toBeCloseTo(0, 1);
    expect(Math.sqrt(mean(z.map((v) => v * v)))).toBeCloseTo(1, 1);
    expect(mean(draws(20_000, () => r.gamma(0.3)))).toBeCloseTo(0.3, 1);
    expect(mean(draws(20_000, () => r.gamma(4)))).toBeCloseTo(4, 0);
    expect(mean(draws(20_000, () => r.beta(4, 3)))).toBeCloseTo(4 / 7, 2);
    expect(mean(draws(20_000, () => r.poisson(0.7)))).toBeCloseTo(0.7, 1);
    expect(r.poisson(0)).toBe(0);
  });

  it('alias tables draw items in proportion to their weights', () => {
    const r = new Random(3);
    const table = buildAliasTable([10, 20, 30, 40], [1, 2, 3, 4]);
    const counts = new Map<number, number>();
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const item = sampleAlias(table, r);
      counts.set(item, (counts.get(item) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([10, 20, 30, 40]);
    for (const [item, weight] of [
      [10, 0.1],
      [20, 0.2],
      [30, 0.3],
      [40, 0.4],
    ]) {
      expect((counts.get(item) ?? 0) / n).toBeCloseTo(weight, 2);
    }
  });
});

describe('synthetic world determinism', () => {
  it('produces byte-identical rows for the same seed and options', () => {
    expect(worldHash(11)).toBe(worldHash(11));
  });

  it('produces different rows for another seed', () => {
    expect(worldHash(12)).not.toBe(worldHash(11));
  });

  it('does not let the truth replays perturb the world itself', () => {
    // Viewing and subscription rows must not depend on how many replays the truth uses.
    const rows = (truthReplays: number): string => {
      const hash = createHash('md5');
      const sink: WorldSink = {
        viewing: (...row) => hash.update(`v${row.join('\t')}\n`),
        subscription: (...row) => hash.update(`s${row.join('\t')}\n`),
        truth: () => undefined,
      };
      new WorldSimulation({ users: 200, days: 60, seed: 5, end: END, truthReplays }, sink).run();
      return hash.digest('hex');
    };
    expect(rows(2)).toBe(rows(9));
  });
});
