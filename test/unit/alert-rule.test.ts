import { AlertReason } from '../../src/modules/alerts/alert-reason';
import { alertReasonFor } from '../../src/modules/alerts/alert-rule';
import { RiskLevel } from '../../src/modules/scoring/risk-levels';

const at = (probability: number, riskLevel: RiskLevel) => ({ probability, riskLevel });

describe('alertReasonFor', () => {
  it('raises LEVEL_CROSSED when the level rises into HIGH or CRITICAL', () => {
    expect(alertReasonFor(at(0.2, RiskLevel.MEDIUM), at(0.26, RiskLevel.HIGH), 0.15)).toBe(
      AlertReason.LEVEL_CROSSED,
    );
    expect(alertReasonFor(at(0.3, RiskLevel.HIGH), at(0.51, RiskLevel.CRITICAL), 0.15)).toBe(
      AlertReason.LEVEL_CROSSED,
    );
    expect(alertReasonFor(at(0.01, RiskLevel.LOW), at(0.9, RiskLevel.CRITICAL), 0.15)).toBe(
      AlertReason.LEVEL_CROSSED,
    );
  });

  it('raises nothing for a rise into MEDIUM within the delta, for a fall, or without a previous score', () => {
    expect(alertReasonFor(at(0.05, RiskLevel.LOW), at(0.12, RiskLevel.MEDIUM), 0.15)).toBeNull();
    expect(alertReasonFor(at(0.6, RiskLevel.CRITICAL), at(0.3, RiskLevel.HIGH), 0.15)).toBeNull();
    expect(alertReasonFor(at(0.3, RiskLevel.HIGH), at(0.31, RiskLevel.HIGH), 0.15)).toBeNull();
    expect(alertReasonFor(null, at(0.9, RiskLevel.CRITICAL), 0.15)).toBeNull();
  });

  it('raises PROBABILITY_JUMP for a rise above the delta within a level (strictly above)', () => {
    expect(alertReasonFor(at(0.55, RiskLevel.CRITICAL), at(0.75, RiskLevel.CRITICAL), 0.15)).toBe(
      AlertReason.PROBABILITY_JUMP,
    );
    expect(alertReasonFor(at(0.02, RiskLevel.LOW), at(0.2, RiskLevel.MEDIUM), 0.15)).toBe(
      AlertReason.PROBABILITY_JUMP,
    );
    expect(
      alertReasonFor(at(0.5, RiskLevel.CRITICAL), at(0.625, RiskLevel.CRITICAL), 0.125),
    ).toBeNull();
  });
});
