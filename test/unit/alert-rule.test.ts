import { AlertReason } from '../../src/modules/alerts/alert-reason';
import { alertAction, type AlertRule } from '../../src/modules/alerts/alert-rule';
import { RiskLevel } from '../../src/modules/model-registry/risk-levels';

const at = (probability: number, riskLevel: RiskLevel) => ({ probability, riskLevel });
const rule: AlertRule = { minLevel: RiskLevel.HIGH, jumpDelta: 0.15 };
const open = (riskLevel: RiskLevel, openedLevel = riskLevel) => ({ riskLevel, openedLevel });
const { LOW, MEDIUM, HIGH, CRITICAL } = RiskLevel;

describe('alertAction without an open alert', () => {
  it('opens one when the level rises into the alert level (LEVEL_CROSSED)', () => {
    expect(alertAction(at(0.2, MEDIUM), at(0.26, HIGH), null, rule)).toEqual({
      kind: 'OPEN',
      reason: AlertReason.LEVEL_CROSSED,
    });
    expect(alertAction(null, at(0.9, CRITICAL), null, rule)).toEqual({
      kind: 'OPEN',
      reason: AlertReason.LEVEL_CROSSED,
    });
  });

  it('opens one for a subscriber already at the level with no alert (HIGH_RISK)', () => {
    expect(alertAction(at(0.3, HIGH), at(0.31, HIGH), null, rule)).toEqual({
      kind: 'OPEN',
      reason: AlertReason.HIGH_RISK,
    });
  });

  it('opens one for a jump above the delta at MEDIUM or above (strictly above), never at LOW', () => {
    expect(alertAction(at(0.02, LOW), at(0.2, MEDIUM), null, rule)).toEqual({
      kind: 'OPEN',
      reason: AlertReason.PROBABILITY_JUMP,
    });
    expect(alertAction(at(0.02, LOW), at(0.145, MEDIUM), null, rule)).toBeNull();
    expect(alertAction(at(0.0, LOW), at(0.2, LOW), null, rule)).toBeNull();
    expect(
      alertAction(at(0.02, LOW), at(0.2, MEDIUM), null, { ...rule, jumpDelta: null }),
    ).toBeNull();
  });

  it('raises nothing below the alert level without a jump', () => {
    expect(alertAction(at(0.05, LOW), at(0.12, MEDIUM), null, rule)).toBeNull();
    expect(alertAction(at(0.6, CRITICAL), at(0.2, MEDIUM), null, rule)).toBeNull();
  });
});

describe('alertAction with an open alert', () => {
  it('escalates on a higher level instead of stacking a second alert', () => {
    expect(alertAction(at(0.3, HIGH), at(0.6, CRITICAL), open(HIGH), rule)).toEqual({
      kind: 'ESCALATE',
    });
  });

  it('refreshes while the level holds or falls within the band', () => {
    expect(alertAction(at(0.3, HIGH), at(0.35, HIGH), open(HIGH), rule)).toEqual({
      kind: 'REFRESH',
    });
    expect(alertAction(at(0.6, CRITICAL), at(0.3, HIGH), open(CRITICAL, HIGH), rule)).toEqual({
      kind: 'REFRESH',
    });
  });

  it('resolves once risk falls below the band the alert was opened in', () => {
    expect(alertAction(at(0.3, HIGH), at(0.12, MEDIUM), open(HIGH), rule)).toEqual({
      kind: 'RESOLVE',
    });
    // A jump alert opened at MEDIUM stays open at MEDIUM, resolves at LOW.
    expect(alertAction(at(0.2, MEDIUM), at(0.15, MEDIUM), open(MEDIUM), rule)).toEqual({
      kind: 'REFRESH',
    });
    expect(alertAction(at(0.2, MEDIUM), at(0.05, LOW), open(MEDIUM), rule)).toEqual({
      kind: 'RESOLVE',
    });
  });
});
