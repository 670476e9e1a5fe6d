import { registerEnumType } from 'type-graphql';
import { invalidArgument } from '../../common/domain-error';

export enum RiskLevel {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}
registerEnumType(RiskLevel, {
  name: 'RiskLevel',
  description:
    'Churn risk band of a calibrated 30-day churn probability (thresholds: RISK_THRESHOLDS).',
  valuesConfig: {
    LOW: { description: 'Below the MEDIUM threshold (0.1 by default).' },
    MEDIUM: { description: 'From the MEDIUM threshold up to HIGH (0.1-0.25 by default).' },
    HIGH: { description: 'From the HIGH threshold up to CRITICAL (0.25-0.5 by default).' },
    CRITICAL: { description: 'At or above the CRITICAL threshold (0.5 by default).' },
  },
});

export const RISK_ORDER: readonly RiskLevel[] = [
  RiskLevel.LOW,
  RiskLevel.MEDIUM,
  RiskLevel.HIGH,
  RiskLevel.CRITICAL,
];

/** Lower bounds of MEDIUM, HIGH and CRITICAL. */
export type RiskThresholds = readonly [medium: number, high: number, critical: number];

export function riskLevelOf(probability: number, thresholds: RiskThresholds): RiskLevel {
  if (probability >= thresholds[2]) return RiskLevel.CRITICAL;
  if (probability >= thresholds[1]) return RiskLevel.HIGH;
  if (probability >= thresholds[0]) return RiskLevel.MEDIUM;
  return RiskLevel.LOW;
}

/** Levels at or above `min`, for filters such as atRiskUsers(minLevel: HIGH). */
export function levelsAtOrAbove(min: RiskLevel): RiskLevel[] {
  return RISK_ORDER.slice(RISK_ORDER.indexOf(min));
}

/** "0.1,0.25,0.5" → [0.1, 0.25, 0.5]; strictly increasing, within (0, 1). */
export function parseRiskThresholds(raw: string): RiskThresholds {
  const parts = raw.split(',').map((s) => Number(s.trim()));
  const ok =
    parts.length === 3 &&
    parts.every((p) => Number.isFinite(p) && p > 0 && p < 1) &&
    parts[0] < parts[1] &&
    parts[1] < parts[2];
  if (!ok)
    throw invalidArgument(
      `expected three increasing probabilities in (0, 1) like "0.1,0.25,0.5", got "${raw}"`,
    );
  return [parts[0], parts[1], parts[2]];
}
