import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../common/pagination';
import { Title } from './title.entity';

@ArgsType()
export class TitlesArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20, description: '1..100.' })
  first!: number;

  @Field(() => String, {
    nullable: true,
    description: 'endCursor of the previous page; omit for the first page.',
  })
  after?: string | null;

  @Field(() => String, { nullable: true, description: 'Only titles in this genre.' })
  genre?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive substring of the name (at most 100 characters).',
  })
  search?: string | null;
}

@ObjectType({ description: 'A page of titles.' })
export class TitleConnection extends Connection(Title, 'Title') {}
