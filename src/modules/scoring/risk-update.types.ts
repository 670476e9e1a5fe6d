import { ArgsType, Field, Float, ID, ObjectType } from 'type-graphql';
import { ViewingEvent } from '../events/viewing-event.entity';
import type { RiskUpdatedPayload, ViewingEventPayload } from '../../pubsub/topics';
import { RiskLevel } from './risk-levels';

@ObjectType({ description: "A subscriber's churn score changed after they were rescored live." })
export class RiskUpdate {
  @Field(() => ID, { description: 'The rescored subscriber.' })
  userId!: string;

  @Field(() => ID, { description: 'The churn_scores row.' })
  scoreId!: string;

  @Field(() => Float, { description: 'The new calibrated 30-day churn probability.' })
  probability!: number;

  @Field(() => Float, { nullable: true, description: 'The score before this one; null if none.' })
  previousProbability!: number | null;

  @Field(() => RiskLevel, { description: 'The new risk level.' })
  riskLevel!: RiskLevel;

  @Field(() => RiskLevel, {
    nullable: true,
    description: 'The level before; null for a first score.',
  })
  previousRiskLevel!: RiskLevel | null;

  @Field({ description: 'The model version that computed it.' })
  modelVersion!: string;

  @Field({ description: 'When the new score was computed.' })
  scoredAt!: Date;

  @Field(() => ViewingEvent, {
    nullable: true,
    description:
      'The event that caused the rescore (the latest, when several arrived together); null for batch scores.',
  })
  cause!: ViewingEvent | null;
}

@ArgsType()
export class RiskUpdatedArgs {
  @Field(() => [ID], {
    nullable: true,
    description: 'Only these subscribers (at most 1,000); every subscriber when omitted.',
  })
  userIds?: string[] | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Only updates whose new probability is at least this (0..1).',
  })
  minProbability?: number | null;
}

/** A published viewing event as the GraphQL ViewingEvent (timestamps revived). */
export function viewingEventFrom(p: ViewingEventPayload): ViewingEvent {
  return { ...p, startedAt: new Date(p.startedAt), ingestedAt: new Date(p.ingestedAt) };
}

/** A RISK_UPDATED payload as the GraphQL RiskUpdate. */
export function riskUpdateFrom(p: RiskUpdatedPayload): RiskUpdate {
  return {
    ...p,
    scoredAt: new Date(p.scoredAt),
    cause: p.cause ? viewingEventFrom(p.cause) : null,
  };
}
