/**
 * The retention strategies as named catalogue entries (code, description, parameters, cost model,
 * eligibility), like the recommendation sources: adding a strategy is adding an entry, and the
 * planner, the experiments and the simulator read only this interface.
 */
import type { StrategyCode, Treatment } from '../../../seeds/world/retention-effects';
import { PLAN_FEES_CENTS, PLANS } from '../../../seeds/world/vocabulary';

export { STRATEGY_CODES, type StrategyCode } from '../../../seeds/world/retention-effects';

/** What the catalogue needs to know about a subscriber, from the churn features. */
export interface SubscriberFacts {
  userId: string;
  plan: string;
  /** Monthly fee, currency. */
  monthlyFee: number;
  daysSincePaymentFailure: number;
}

export interface StrategyParameter {
  name: string;
  description: string;
  defaultValue: number;
  min: number;
  max: number;
}

/** Inputs of a strategy's expected cost for one subscriber. */
export interface CostInputs {
  facts: SubscriberFacts;
  parameters: Readonly<Record<string, number>>;
  /** P(churn within the horizon) if treated. */
  churnWith: number;
  /** P(the offer is accepted), where the strategy is an offer (else 1). */
  acceptance: number;
}

/** What a treated subscriber actually cost in a replayed future. */
export interface RealisedCostInputs {
  facts: SubscriberFacts;
  parameters: Readonly<Record<string, number>>;
  /** Discounted monthly charges billed (expected or realised). */
  discountedCharges: number;
}

export interface RetentionStrategyDefinition {
  code: StrategyCode;
  name: string;
  description: string;
  parameters: StrategyParameter[];
  /** Cost of one contact, currency. */
  contactCost: number;
  /** The cost model in words. */
  costModel: string;
  /** Who may receive it, in words. */
  eligibility: string;
  isEligible(facts: SubscriberFacts): boolean;
  /** Expected cost of treating this subscriber, currency. */
  expectedCost(c: CostInputs): number;
  /** Expected fee after the action / fee now (an accepted downgrade lowers it). */
  expectedFeeRatio(c: CostInputs): number;
  /** Cost given what happened in the world. */
  realisedCost(c: RealisedCostInputs): number;
  /** The world's form of this strategy. */
  toTreatment(parameters: Readonly<Record<string, number>>): Treatment;
}

/** The fee of the plan below, or null on the cheapest plan. */
export function lowerPlanFee(plan: string): number | null {
  const k = PLANS.indexOf(plan as (typeof PLANS)[number]);
  return k > 0 ? PLAN_FEES_CENTS[k - 1] / 100 : null;
}

const contactOnly = (code: StrategyCode, contactCost: number) => ({
  contactCost,
  costModel: `${contactCost.toFixed(2)} per contact`,
  expectedCost: () => contactCost,
  expectedFeeRatio: () => 1,
  realisedCost: () => contactCost,
  toTreatment: (): Treatment => ({ code }),
});

const DISCOUNT: RetentionStrategyDefinition = {
  code: 'DISCOUNT',
  name: 'Discount',
  description:
    'x% off the monthly fee for n months. Its cost includes the revenue given up on subscribers who would have stayed anyway.',
  parameters: [
    { name: 'percent', description: 'Percent off the fee', defaultValue: 20, min: 5, max: 50 },
    { name: 'months', description: 'Months the discount runs', defaultValue: 2, min: 1, max: 6 },
  ],
  contactCost: 0.1,
  costModel:
    '0.10 per contact + percent × fee × months × expected share of those months still subscribed',
  eligibility: 'every active subscriber',
  isEligible: () => true,
  expectedCost: ({ facts, parameters, churnWith }) =>
    0.1 +
    (parameters.percent / 100) *
      facts.monthlyFee *
      parameters.months *
      // Survival falls from 1 to 1 − churnWith over the horizon: on average half of it is lost.
      (1 - churnWith / 2),
  expectedFeeRatio: () => 1,
  realisedCost: ({ facts, parameters, discountedCharges }) =>
    0.1 + (parameters.percent / 100) * facts.monthlyFee * discountedCharges,
  toTreatment: (p) => ({ code: 'DISCOUNT', percent: p.percent, months: p.months }),
};

const DOWNGRADE_OFFER: RetentionStrategyDefinition = {
  code: 'DOWNGRADE_OFFER',
  name: 'Downgrade offer',
  description: 'Offer the plan below at its price instead of cancelling.',
  parameters: [],
  contactCost: 0.1,
  costModel:
    '0.10 per contact; the lower fee of those who accept shows in the value kept (fee ratio), not the cost',
  eligibility: 'subscribers above the BASIC plan',
  isEligible: (f) => lowerPlanFee(f.plan) !== null,
  expectedCost: () => 0.1,
  expectedFeeRatio: ({ facts, acceptance }) => {
    const lower = lowerPlanFee(facts.plan);
    if (lower === null || facts.monthlyFee <= 0) return 1;
    return 1 - acceptance * Math.max(0, (facts.monthlyFee - lower) / facts.monthlyFee);
  },
  realisedCost: () => 0.1,
  toTreatment: () => ({ code: 'DOWNGRADE_OFFER' }),
};

export const RETENTION_STRATEGIES: readonly RetentionStrategyDefinition[] = [
  DISCOUNT,
  {
    code: 'CONTENT_PUSH',
    name: 'Content push',
    description: 'A personalised recommendation message with titles picked for the subscriber.',
    parameters: [],
    eligibility: 'every active subscriber',
    isEligible: () => true,
    ...contactOnly('CONTENT_PUSH', 0.25),
  },
  {
    code: 'REENGAGEMENT_MESSAGE',
    name: 'Re-engagement message',
    description: 'A "we miss you" message with a reason to come back (new season, watchlist).',
    parameters: [],
    eligibility: 'every active subscriber',
    isEligible: () => true,
    ...contactOnly('REENGAGEMENT_MESSAGE', 0.5),
  },
  DOWNGRADE_OFFER,
  {
    code: 'PAYMENT_RECOVERY',
    name: 'Payment recovery',
    description: 'A card-update nudge after a failed payment.',
    parameters: [],
    eligibility: 'a payment failed in the last 30 days',
    isEligible: (f) => f.daysSincePaymentFailure <= 30,
    ...contactOnly('PAYMENT_RECOVERY', 0.05),
  },
];

/** The catalogue entry for `code`, or undefined. */
export function strategyByCode(code: string): RetentionStrategyDefinition | undefined {
  return RETENTION_STRATEGIES.find((s) => s.code === code);
}

/** Parameters with defaults filled in; throws a message naming the bad one. */
export function resolveParameters(
  strategy: RetentionStrategyDefinition,
  given: Readonly<Record<string, number>> = {},
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(given)) {
    if (!strategy.parameters.some((p) => p.name === name))
      throw new Error(`${strategy.code} has no parameter '${name}'`);
  }
  for (const p of strategy.parameters) {
    const v = given[p.name] ?? p.defaultValue;
    if (!Number.isFinite(v) || v < p.min || v > p.max)
      throw new Error(`${strategy.code} ${p.name} must be within ${p.min}..${p.max}, got ${v}`);
    out[p.name] = v;
  }
  return out;
}
