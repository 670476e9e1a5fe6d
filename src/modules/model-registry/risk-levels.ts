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
    'Churn risk band of a calibrated 30-day churn probability. Each model version chooses its bands on its ' +
    'validation snapshot so that every level is reachable and means the same share of subscribers ' +
    '(ModelVersion.riskLevels states the lift and precision of each); RISK_THRESHOLDS overrides them.',
  valuesConfig: {
    LOW: { description: 'The lower 70% of subscribers by risk: below the base churn rate.' },
    MEDIUM: { description: 'The next 20%: at or somewhat above the base rate.' },
    HIGH: {
      description:
        'The next 7.5%: several times the base rate; alerts open at this level by default.',
    },
    CRITICAL: { description: 'The riskiest 2.5%: the highest lift; act now.' },
  },
});

/** Bands when neither RISK_THRESHOLDS nor the model version sets them (versions trained before bands). */
export const DEFAULT_RISK_THRESHOLDS: RiskThresholds = [0.1, 0.25, 0.5];

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
