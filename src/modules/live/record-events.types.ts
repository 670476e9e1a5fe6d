import { Field, Int, ObjectType } from 'type-graphql';
import { RecordedAccountEvent } from '../events/account-event.inputs';
import { RecordedViewingEvent } from '../events/viewing-event.inputs';
import { ChurnScore } from '../scoring/churn-score.entity';

@ObjectType({ description: 'What a recordViewingEvents call stored and the scores it produced.' })
export class RecordViewingEventsPayload {
  @Field(() => Int, { description: 'Events stored by this call.' })
  accepted!: number;

  @Field(() => Int, { description: 'Events whose clientEventId was already stored.' })
  duplicates!: number;

  @Field(() => [RecordedViewingEvent], {
    description: 'One result per input event, in input order.',
  })
  results!: RecordedViewingEvent[];

  @Field(() => [ChurnScore], {
    description:
      'The new churn scores of the subscribers this batch touched, computed right after the commit ' +
      '(empty while no model is active; rescoring then happens once one is).',
  })
  scores!: ChurnScore[];
}

@ObjectType({ description: 'What recordAccountEvents stored and the rescores it caused.' })
export class RecordAccountEventsPayload {
  @Field(() => Int, { description: 'Events stored by this call.' })
  accepted!: number;

  @Field(() => Int, {
    description: 'Events whose clientEventId was already stored with the same content.',
  })
  duplicates!: number;

  @Field(() => [RecordedAccountEvent], {
    description: 'One result per input event, in input order.',
  })
  results!: RecordedAccountEvent[];

  @Field(() => [ChurnScore], {
    description:
      'The new churn scores of the still-active subscribers this batch touched, computed right after the commit.',
  })
  scores!: ChurnScore[];
}
