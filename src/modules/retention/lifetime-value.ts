/**
 * What a retained subscriber is worth. A port, so a survival-based customer lifetime value can
 * replace the default without touching the planner: the default values a subscriber at a fixed
 * number of months of their current fee.
 */
export interface LifetimeValue {
  /** A short description for reports ("12 months × monthly fee"). */
  readonly description: string;
  /**
   * Lifetime value of each subscriber if retained, currency, given their monthly fee now and the
   * planning horizon in days. Shape: userIds [n] → [n].
   */
  valueOf(
    subscribers: readonly { userId: string; monthlyFee: number }[],
    horizonDays: number,
  ): Promise<number[]>;
}

/** months × monthly fee. */
export class MonthsOfFeeLifetimeValue implements LifetimeValue {
  readonly description: string;

  constructor(private readonly months = 12) {
    this.description = `${months} months × monthly fee`;
  }

  async valueOf(subscribers: readonly { monthlyFee: number }[]): Promise<number[]> {
    return subscribers.map((s) => this.months * s.monthlyFee);
  }
}
