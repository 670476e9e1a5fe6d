import type { GraphQLResolveInfo } from 'graphql';
import { Args, Ctx, Info, Query, Resolver } from 'type-graphql';
import { selectedFieldsAt, selectsField } from '../../common/requested-fields';
import { parseId } from '../../common/ids';
import { invalidArgument } from '../../common/domain-error';
import { pageSize, toConnection } from '../../common/pagination';
import type { AppContext } from '../../api/context';
import { User } from './user.entity';
import { UserArgs, UserConnection, UsersArgs } from './user.inputs';
import { USER_FIELDS } from './users.repository';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, {
    nullable: true,
    description: 'A subscriber by id; null when there is none.',
  })
  @Allow(Role.READER)
  async user(@Args() { id }: UserArgs, @Ctx() ctx: AppContext): Promise<User | null> {
    return ctx.loaders.userById.load(parseId(id, 'user'));
  }

  @Query(() => UserConnection, { description: 'Subscribers by id, filtered, a page at a time.' })
  @Allow(Role.READER)
  async users(
    @Args() { first, after, filter }: UsersArgs,
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<UserConnection> {
    const size = pageSize(first);
    if (filter?.country != null && !/^[A-Z]{2}$/.test(filter.country)) {
      throw invalidArgument(
        `country must be an ISO 3166-1 alpha-2 code like "DE", got "${filter.country}"`,
        {
          argument: 'filter.country',
        },
      );
    }
    const nodeFields = selectedFieldsAt(info, ['edges', 'node']);
    const includes = ctx.services.users.pageIncludes
      .filter((include) => nodeFields.has(include.field))
      .map((include) => ({
        include,
        shape: include.shapeOf(selectedFieldsAt(info, ['edges', 'node', include.field])),
      }));
    const page = await ctx.services.users.list(
      filter ?? {},
      size,
      after,
      selectsField(info, 'totalCount'),
      includes,
      // Only the columns the client selected; the other User fields resolve from `id` alone.
      USER_FIELDS.filter((f) => nodeFields.has(f)),
    );
    for (const { user, included } of page.nodes)
      includes.forEach(({ include }, k) => include.attach(ctx, user, included[k]));
    return toConnection({ ...page, nodes: page.nodes.map((n) => n.user) }, 'user', (u) => u.id);
  }
}
