import { ArgsType, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../common/pagination';
import { RiskLevel } from '../model-registry/risk-levels';
import { RiskUpdate } from '../scoring/risk-update.types';
import { AlertChange, AlertReason, AlertResolution, AlertStatus } from './alert-reason';

@ObjectType({
  description:
    'A risk alert: at most one per subscriber is not RESOLVED. `probability` and `riskLevel` are those of the ' +
    'rescore that raised it or last escalated it; `currentProbability` and `currentLevel` follow later rescores.',
})
export class RiskAlert extends RiskUpdate {
  @Field(() => ID, { description: 'The alert’s id.' })
  id!: string;

  @Field({
    description:
      'The alert’s place in raise order (its opening or latest escalation): pass as riskAlerts(after:) to catch up on what was raised since.',
  })
  cursor!: string;

  @Field(() => AlertReason, { description: 'Why it was opened.' })
  reason!: AlertReason;

  @Field(() => AlertStatus, { description: 'OPEN, ACKNOWLEDGED or RESOLVED.' })
  status!: AlertStatus;

  @Field(() => AlertResolution, {
    nullable: true,
    description: 'Why it was resolved; null until then.',
  })
  resolution!: AlertResolution | null;

  @Field(() => RiskLevel, { description: 'The level it was opened at.' })
  openedLevel!: RiskLevel;

  @Field(() => RiskLevel, { description: 'The subscriber’s level at their latest rescore.' })
  currentLevel!: RiskLevel;

  @Field(() => Float, { description: 'The subscriber’s probability at their latest rescore.' })
  currentProbability!: number;

  @Field(() => Float, { description: 'The highest probability while the alert was open.' })
  peakProbability!: number;

  @Field({ description: 'When it was opened.' })
  raisedAt!: Date;

  @Field({ description: 'When it reached its level (opened, or last escalated).' })
  levelReachedAt!: Date;

  @Field({ description: 'When it last changed.' })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was acknowledged.' })
  acknowledgedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Who acknowledged it (the API key’s name or role).',
  })
  acknowledgedBy!: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was resolved.' })
  resolvedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who resolved it: a person, or "system".' })
  resolvedBy!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A note left when acknowledging or resolving.',
  })
  note!: string | null;
}

@ObjectType({ description: 'A page of risk alerts in raise order.' })
export class RiskAlertConnection extends Connection(RiskAlert, 'RiskAlert') {}

@ObjectType({ description: 'A lifecycle change of an alert, as riskAlertChanged pushes it.' })
export class RiskAlertChange {
  @Field(() => AlertChange, { description: 'What happened.' })
  change!: AlertChange;

  @Field(() => RiskAlert, { description: 'The alert after the change.' })
  alert!: RiskAlert;

  @Field(() => RiskLevel, {
    nullable: true,
    description: 'The alert’s level before the change; null when it was opened by it.',
  })
  previousAlertLevel!: RiskLevel | null;
}

@ArgsType()
export class RiskAlertsArgs {
  @Field(() => String, {
    nullable: true,
    description:
      'A cursor from a RiskAlert or a previous page: only alerts raised (or escalated) after it.',
  })
  after?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 50, description: 'Page size, 1..500.' })
  first!: number;

  @Field(() => RiskLevel, { nullable: true, description: 'Only alerts at or above this level.' })
  minLevel?: RiskLevel | null;

  @Field(() => ID, { nullable: true, description: "Only this subscriber's alerts." })
  userId?: string | null;

  @Field(() => [AlertStatus], { nullable: true, description: 'Only alerts in these statuses.' })
  status?: AlertStatus[] | null;
}
