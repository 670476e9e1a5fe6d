/**
 * When a rescore opens, escalates, refreshes or resolves a subscriber's alert. Pure: the previous and
 * new score and the open alert in, an action out. One alert per subscriber at a time: while one is open
 * a further rise escalates it rather than stacking another.
 */
import { RISK_ORDER, RiskLevel } from '../model-registry/risk-levels';
import { AlertReason } from './alert-reason';

export interface ScorePoint {
  probability: number;
  riskLevel: RiskLevel;
}

/** The subscriber's alert that is not resolved, as the rule needs it. */
export interface OpenAlert {
  /** The level the alert was raised or last escalated at. */
  riskLevel: RiskLevel;
  /** The level it was opened at (below ALERT_MIN_LEVEL for a probability jump). */
  openedLevel: RiskLevel;
}

export interface AlertRule {
  /** The lowest level that opens an alert (ALERT_MIN_LEVEL). */
  minLevel: RiskLevel;
  /**
   * A rise of the probability by more than this in one rescore opens an alert at MEDIUM or above
   * (ALERT_PROBABILITY_DELTA); null switches jump alerts off.
   */
  jumpDelta: number | null;
}

export type AlertAction =
  | { kind: 'OPEN'; reason: AlertReason }
  | { kind: 'ESCALATE' }
  | { kind: 'REFRESH' }
  | { kind: 'RESOLVE' };

const rank = (level: RiskLevel) => RISK_ORDER.indexOf(level);

export function alertAction(
  previous: ScorePoint | null,
  current: ScorePoint,
  open: OpenAlert | null,
  rule: AlertRule,
): AlertAction | null {
  if (open) {
    // Resolved once risk falls below the band the alert was opened in.
    const floor = Math.min(rank(rule.minLevel), rank(open.openedLevel));
    if (rank(current.riskLevel) < floor) return { kind: 'RESOLVE' };
    if (rank(current.riskLevel) > rank(open.riskLevel)) return { kind: 'ESCALATE' };
    return { kind: 'REFRESH' };
  }
  if (rank(current.riskLevel) >= rank(rule.minLevel)) {
    const crossed = previous === null || rank(previous.riskLevel) < rank(rule.minLevel);
    return { kind: 'OPEN', reason: crossed ? AlertReason.LEVEL_CROSSED : AlertReason.HIGH_RISK };
  }
  if (jumped(previous, current, rule) && rank(current.riskLevel) >= rank(RiskLevel.MEDIUM))
    return { kind: 'OPEN', reason: AlertReason.PROBABILITY_JUMP };
  return null;
}

function jumped(previous: ScorePoint | null, current: ScorePoint, rule: AlertRule): boolean {
  return (
    rule.jumpDelta !== null &&
    previous !== null &&
    current.probability - previous.probability > rule.jumpDelta
  );
}
