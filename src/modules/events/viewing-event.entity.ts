import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum Device {
  TV = 'TV',
  MOBILE = 'MOBILE',
  WEB = 'WEB',
  TABLET = 'TABLET',
}
registerEnumType(Device, { name: 'Device' });

/** One sitting of one subscriber on one title. Append-only; `clientEventId` makes ingest idempotent. */
@ObjectType()
@Entity({ name: 'viewing_events' })
export class ViewingEvent {
  @Field(() => ID)
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Field({ description: "The sender's id for this event; re-sending it is a no-op." })
  @Column({ name: 'client_event_id', type: 'text', unique: true })
  clientEventId!: string;

  @Field(() => ID)
  @Column({ name: 'user_id', type: 'bigint' })
  userId!: string;

  @Field(() => ID)
  @Column({ name: 'title_id', type: 'bigint' })
  titleId!: string;

  @Field()
  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Field(() => Int)
  @Column({ name: 'watched_seconds', type: 'integer' })
  watchedSeconds!: number;

  @Field(() => Float, { description: 'Share of the movie or episode watched, 0..1.' })
  @Column({ type: 'real' })
  completion!: number;

  @Field(() => Device)
  @Column({ type: 'enum', enum: Device, enumName: 'device' })
  device!: Device;

  @Field(() => Int, { nullable: true, description: '1..5 stars, when the viewer rated the title.' })
  @Column({ type: 'smallint', nullable: true })
  rating!: number | null;

  @Field()
  @Column({ name: 'ingested_at', type: 'timestamptz' })
  ingestedAt!: Date;
}
