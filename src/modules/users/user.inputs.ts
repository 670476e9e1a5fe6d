import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../common/pagination';
import { Plan, User, UserStatus } from './user.entity';

@InputType({ description: 'Every given field must match.' })
export class UserFilter {
  @Field(() => Plan, { nullable: true })
  plan?: Plan | null;

  @Field(() => UserStatus, { nullable: true })
  status?: UserStatus | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 code, e.g. "DE".' })
  country?: string | null;
}

@ArgsType()
export class UsersArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20, description: '1..100.' })
  first!: number;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => UserFilter, { nullable: true })
  filter?: UserFilter | null;
}

@ArgsType()
export class UserArgs {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
export class UserConnection extends Connection(User, 'User') {}
