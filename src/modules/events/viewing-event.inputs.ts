import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ChurnScore } from '../scoring/churn-score.entity';
import { Device, ViewingEvent } from './viewing-event.entity';

@InputType({ description: 'One sitting of a subscriber on a title, as reported by a player.' })
export class ViewingEventInput {
  @Field({
    description:
      "The sender's unique id for this event (1-128 characters). Re-sending it is a no-op.",
  })
  clientEventId!: string;

  @Field(() => ID)
  userId!: string;

  @Field(() => ID)
  titleId!: string;

  @Field({ description: 'When playback started; not in the future, not before the signup.' })
  startedAt!: Date;

  @Field(() => Int, { description: 'Seconds actually watched, >= 0 and possible for the title.' })
  watchedSeconds!: number;

  @Field(() => Float, { description: 'Share of the movie or episode watched, 0..1.' })
  completion!: number;

  @Field(() => Device)
  device!: Device;

  @Field(() => Int, { nullable: true, description: '1..5 stars.' })
  rating?: number | null;
}

export enum RecordStatus {
  CREATED = 'CREATED',
  DUPLICATE = 'DUPLICATE',
}
registerEnumType(RecordStatus, {
  name: 'RecordStatus',
  valuesConfig: {
    DUPLICATE: { description: 'The clientEventId was already stored: nothing was written.' },
  },
});

@ObjectType()
export class RecordedViewingEvent {
  @Field()
  clientEventId!: string;

  @Field(() => RecordStatus)
  status!: RecordStatus;

  @Field(() => ViewingEvent, {
    description: 'The stored event (the original one for a duplicate).',
  })
  event!: ViewingEvent;
}

@ObjectType()
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
