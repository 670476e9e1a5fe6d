import { RISK_ORDER, RiskLevel } from '../scoring/risk-levels';
import { AlertReason } from './alert-reason';

export interface ScorePoint {
  probability: number;
  riskLevel: RiskLevel;
}

const ALERT_LEVELS: ReadonlySet<RiskLevel> = new Set([RiskLevel.HIGH, RiskLevel.CRITICAL]);

/**
 * Whether a rescore raises an alert: the level crossed upward into HIGH or CRITICAL (MEDIUM → HIGH,
 * HIGH → CRITICAL, LOW → CRITICAL…), or the probability rose by more than `delta`. A first score has
 * nothing to compare with and raises none. Crossing wins when both hold.
 */
export function alertReasonFor(
  previous: ScorePoint | null,
  current: ScorePoint,
  delta: number,
): AlertReason | null {
  if (!previous) return null;
  const rose = RISK_ORDER.indexOf(current.riskLevel) > RISK_ORDER.indexOf(previous.riskLevel);
  if (rose && ALERT_LEVELS.has(current.riskLevel)) return AlertReason.LEVEL_CROSSED;
  if (current.probability - previous.probability > delta) return AlertReason.PROBABILITY_JUMP;
  return null;
}
