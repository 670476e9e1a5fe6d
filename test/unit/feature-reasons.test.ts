/** Contribution wording in plain units: what each sentence says, and what it compares with. */
import {
  RiskDirection,
  type FeatureContribution,
} from '../../src/modules/explanations/explanation.types';
import { mergePairs } from '../../src/modules/explanations/merge-pairs';
import {
  ComparedTo,
  comparedToOf,
  fortnightHours,
  fortnightSentence,
} from '../../src/modules/explanations/contribution-wording';
import { reasonFor } from '../../src/modules/explanations/feature-reasons';
import { plainValue, withUnit } from '../../src/modules/explanations/feature-units';

function contribution(feature: string, value: number, c: number): FeatureContribution {
  return {
    feature,
    label: feature,
    value,
    valueText: null,
    typicalValue: null,
    typicalValueText: null,
    unit: null,
    plainValue: plainValue(feature, value),
    typicalPlainValue: null,
    comparedTo: comparedToOf(feature),
    pairedFeature: null,
    pairedPlainValue: null,
    contribution: c,
    direction: c >= 0 ? RiskDirection.RAISES_RISK : RiskDirection.LOWERS_RISK,
    reason: reasonFor(feature, value, null),
  };
}

describe('feature reasons in plain units', () => {
  it('reads decayed viewing as sessions a week, not a level', () => {
    // 0.7 decayed over 7 days ≈ 0.7 sessions a week; 120 over 90 days ≈ 9.3 a week.
    expect(reasonFor('views_decayed_7d', 0.7, 4.1)).toBe(
      'Watches about 0.7 sessions a week lately (typical subscriber: 4.1 a week)',
    );
    expect(reasonFor('views_decayed_90d', 120, 40)).toBe(
      'Usually watches about 9.3 sessions a week (typical subscriber: 3.1 a week)',
    );
  });

  it('counts payment failures and converts units', () => {
    expect(reasonFor('payment_failures_90d', 2, 0)).toBe('2 payment failures in 90 days');
    expect(reasonFor('payment_failures_90d', 0, 0)).toBe('No payment failures in 90 days');
    expect(withUnit('watch_minutes_30d', plainValue('watch_minutes_30d', 1800)!)).toBe('7 h/week');
    expect(withUnit('tenure_days', plainValue('tenure_days', 91.32)!)).toBe('3 months');
    expect(withUnit('mean_completion_30d', plainValue('mean_completion_30d', 0.42)!)).toBe(
      '42% of each title',
    );
  });

  it('says what each value is compared with', () => {
    expect(comparedToOf('views_decayed_7d')).toBe(ComparedTo.OWN_PAST);
    expect(comparedToOf('watch_trend_14d')).toBe(ComparedTo.OWN_PAST);
    expect(comparedToOf('payment_failures_90d')).toBe(ComparedTo.EVERYONE);
  });

  it('merges recent and usual viewing into one change, keeping the sum', () => {
    const list = [
      contribution('views_decayed_90d', 120, 0.4),
      contribution('payment_failures_90d', 2, 0.3),
      contribution('views_decayed_7d', 0.7, 0.9),
    ];
    const merged = mergePairs(list);
    expect(merged.map((c) => c.feature)).toEqual(['views_decayed_90d', 'payment_failures_90d']);
    expect(merged[0]).toMatchObject({
      pairedFeature: 'views_decayed_7d',
      comparedTo: ComparedTo.OWN_PAST,
      direction: RiskDirection.RAISES_RISK,
      reason: 'Viewing fell from 9.3 to 0.7 sessions/week (against their own usual)',
    });
    expect(merged[0].contribution).toBeCloseTo(1.3, 12);
    expect(merged.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(1.6, 12);
  });

  it('reads a watch-time trend as hours in each fortnight', () => {
    // 28 days, oldest first: 20 min a day for two weeks, then 2 min a day.
    const sequence = Array.from({ length: 28 }, (_, d) => [1, d < 14 ? 20 : 2, 0.5]);
    const { last, before } = fortnightHours(sequence);
    expect(before).toBeCloseTo((14 * 20) / 60, 12);
    expect(last).toBeCloseTo((14 * 2) / 60, 12);
    expect(fortnightSentence(last, before)).toBe(
      'Watched 0.5 h in the last 14 days, 4.7 h in the 14 before',
    );
  });
});
