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

/** What the survival module's lifetime values need to look like to be used here. */
export interface LifetimeValueSource {
  valuesFor(userIds: readonly string[]): Promise<({ clv: number } | null)[]>;
}

/**
 * The survival-based customer lifetime value (Σ S(t) × monthly margin, discounted; see
 * docs/survival-and-value.md), falling back to months × fee for a subscriber it cannot value (no
 * survival model trained yet).
 */
export class SurvivalLifetimeValue implements LifetimeValue {
  private readonly fallback = new MonthsOfFeeLifetimeValue(12);
  /** Whether the latest valuation used survival curves (else every subscriber fell back). */
  private usedCurves = false;

  get description(): string {
    return this.usedCurves
      ? 'survival-based lifetime value (Σ S(t) × margin, discounted)'
      : `${this.fallback.description} (no survival model yet)`;
  }

  constructor(private readonly source: LifetimeValueSource) {}

  async valueOf(
    subscribers: readonly { userId: string; monthlyFee: number }[],
    horizonDays: number,
  ): Promise<number[]> {
    const values = await this.source
      .valuesFor(subscribers.map((s) => s.userId))
      .catch(() => subscribers.map(() => null));
    const missing = await this.fallback.valueOf(subscribers);
    // The curve already covers the subscriber's expected remaining tenure, whatever the plan's horizon.
    void horizonDays;
    this.usedCurves = values.some((v) => v !== null);
    return subscribers.map((_, i) => values[i]?.clv ?? missing[i]);
  }
}
