import { ArgsType, Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AccountEvent } from '../events/account-event.inputs';
import { viewingEventFrom } from '../events/event-payloads';
import { ViewingEvent } from '../events/viewing-event.entity';
import type { RiskUpdatedPayload } from './risk-update.topics';
import { RiskLevel } from '../model-registry/risk-levels';

/** What made a subscriber be rescored. */
export enum ScoreCause {
  VIEWING = 'VIEWING',
  ACCOUNT = 'ACCOUNT',
  TIME = 'TIME',
}
registerEnumType(ScoreCause, {
  name: 'ScoreCause',
  description: 'What made a subscriber be rescored.',
  valuesConfig: {
    VIEWING: { description: 'Viewing events were recorded (recordViewingEvents).' },
    ACCOUNT: { description: 'Account events were recorded (recordAccountEvents).' },
    TIME: {
      description:
        'Time passed: the time-driven pass rescored the subscriber as their recencies moved.',
    },
  },
});

@ObjectType({ description: "A subscriber's churn score after a live rescore." })
export class RiskUpdate {
  @Field(() => ID, { description: 'The subscriber.' })
  userId!: string;

  @Field(() => ID, { description: 'The churn_scores row.' })
  scoreId!: string;

  @Field(() => Float, { description: 'Calibrated probability of cancelling within 30 days.' })
  probability!: number;

  @Field(() => Float, { nullable: true, description: 'The score before this one; null if none.' })
  previousProbability!: number | null;

  @Field(() => RiskLevel, { description: 'The risk level of `probability`.' })
  riskLevel!: RiskLevel;

  @Field(() => RiskLevel, {
    nullable: true,
    description: 'The level before this rescore; null if none.',
  })
  previousRiskLevel!: RiskLevel | null;

  @Field({ description: 'The model version that scored.' })
  modelVersion!: string;

  @Field({ description: 'The instant the score is for.' })
  scoredAt!: Date;

  @Field(() => ScoreCause, { description: 'What made the subscriber be rescored.' })
  causeKind!: ScoreCause;

  @Field(() => ViewingEvent, {
    nullable: true,
    description:
      'The latest viewing event behind the rescore (the latest, when several arrived together); null when none.',
  })
  cause!: ViewingEvent | null;

  @Field(() => AccountEvent, {
    nullable: true,
    description: 'The latest account event behind the rescore; null when none.',
  })
  accountCause!: AccountEvent | null;
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

/** A RISK_UPDATED payload as the GraphQL RiskUpdate. */
export function riskUpdateFrom(p: RiskUpdatedPayload): RiskUpdate {
  return {
    ...p,
    causeKind: p.causeKind as ScoreCause,
    scoredAt: new Date(p.scoredAt),
    cause: p.cause ? viewingEventFrom(p.cause) : null,
    accountCause: p.accountCause
      ? {
          ...p.accountCause,
          at: new Date(p.accountCause.at),
          ingestedAt: new Date(p.accountCause.ingestedAt),
        }
      : null,
  };
}
