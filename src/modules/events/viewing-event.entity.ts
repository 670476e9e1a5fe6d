import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum Device {
  TV = 'TV',
  MOBILE = 'MOBILE',
  WEB = 'WEB',
  TABLET = 'TABLET',
}
registerEnumType(Device, {
  name: 'Device',
  description: 'What the viewer watched on.',
  valuesConfig: {
    TV: { description: 'A television or set-top box.' },
    MOBILE: { description: 'A phone.' },
    WEB: { description: 'A web browser.' },
    TABLET: { description: 'A tablet.' },
  },
});

/** One sitting of one subscriber on one title. Append-only; `clientEventId` makes ingest idempotent. */
@ObjectType({ description: 'One sitting of one subscriber on one title, as stored.' })
@Entity({ name: 'viewing_events' })
export class ViewingEvent {
  @Field(() => ID, { description: "The stored event's id." })
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Field({ description: "The sender's id for this event; re-sending it is a no-op." })
  @Column({ name: 'client_event_id', type: 'text', unique: true })
  clientEventId!: string;

  @Field(() => ID, { description: 'The subscriber who watched.' })
  @Column({ name: 'user_id', type: 'bigint' })
  userId!: string;

  @Field(() => ID, { description: 'The title watched.' })
  @Column({ name: 'title_id', type: 'bigint' })
  titleId!: string;

  @Field({ description: 'When playback started.' })
  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Field(() => Int, { description: 'Seconds actually watched.' })
  @Column({ name: 'watched_seconds', type: 'integer' })
  watchedSeconds!: number;

  @Field(() => Float, { description: 'Share of the movie or episode watched, 0..1.' })
  @Column({ type: 'real' })
  completion!: number;

  @Field(() => Device, { description: 'What it was watched on.' })
  @Column({ type: 'enum', enum: Device, enumName: 'device' })
  device!: Device;

  @Field(() => Int, { nullable: true, description: '1..5 stars, when the viewer rated the title.' })
  @Column({ type: 'smallint', nullable: true })
  rating!: number | null;

  @Field({ description: 'When the service stored it.' })
  @Column({ name: 'ingested_at', type: 'timestamptz' })
  ingestedAt!: Date;
}
