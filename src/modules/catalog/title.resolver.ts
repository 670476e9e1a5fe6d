import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import { invalidArgument } from '../../common/domain-error';
import { parseId } from '../../common/ids';
import { pageSize, toConnection } from '../../common/pagination';
import type { AppContext } from '../../api/context';
import { Title } from './title.entity';
import { TitleConnection, TitlesArgs } from './title.inputs';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';

const MAX_SEARCH_LENGTH = 100;

@Resolver(() => Title)
export class TitleResolver {
  @Query(() => Title, { nullable: true, description: 'A title by id; null when there is none.' })
  @Allow(Role.READER)
  async title(
    @Arg('id', () => ID, { description: "The title's id." }) id: string,
    @Ctx() ctx: AppContext,
  ): Promise<Title | null> {
    return ctx.loaders.titleById.load(parseId(id, 'title'));
  }

  @Query(() => TitleConnection, { description: 'The catalog by id, optionally by genre or name.' })
  @Allow(Role.READER)
  async titles(
    @Args() { first, after, genre, search }: TitlesArgs,
    @Ctx() ctx: AppContext,
  ): Promise<TitleConnection> {
    const size = pageSize(first);
    if (search != null && search.length > MAX_SEARCH_LENGTH) {
      throw invalidArgument(`search must be at most ${MAX_SEARCH_LENGTH} characters`, {
        argument: 'search',
      });
    }
    const page = await ctx.services.catalog.list(
      { genre, search: search?.trim() || null },
      size,
      after,
    );
    return toConnection(page, 'title', (t) => t.id);
  }
}
