/**
 * The budget optimiser (multiple-choice knapsack) and the Monte Carlo intervals.
 */
import {
  actionValue,
  interval,
  monteCarlo,
  optimiseBudget,
  solveExact,
  solveGreedy,
  type BudgetOption,
} from '../../src/ml/retention';
import { createRng } from '../../src/ml';

describe('optimiseBudget', () => {
  // Solved by hand, budget 10:
  //   A: strategy 0 (net 5, cost 4) or 1 (net 8, cost 9);  B: 0 (net 4, cost 5) or 1 (net −1, cost 1);
  //   C: 0 (net 3, cost 2).
  // Feasible sets: A0+B0 = 9 (cost 9) · A0+C = 8 (6) · A1 = 8 (9) · B0+C = 7 (7) · A0+B0+C costs 11.
  // The optimum is A0 + B0 (net 9). Greedy by net per cost takes C (1.5), A0 (1.25) and then
  // nothing fits: 8. The exact solver must find 9.
  const options: BudgetOption[][] = [
    [
      { strategy: 0, net: 5, cost: 4 },
      { strategy: 1, net: 8, cost: 9 },
    ],
    [
      { strategy: 0, net: 4, cost: 5 },
      { strategy: 1, net: -1, cost: 1 },
    ],
    [{ strategy: 0, net: 3, cost: 2 }],
  ];

  it('is optimal on a small case solved by hand', () => {
    const s = optimiseBudget(options, 10);
    expect(s.method).toBe('exact');
    expect(Array.from(s.choice)).toEqual([0, 0, -1]);
    expect(s.net).toBe(9);
    expect(s.cost).toBe(9);
    expect(solveGreedy(options, 10).net).toBe(8);
  });

  it('never chooses an option with no value, nor more than one per subscriber', () => {
    const s = optimiseBudget(options, 1000);
    expect(Array.from(s.choice)).toEqual([1, 0, 0]);
    expect(s.net).toBe(15);
    expect(optimiseBudget(options, 0).net).toBe(0);
  });

  it('respects the budget and stays close to the exact optimum on random instances', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 30; trial++) {
      const instance = Array.from({ length: 40 }, () =>
        Array.from({ length: 3 }, (_, k) => ({
          strategy: k,
          net: Math.round((rng.next() * 10 - 2) * 100) / 100,
          cost: Math.round(rng.next() * 5 * 100) / 100,
        })),
      );
      const budget = 20 + rng.next() * 40;
      const exact = solveExact(instance, Math.floor(budget / 0.01), 0.01);
      const greedy = solveGreedy(instance, budget);
      for (const s of [exact, greedy]) {
        expect(s.cost).toBeLessThanOrEqual(budget + 1e-9);
        s.choice.forEach((c, i) => {
          if (c >= 0) expect(instance[i][c].net).toBeGreaterThan(0);
        });
      }
      const maxNet = Math.max(...instance.flat().map((o) => o.net));
      expect(greedy.net).toBeLessThanOrEqual(exact.net + 1e-9);
      expect(greedy.net).toBeGreaterThanOrEqual(exact.net - maxNet - 1e-9);
    }
  });

  it('uses the greedy solver on large instances and still respects the budget', () => {
    const rng = createRng(2);
    const big = Array.from({ length: 5000 }, () => [
      { strategy: 0, net: rng.next() * 4 - 1, cost: 0.5 + rng.next() },
    ]);
    const s = optimiseBudget(big, 500);
    expect(s.method).toBe('greedy');
    expect(s.cost).toBeLessThanOrEqual(500);
    expect(s.cost).toBeGreaterThan(498);
  });

  it('rejects a negative budget', () => {
    expect(() => optimiseBudget(options, -1)).toThrow(/budget/);
  });
});

describe('monteCarlo', () => {
  it('summarises each quantity with its mean and central 95% interval', () => {
    const r = monteCarlo(4000, 5, (rng) => ({ x: rng.normal(), y: 2 }));
    expect(r.x.mean).toBeCloseTo(0, 1);
    expect(r.x.lower).toBeCloseTo(-1.96, 0);
    expect(r.x.upper).toBeCloseTo(1.96, 0);
    expect(r.y).toEqual({ mean: 2, lower: 2, upper: 2 });
    expect(interval([1, 2, 3, 4, 5])).toEqual({ mean: 3, lower: 1.1, upper: 4.9 });
  });
});

describe('actionValue', () => {
  it('values the subscribers kept at their lifetime value, net of cost', () => {
    // 100 LTV, churn 30% → 20%: 10 points kept = 10; cost 2 → net 8.
    expect(
      actionValue({ ltv: 100, churnWithout: 0.3, churnWith: 0.2, feeRatio: 1, cost: 2 }),
    ).toEqual({
      saved: expect.closeTo(0.1, 12),
      valueKept: expect.closeTo(10, 12),
      cost: 2,
      net: expect.closeTo(8, 12),
    });
    // A downgrade that keeps more subscribers at a lower fee can still lose value.
    const down = actionValue({
      ltv: 100,
      churnWithout: 0.3,
      churnWith: 0.25,
      feeRatio: 0.8,
      cost: 0,
    });
    expect(down.valueKept).toBeCloseTo(100 * (0.75 * 0.8 - 0.7), 12);
    expect(down.net).toBeLessThan(0);
  });
});
