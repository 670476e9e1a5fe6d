import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  GraphQLISODateTime,
  Int,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { includedLatestScore, type ShownScore } from './latest-score-page-include';
import { encodeCursor, pageSize } from '../../common/pagination';
import type { AppContext } from '../../api/context';
import { User } from '../users/user.entity';
import { ChurnScore } from './churn-score.entity';
import {
  AtRiskUserConnection,
  AtRiskUsersArgs,
  ChurnOverview,
  RiskLevelSnapshot,
} from './scoring.types';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';

const MAX_HISTORY = 100;

@Resolver(() => User)
export class ScoringResolver {
  @FieldResolver(() => ChurnScore, {
    nullable: true,
    description: 'The latest churn score; null before the first scoring.',
  })
  churnScore(
    @Root() user: User,
    @Ctx() ctx: AppContext,
  ): ShownScore | null | Promise<ShownScore | null> {
    const included = includedLatestScore(ctx, user);
    return included !== undefined ? included : ctx.loaders.latestScore.load(user.id);
  }

  @FieldResolver(() => [ChurnScore], { description: 'Scores over time, newest first.' })
  async scoreHistory(
    @Root() user: User,
    @Ctx() ctx: AppContext,
    @Arg('first', () => Int, { defaultValue: 10, description: '1..100.' }) first: number,
  ): Promise<ChurnScore[]> {
    return ctx.loaders.scoreHistory(pageSize(first, MAX_HISTORY)).load(user.id);
  }

  @Query(() => AtRiskUserConnection, {
    description: 'Active subscribers at or above a risk level, most likely to cancel first.',
  })
  @Allow(Role.READER)
  async atRiskUsers(
    @Args() { minLevel, first, after }: AtRiskUsersArgs,
    @Ctx() ctx: AppContext,
  ): Promise<AtRiskUserConnection> {
    const page = await ctx.services.scoring.atRisk(minLevel, pageSize(first), after);
    const users = await ctx.loaders.userById.loadMany(page.nodes.map((n) => n.userId));
    const edges = page.nodes.map((n, i) => ({
      cursor: encodeCursor('risk', `${n.score.probability}:${n.userId}`),
      node: { user: users[i] as User, score: n.score },
    }));
    return {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: page.totalCount,
    };
  }

  @Query(() => ChurnOverview, {
    description: 'How many active subscribers sit at each risk level under the serving model.',
  })
  @Allow(Role.READER)
  async churnOverview(@Ctx() ctx: AppContext): Promise<ChurnOverview> {
    const levels = await ctx.services.scoring.overview();
    const scoredUsers = levels.reduce((n, l) => n + l.users, 0);
    const sum = levels.reduce((s, l) => s + (l.meanProbability ?? 0) * l.users, 0);
    const active = await ctx.services.registry.activeModel();
    return {
      scoredUsers,
      meanProbability: scoredUsers > 0 ? sum / scoredUsers : null,
      activeModelVersion: active?.version ?? null,
      thresholds: [...ctx.services.scoring.thresholdsFor(active)],
      levels,
    };
  }

  @Query(() => [RiskLevelSnapshot], {
    description:
      'Active subscribers per risk level over time: the snapshots taken hourly and after each batch scoring, ' +
      'oldest first, one row per level and snapshot.',
  })
  @Allow(Role.READER)
  async riskLevelHistory(
    @Ctx() ctx: AppContext,
    @Arg('since', () => GraphQLISODateTime, {
      nullable: true,
      description: 'Only snapshots taken at or after this instant (default: 7 days ago).',
    })
    since?: Date | null,
  ): Promise<RiskLevelSnapshot[]> {
    return ctx.services.scoring.levelHistory(since);
  }
}
