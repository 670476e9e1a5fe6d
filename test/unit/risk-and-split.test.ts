import {
  levelsAtOrAbove,
  parseRiskThresholds,
  riskLevelOf,
  RiskLevel,
} from '../../src/modules/model-registry/risk-levels';
import { DAY, isLeakFree, planSnapshots } from '../../src/modules/features/snapshot-plan';

describe('risk levels', () => {
  const t = [0.1, 0.25, 0.5] as const;
  it('bands probabilities at the thresholds (lower bounds inclusive)', () => {
    expect([0, 0.099, 0.1, 0.2499, 0.25, 0.5, 0.99].map((p) => riskLevelOf(p, t))).toEqual([
      'LOW',
      'LOW',
      'MEDIUM',
      'MEDIUM',
      'HIGH',
      'CRITICAL',
      'CRITICAL',
    ]);
    expect(levelsAtOrAbove(RiskLevel.HIGH)).toEqual(['HIGH', 'CRITICAL']);
  });

  it('parses configured thresholds and rejects bad ones', () => {
    expect(parseRiskThresholds('0.05, 0.2,0.6')).toEqual([0.05, 0.2, 0.6]);
    for (const bad of ['0.2,0.1,0.5', '0.1,0.2', '0,0.2,0.5', '0.1,0.2,1', 'a,b,c']) {
      expect(() => parseRiskThresholds(bad)).toThrow(/three increasing probabilities/);
    }
  });
});

describe('time split', () => {
  const end = new Date('2026-11-26T00:00:00Z');
  const start = new Date(end.getTime() - 180 * DAY);

  it('validates on the latest snapshot whose labels are observed, trains on earlier ones', () => {
    const plan = planSnapshots(start, end)!;
    expect(plan.validation.toISOString()).toBe('2026-10-27T00:00:00.000Z');
    expect(plan.train.map((d) => d.toISOString().slice(0, 10))).toEqual([
      '2026-09-27',
      '2026-09-12',
      '2026-08-28',
      '2026-08-13',
    ]);
    expect(isLeakFree(plan)).toBe(true);
    // Every training label window (T, T + 30 d] ends at or before the validation snapshot…
    for (const t of plan.train)
      expect(t.getTime() + 30 * DAY).toBeLessThanOrEqual(plan.validation.getTime());
    // …and the validation labels end with the data.
    expect(plan.validation.getTime() + 30 * DAY).toBe(end.getTime());
  });

  it('would flag a plan whose training labels overlap the validation period', () => {
    const plan = planSnapshots(start, end)!;
    const leaky = { ...plan, train: [new Date(plan.validation.getTime() - 10 * DAY)] };
    expect(isLeakFree(leaky)).toBe(false);
  });

  it('refuses data too short to hold a training snapshot with history', () => {
    expect(planSnapshots(new Date(end.getTime() - 90 * DAY), end)).toBeNull();
    expect(planSnapshots(new Date(end.getTime() - 95 * DAY), end)!.train).toHaveLength(1);
  });
});
