/**
 * Lifetime value: what keeping a subscriber is worth. From each active subscriber's survival curve
 * (SurvivalService) and their monthly fee, CLV = Σ_{m=1..M} S(30·m) × fee × margin rate ×
 * (1 + r)^(−m/12) (src/ml/survival/lifetime-value.ts). Other modules (retention) call
 * `lifetimeValues` to weigh what a saved subscriber is worth against what saving them costs.
 */
import { lifetimeValue } from '../../ml';
import type { SegmentsService } from '../segments/segments.service';
import type { UserService } from '../users/user.service';
import type { ServedSurvival, SurvivalService } from './survival.service';
import type { LifetimeValueGroup, LifetimeValueOverview } from './lifetime-value.types';

export interface LifetimeValueSettings {
  /** Share of the monthly fee that is margin, (0, 1]. */
  marginRate: number;
  annualDiscountRate: number;
  horizonMonths: number;
}

/** One subscriber's value. Money in the unit of the monthly fee. */
export interface SubscriberLifetimeValue {
  userId: string;
  /** Discounted margin of the expected future monthly payments. */
  clv: number;
  monthlyMargin: number;
  /** Expected whole days still subscribed. */
  expectedRemainingDays: number;
  /** The survival model version behind the curve. */
  modelVersion: string;
}

/** Subscribers valued per round trip (their online features are read in one statement). */
const CHUNK = 5000;

export class LifetimeValueService {
  constructor(
    private readonly survival: SurvivalService,
    private readonly segments: SegmentsService,
    private readonly users: UserService,
    readonly settings: LifetimeValueSettings,
  ) {}

  /**
   * Lifetime values of the given subscribers, in input order, for those who are active (others
   * are left out). Throws NO_ACTIVE_MODEL (DomainError) while no survival model is trained.
   */
  async lifetimeValues(userIds: readonly string[]): Promise<SubscriberLifetimeValue[]> {
    return (await this.valuesFor(userIds)).filter((v): v is SubscriberLifetimeValue => v !== null);
  }

  /** Aligned with `userIds`: null for a subscriber who is not active (the per-request loader's form). */
  async valuesFor(userIds: readonly string[]): Promise<(SubscriberLifetimeValue | null)[]> {
    const out: (SubscriberLifetimeValue | null)[] = [];
    for (let i = 0; i < userIds.length; i += CHUNK) {
      const served = await this.survival.forUsers(userIds.slice(i, i + CHUNK));
      out.push(...served.map((s) => (s ? this.valueFrom(s) : null)));
    }
    return out;
  }

  /** Every active subscriber's value, in total, by segment of the latest run and by plan. */
  async overview(): Promise<LifetimeValueOverview | null> {
    if (!(await this.survival.activeRow())) return null;
    const ids = await this.users.activeIds();
    const served: ServedSurvival[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      for (const s of await this.survival.forUsers(ids.slice(i, i + CHUNK))) if (s) served.push(s);
    }
    const values = served.map((s) => this.valueFrom(s));
    const segmentIds = await this.segments.segmentIdsOf(served.map((s) => s.userId));
    const labels = new Map((await this.segments.list()).map((s) => [s.id, s.label]));
    const total = values.reduce((a, v) => a + v.clv, 0);
    return {
      modelVersion: values[0]?.modelVersion ?? (await this.survival.activeRow())!.version,
      subscribers: values.length,
      totalClv: total,
      meanClv: values.length > 0 ? total / values.length : 0,
      ...this.settings,
      bySegment: groupValues(values, segmentIds, (g) => labels.get(g) ?? `Segment ${g}`),
      byPlan: groupValues(
        values,
        served.map((s) => s.plan),
        (g) => g,
      ),
    };
  }

  /** The value of a curve already served (a request that shows both reads the features once). */
  valueFrom(s: ServedSurvival): SubscriberLifetimeValue {
    const monthlyMargin =
      (Number.isFinite(s.monthlyFee) ? s.monthlyFee : 0) * this.settings.marginRate;
    return {
      userId: s.userId,
      clv: lifetimeValue(s.values, {
        monthlyMargin,
        annualDiscountRate: this.settings.annualDiscountRate,
        horizonMonths: this.settings.horizonMonths,
        tailHazard: s.tailHazard,
      }),
      monthlyMargin,
      expectedRemainingDays: s.expectedRemainingDays,
      modelVersion: s.modelVersion,
    };
  }
}

function groupValues(
  values: readonly SubscriberLifetimeValue[],
  groups: readonly (string | null)[],
  labelOf: (group: string) => string,
): LifetimeValueGroup[] {
  const by = new Map<string, SubscriberLifetimeValue[]>();
  values.forEach((v, i) => {
    const g = groups[i];
    if (g === null) return;
    const members = by.get(g);
    if (members) members.push(v);
    else by.set(g, [v]);
  });
  return [...by.entries()]
    .map(([group, members]) => {
      const total = members.reduce((a, v) => a + v.clv, 0);
      return {
        group,
        label: labelOf(group),
        subscribers: members.length,
        totalClv: total,
        meanClv: total / members.length,
        meanExpectedRemainingDays:
          members.reduce((a, v) => a + v.expectedRemainingDays, 0) / members.length,
      };
    })
    .sort((a, b) => b.totalClv - a.totalClv);
}
