import { Ctx, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../../api/context';
import { ModelVersion, toModelVersion } from './model-version.types';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';

@Resolver(() => ModelVersion)
export class ModelRegistryResolver {
  @Query(() => [ModelVersion], { description: 'Every trained model version, newest first.' })
  @Allow(Role.READER)
  async models(@Ctx() ctx: AppContext): Promise<ModelVersion[]> {
    return (await ctx.services.registry.list()).map(toModelVersion);
  }

  @Query(() => ModelVersion, {
    nullable: true,
    description: 'The serving model; null before the first training.',
  })
  @Allow(Role.READER)
  async activeModel(@Ctx() ctx: AppContext): Promise<ModelVersion | null> {
    const row = await ctx.services.registry.activeRow();
    return row ? toModelVersion(row) : null;
  }
}
