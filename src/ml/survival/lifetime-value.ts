/**
 * Customer lifetime value from a survival curve: the discounted margin of the monthly payments a
 * subscriber is expected to make. Payment m (m = 1 … M) falls due 30·m days from now and is made
 * only by a subscriber still subscribed then, with probability S(30·m):
 *
 *   CLV = Σ_{m=1..M} S(30·m) × monthly margin × (1 + annual discount rate)^(−m/12)
 *
 * The payment for the month under way is taken as made already. Beyond the curve's last day S is
 * continued with a constant daily hazard (see survival-curve.ts).
 */
import { survivalOnDay } from './survival-curve';

export const DAYS_PER_MONTH = 30;

export interface LifetimeValueOptions {
  /** Margin on one monthly payment, in money (e.g. fee × margin rate). */
  monthlyMargin: number;
  /** Annual discount rate, e.g. 0.1 for 10 % a year. */
  annualDiscountRate: number;
  /** Monthly payments counted (M). */
  horizonMonths: number;
  /** Daily hazard that continues the curve beyond its last day. */
  tailHazard: number;
}

/** CLV of one subscriber. Shape: curve [H] = S(1 … H). Same unit as monthlyMargin. */
export function lifetimeValue(curve: ArrayLike<number>, options: LifetimeValueOptions): number {
  const { monthlyMargin, annualDiscountRate, horizonMonths, tailHazard } = options;
  if (!(annualDiscountRate > -1))
    throw new Error(`a discount rate must exceed −1, got ${annualDiscountRate}`);
  let value = 0;
  for (let m = 1; m <= horizonMonths; m++) {
    const alive = survivalOnDay(curve, DAYS_PER_MONTH * m, tailHazard);
    value += (alive * monthlyMargin) / (1 + annualDiscountRate) ** (m / 12);
  }
  return value;
}
