/** The retention strategy catalogue: eligibility, cost models, parameters. */
import {
  RETENTION_STRATEGIES,
  lowerPlanFee,
  resolveParameters,
  strategyByCode,
  type SubscriberFacts,
} from '../../src/modules/retention/strategy-catalogue';

const facts = (over: Partial<SubscriberFacts> = {}): SubscriberFacts => ({
  userId: '1',
  plan: 'STANDARD',
  monthlyFee: 13.99,
  daysSincePaymentFailure: 120,
  ...over,
});

describe('retention strategy catalogue', () => {
  it('has the five strategies, each with a description, cost model and eligibility', () => {
    expect(RETENTION_STRATEGIES.map((s) => s.code)).toEqual([
      'DISCOUNT',
      'CONTENT_PUSH',
      'REENGAGEMENT_MESSAGE',
      'DOWNGRADE_OFFER',
      'PAYMENT_RECOVERY',
    ]);
    for (const s of RETENTION_STRATEGIES) {
      expect(s.description.length).toBeGreaterThan(10);
      expect(s.costModel.length).toBeGreaterThan(5);
      expect(s.contactCost).toBeGreaterThan(0);
    }
  });

  it('prices a discount with the revenue given up on those who stay anyway', () => {
    const d = strategyByCode('DISCOUNT')!;
    const parameters = { percent: 20, months: 2 };
    const cost = (churnWith: number) =>
      d.expectedCost({ facts: facts(), parameters, churnWith, acceptance: 1 });
    // Nobody leaves: 0.10 + 20% × 13.99 × 2 months.
    expect(cost(0)).toBeCloseTo(0.1 + 0.2 * 13.99 * 2, 10);
    expect(cost(0.5)).toBeLessThan(cost(0));
    expect(d.realisedCost({ facts: facts(), parameters, discountedCharges: 1 })).toBeCloseTo(
      0.1 + 0.2 * 13.99,
      10,
    );
    expect(d.toTreatment(parameters)).toEqual({ code: 'DISCOUNT', percent: 20, months: 2 });
  });

  it('offers a downgrade only above BASIC, lowering the expected fee by the acceptance', () => {
    const d = strategyByCode('DOWNGRADE_OFFER')!;
    expect(d.isEligible(facts({ plan: 'BASIC' }))).toBe(false);
    expect(d.isEligible(facts({ plan: 'PREMIUM' }))).toBe(true);
    expect(lowerPlanFee('STANDARD')).toBe(7.99);
    const ratio = d.expectedFeeRatio({
      facts: facts(),
      parameters: {},
      churnWith: 0.1,
      acceptance: 0.5,
    });
    expect(ratio).toBeCloseTo(1 - 0.5 * ((13.99 - 7.99) / 13.99), 10);
  });

  it('nudges a card update only after a recent payment failure', () => {
    const p = strategyByCode('PAYMENT_RECOVERY')!;
    expect(p.isEligible(facts({ daysSincePaymentFailure: 3 }))).toBe(true);
    expect(p.isEligible(facts({ daysSincePaymentFailure: 45 }))).toBe(false);
  });

  it('fills parameter defaults and names a bad one', () => {
    const d = strategyByCode('DISCOUNT')!;
    expect(resolveParameters(d, { percent: 30 })).toEqual({ percent: 30, months: 2 });
    expect(() => resolveParameters(d, { percent: 80 })).toThrow(/percent must be within 5..50/);
    expect(() => resolveParameters(d, { colour: 1 })).toThrow(/no parameter 'colour'/);
  });
});
