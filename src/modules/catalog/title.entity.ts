import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum TitleType {
  MOVIE = 'MOVIE',
  SERIES = 'SERIES',
}
registerEnumType(TitleType, {
  name: 'TitleType',
  description: 'Whether a title is a single film or has episodes.',
  valuesConfig: {
    MOVIE: { description: 'A single film.' },
    SERIES: { description: 'A series of episodes (runtimeMinutes is per episode).' },
  },
});

@ObjectType({ description: 'A movie or series in the catalog.' })
@Entity({ name: 'titles' })
export class Title {
  @Field(() => ID, { description: "The title's id." })
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Field({ description: 'Display name.' })
  @Column({ type: 'text' })
  name!: string;

  @Field(() => TitleType, { description: 'Movie or series.' })
  @Column({ type: 'enum', enum: TitleType, enumName: 'title_type' })
  type!: TitleType;

  @Field(() => [String], { description: "Genres, from the catalog's fixed list (Drama, Comedy…)." })
  @Column({ type: 'text', array: true })
  genres!: string[];

  @Field(() => Int, { description: 'Year of first release.' })
  @Column({ name: 'release_year', type: 'smallint' })
  releaseYear!: number;

  @Field(() => Int, { description: 'Length of the movie, or of one episode of a series.' })
  @Column({ name: 'runtime_minutes', type: 'smallint' })
  runtimeMinutes!: number;

  @Field(() => Int, { description: '1 for movies.' })
  @Column({ name: 'episode_count', type: 'smallint' })
  episodeCount!: number;

  @Field({ description: 'Age rating (e.g. "TV-14", "R").' })
  @Column({ type: 'text' })
  maturity!: string;

  @Field({ description: 'A one-paragraph synopsis.' })
  @Column({ type: 'text' })
  description!: string;

  @Field(() => [String], {
    description: 'Free-form keywords (moods, themes) used by the content recommender.',
  })
  @Column({ type: 'text', array: true })
  tags!: string[];
}
