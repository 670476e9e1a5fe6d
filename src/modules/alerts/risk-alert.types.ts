import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../common/pagination';
import { RiskLevel } from '../scoring/risk-levels';
import { RiskUpdate } from '../scoring/risk-update.types';
import { AlertReason } from './alert-reason';

@ObjectType({ description: 'A rescore that crossed into HIGH/CRITICAL or jumped; persisted.' })
export class RiskAlert extends RiskUpdate {
  @Field(() => ID, { description: "The alert's id." })
  id!: string;

  @Field({ description: 'Pass as riskAlerts(after:) to catch up on alerts raised since this one.' })
  cursor!: string;

  @Field(() => AlertReason, { description: 'Why it was raised.' })
  reason!: AlertReason;

  @Field({ description: 'When the alert was raised.' })
  raisedAt!: Date;
}

@ObjectType({ description: 'A page of risk alerts, in the order they were raised.' })
export class RiskAlertConnection extends Connection(RiskAlert, 'RiskAlert') {}

@ArgsType()
export class RiskAlertsArgs {
  @Field(() => String, {
    nullable: true,
    description: 'A cursor from a RiskAlert or a previous page: only alerts raised after it.',
  })
  after?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 50, description: '1..500.' })
  first!: number;

  @Field(() => RiskLevel, { nullable: true, description: 'Only alerts at or above this level.' })
  minLevel?: RiskLevel | null;

  @Field(() => ID, { nullable: true, description: "Only this subscriber's alerts." })
  userId?: string | null;
}
