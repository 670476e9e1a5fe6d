import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum TitleType {
  MOVIE = 'MOVIE',
  SERIES = 'SERIES',
}
registerEnumType(TitleType, { name: 'TitleType' });

@ObjectType({ description: 'A movie or series in the catalog.' })
@Entity({ name: 'titles' })
export class Title {
  @Field(() => ID)
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => TitleType)
  @Column({ type: 'enum', enum: TitleType, enumName: 'title_type' })
  type!: TitleType;

  @Field(() => [String])
  @Column({ type: 'text', array: true })
  genres!: string[];

  @Field(() => Int)
  @Column({ name: 'release_year', type: 'smallint' })
  releaseYear!: number;

  @Field(() => Int, { description: 'Length of the movie, or of one episode of a series.' })
  @Column({ name: 'runtime_minutes', type: 'smallint' })
  runtimeMinutes!: number;

  @Field(() => Int, { description: '1 for movies.' })
  @Column({ name: 'episode_count', type: 'smallint' })
  episodeCount!: number;

  @Field()
  @Column({ type: 'text' })
  maturity!: string;

  @Field()
  @Column({ type: 'text' })
  description!: string;

  @Field(() => [String])
  @Column({ type: 'text', array: true })
  tags!: string[];
}
