import { Field, Float, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Plan } from '../users/user.entity';
import { RecordStatus } from './viewing-event.inputs';

/** What happened to a subscriber's account. */
export enum AccountEventKind {
  PAYMENT_FAILED = 'PAYMENT_FAILED',
  PAYMENT_RECOVERED = 'PAYMENT_RECOVERED',
  PRICE_CHANGE = 'PRICE_CHANGE',
  PLAN_CHANGE = 'PLAN_CHANGE',
  CANCEL = 'CANCEL',
  REACTIVATE = 'REACTIVATE',
}
registerEnumType(AccountEventKind, {
  name: 'AccountEventKind',
  description: 'What happened to a subscriber’s account.',
  valuesConfig: {
    PAYMENT_FAILED: { description: 'A charge failed (the subscription stays active).' },
    PAYMENT_RECOVERED: { description: 'A failed charge was paid after all.' },
    PRICE_CHANGE: {
      description:
        'The monthly fee changed (give `monthlyFee`): stored as an increase or a decrease.',
    },
    PLAN_CHANGE: {
      description: 'The subscriber moved to another plan (give `plan` and `monthlyFee`).',
    },
    CANCEL: {
      description:
        'The subscriber cancelled: their status becomes CANCELLED and their open alert resolves as CHURNED.',
    },
    REACTIVATE: {
      description:
        'A cancelled subscriber came back (optionally on another `plan` and `monthlyFee`).',
    },
  },
});

@InputType({ description: 'One account event of a subscriber, as reported by the billing system.' })
export class AccountEventInput {
  @Field({
    description:
      "The sender's unique id for this event (1-128 printable characters). Re-sending the same event is a no-op; re-sending the id with other content is a CONFLICT.",
  })
  clientEventId!: string;

  @Field(() => ID, { description: 'The subscriber.' })
  userId!: string;

  @Field(() => AccountEventKind, { description: 'What happened.' })
  kind!: AccountEventKind;

  @Field({
    description:
      'When it happened; not in the future, not before the signup, not before the subscriber’s latest account event.',
  })
  at!: Date;

  @Field(() => Plan, {
    nullable: true,
    description: 'The new plan: required for PLAN_CHANGE, optional for REACTIVATE.',
  })
  plan?: Plan | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'The new monthly fee (≥ 0): required for PRICE_CHANGE and PLAN_CHANGE, optional for REACTIVATE.',
  })
  monthlyFee?: number | null;
}

@ObjectType({ description: 'A stored account event.' })
export class AccountEvent {
  @Field(() => ID, { description: 'The stored event’s id.' })
  id!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The sender’s id; null for events from an import or the synthetic world.',
  })
  clientEventId!: string | null;

  @Field(() => ID, { description: 'The subscriber.' })
  userId!: string;

  @Field({
    description:
      'The stored kind: SIGNUP, PLAN_CHANGE, PAYMENT_FAILED, PAYMENT_RECOVERED, PRICE_INCREASE, PRICE_DECREASE, CANCEL or REACTIVATE.',
  })
  kind!: string;

  @Field({ description: 'When it happened.' })
  at!: Date;

  @Field(() => String, {
    nullable: true,
    description: 'The plan after the event, when it names one.',
  })
  plan!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'The monthly fee after the event, when it names one.',
  })
  monthlyFee!: number | null;

  @Field({ description: 'When the service stored it.' })
  ingestedAt!: Date;
}

@ObjectType({ description: 'The outcome of one input account event.' })
export class RecordedAccountEvent {
  @Field({ description: 'The input’s clientEventId.' })
  clientEventId!: string;

  @Field(() => RecordStatus, { description: 'CREATED, or DUPLICATE for a re-sent event.' })
  status!: RecordStatus;

  @Field(() => AccountEvent, {
    description: 'The stored event (the original one for a duplicate).',
  })
  event!: AccountEvent;
}
