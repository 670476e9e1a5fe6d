import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { invalidArgument } from '../../common/domain-error';
import { parseId } from '../../common/ids';
import { pageSize, toConnection } from '../../common/pagination';
import type { AppContext } from '../../api/context';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';
import { User } from '../users/user.entity';
import { UserConnection } from '../users/user.inputs';
import { Segment, SegmentRun } from './segment.types';

@Resolver(() => Segment)
export class SegmentsResolver {
  @Query(() => [Segment], {
    description: 'The behaviour segments of a segment run (default: the latest), largest first.',
  })
  @Allow(Role.READER)
  async segments(
    @Ctx() ctx: AppContext,
    @Arg('runId', () => ID, { nullable: true, description: 'Segment run (default: the latest).' })
    runId?: string | null,
  ): Promise<Segment[]> {
    return ctx.services.segments.list(runId == null ? null : parseId(runId, 'segment run'));
  }

  @Query(() => Segment, {
    nullable: true,
    description: 'A segment of the latest run by its (stable) id.',
  })
  @Allow(Role.READER)
  async segment(
    @Arg('id', () => ID, { description: "The segment's id." }) id: string,
    @Ctx() ctx: AppContext,
  ): Promise<Segment | null> {
    if (!/^\d{1,9}$/.test(id.trim())) {
      throw invalidArgument(`"${id}" is not a valid segment id`, { argument: 'id' });
    }
    return ctx.loaders.segmentById.load(String(Number(id)));
  }

  @Query(() => SegmentRun, { nullable: true, description: 'A segment run (default: the latest).' })
  @Allow(Role.READER)
  async segmentRun(
    @Ctx() ctx: AppContext,
    @Arg('id', () => ID, { nullable: true, description: "The run's id (default: the latest)." })
    id?: string | null,
  ): Promise<SegmentRun | null> {
    return ctx.services.segments.findRun(id == null ? null : parseId(id, 'segment run'));
  }

  @Mutation(() => SegmentRun, {
    description:
      'Cluster the subscribers again (k among 4..8 by silhouette, over k whose smallest segment holds at least 5%; ids matched to the previous run) and store the run.',
  })
  @Allow(Role.ANALYST)
  async runSegmentation(
    @Ctx() ctx: AppContext,
    @Arg('seed', () => Int, { defaultValue: 42, description: 'Random seed (0..2^31-1).' })
    seed: number,
  ): Promise<SegmentRun> {
    if (!Number.isInteger(seed) || seed < 0) {
      throw invalidArgument(`seed must be a non-negative integer, got ${seed}`, {
        argument: 'seed',
      });
    }
    return ctx.services.segments.run({ seed, silent: true });
  }

  @FieldResolver(() => UserConnection, { description: 'Active members, by id.' })
  async users(
    @Root() segment: Segment,
    @Ctx() ctx: AppContext,
    @Arg('first', () => Int, { defaultValue: 20, description: '1..100.' }) first: number,
    @Arg('after', () => String, {
      nullable: true,
      description: 'endCursor of the previous page; omit for the first page.',
    })
    after?: string | null,
  ): Promise<UserConnection> {
    const page = await ctx.services.segments.members(segment.id, pageSize(first), after);
    const users = await ctx.loaders.userById.loadMany(page.nodes);
    return toConnection({ ...page, nodes: users as User[] }, 'user', (u) => u.id);
  }
}

@Resolver(() => User)
export class UserSegmentResolver {
  @FieldResolver(() => Segment, {
    nullable: true,
    description: "The subscriber's segment in the latest segment run; null if not placed.",
  })
  async segment(@Root() user: User, @Ctx() ctx: AppContext): Promise<Segment | null> {
    const id = await ctx.loaders.userSegmentId.load(user.id);
    return id === null ? null : ctx.loaders.segmentById.load(id);
  }
}
