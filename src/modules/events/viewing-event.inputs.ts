import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Device, ViewingEvent } from './viewing-event.entity';

@InputType({ description: 'One sitting of a subscriber on a title, as reported by a player.' })
export class ViewingEventInput {
  @Field({
    description:
      "The sender's unique id for this event (1-128 characters). Re-sending it is a no-op.",
  })
  clientEventId!: string;

  @Field(() => ID, { description: 'The subscriber who watched (must exist and be active).' })
  userId!: string;

  @Field(() => ID, { description: 'The title watched (must exist).' })
  titleId!: string;

  @Field({ description: 'When playback started; not in the future, not before the signup.' })
  startedAt!: Date;

  @Field(() => Int, { description: 'Seconds actually watched, >= 0 and possible for the title.' })
  watchedSeconds!: number;

  @Field(() => Float, { description: 'Share of the movie or episode watched, 0..1.' })
  completion!: number;

  @Field(() => Device, { description: 'What it was watched on.' })
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
  description: 'What recordViewingEvents did with one event.',
  valuesConfig: {
    CREATED: { description: 'Stored now.' },
    DUPLICATE: { description: 'The clientEventId was already stored: nothing was written.' },
  },
});

@ObjectType({ description: 'The outcome for one event of a recordViewingEvents batch.' })
export class RecordedViewingEvent {
  @Field({ description: "The sender's id of the event, as sent." })
  clientEventId!: string;

  @Field(() => RecordStatus, { description: 'Stored now, or already stored before.' })
  status!: RecordStatus;

  @Field(() => ViewingEvent, {
    description: 'The stored event (the original one for a duplicate).',
  })
  event!: ViewingEvent;
}
