import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../common/pagination';
import { Plan, User, UserStatus } from './user.entity';

@InputType({ description: 'Every given field must match.' })
export class UserFilter {
  @Field(() => Plan, { nullable: true, description: 'Only subscribers on this plan.' })
  plan?: Plan | null;

  @Field(() => UserStatus, { nullable: true, description: 'Only subscribers with this status.' })
  status?: UserStatus | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 code, e.g. "DE".' })
  country?: string | null;
}

@ArgsType()
export class UsersArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20, description: '1..100.' })
  first!: number;

  @Field(() => String, {
    nullable: true,
    description: 'endCursor of the previous page; omit for the first page.',
  })
  after?: string | null;

  @Field(() => UserFilter, {
    nullable: true,
    description: 'Only subscribers matching every condition given.',
  })
  filter?: UserFilter | null;
}

@ArgsType()
export class UserArgs {
  @Field(() => ID, { description: "The subscriber's id." })
  id!: string;
}

@ObjectType({ description: 'A page of subscribers.' })
export class UserConnection extends Connection(User, 'User') {}
