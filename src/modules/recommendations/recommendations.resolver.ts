import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { invalidArgument } from '../../common/domain-error';
import { parseId } from '../../common/ids';
import type { AppContext } from '../../api/context';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';
import { Title } from '../catalog/title.entity';
import { User } from '../users/user.entity';
import {
  ContinueWatchingTitle,
  RecommendationEffectiveness,
  RecommendationImpressionInput,
  RecordedImpressions,
  RecommendationReason,
  RecommendedTitle,
  SimilarTitle,
} from './recommendation.types';
import { MAX_AMONG, MAX_RECOMMENDATIONS, RecommendationSource } from './recommendations.service';

@Resolver(() => User)
export class UserRecommendationsResolver {
  @FieldResolver(() => [RecommendedTitle], {
    description:
      'Titles this subscriber has never started, best first, each with its reasons (started titles are in ' +
      'continueWatching). Computed from the full viewing history at the moment of the request (the latest ' +
      'event counts at once); at HIGH or CRITICAL risk the list leans toward titles similar subscribers ' +
      'finish. A pure read: report what you display with recordRecommendationImpressions.',
  })
  async recommendations(
    @Root() user: User,
    @Ctx() ctx: AppContext,
    @Arg('first', () => Int, { defaultValue: 10, description: `1..${MAX_RECOMMENDATIONS}.` })
    first: number,
    @Arg('source', () => RecommendationSource, {
      defaultValue: RecommendationSource.HYBRID,
      description: 'Which recommender to use (default: the served hybrid).',
    })
    source: RecommendationSource,
    @Arg('among', () => [ID], {
      nullable: true,
      description:
        `Rank only these titles (at most ${MAX_AMONG}), e.g. to order an editorial row for this ` +
        'subscriber; started titles and titles the recommender does not know are left out.',
    })
    among?: string[] | null,
  ): Promise<RecommendedTitle[]> {
    const ids = among?.map((id) => parseId(id, 'title')) ?? null;
    return ctx.loaders.recommendations(first, source, ids).load(user.id);
  }

  @FieldResolver(() => [ContinueWatchingTitle], {
    description:
      'The "Continue watching" row: titles started and not finished (a movie stopped between half-way and ' +
      'the credits, a series not yet at 95% of its episodes and not dropped), most recently watched first.',
  })
  async continueWatching(
    @Root() user: User,
    @Ctx() ctx: AppContext,
    @Arg('first', () => Int, { defaultValue: 10, description: `1..${MAX_RECOMMENDATIONS}.` })
    first: number,
  ): Promise<ContinueWatchingTitle[]> {
    return ctx.loaders.continueWatching(first).load(user.id);
  }
}

@Resolver(() => ContinueWatchingTitle)
export class ContinueWatchingTitleResolver {
  @FieldResolver(() => Title, { description: 'The title.' })
  async title(@Root() r: ContinueWatchingTitle, @Ctx() ctx: AppContext): Promise<Title> {
    return (await ctx.loaders.titleById.load(r.titleId))!;
  }
}

@Resolver()
export class RecommendationImpressionsResolver {
  @Mutation(() => RecordedImpressions, {
    description:
      'Record the recommended items a client displayed (call it when a list is shown, not when it is ' +
      'fetched). All or nothing; recommendationEffectiveness attributes later viewing to these.',
  })
  @Allow(Role.INGEST)
  async recordRecommendationImpressions(
    @Ctx() ctx: AppContext,
    @Arg('impressions', () => [RecommendationImpressionInput], {
      description: 'The items shown, at most 1,000.',
    })
    impressions: RecommendationImpressionInput[],
  ): Promise<RecordedImpressions> {
    return { recorded: await ctx.services.recommendations.recordImpressions(impressions) };
  }
}

@Resolver(() => RecommendedTitle)
export class RecommendedTitleResolver {
  @FieldResolver(() => Title, { description: 'The recommended title.' })
  async title(@Root() r: RecommendedTitle, @Ctx() ctx: AppContext): Promise<Title> {
    return (await ctx.loaders.titleById.load(r.titleId))!;
  }
}

@Resolver(() => RecommendationReason)
export class RecommendationReasonResolver {
  @FieldResolver(() => Title, {
    nullable: true,
    description: 'The watched title the reason names.',
  })
  async title(@Root() r: RecommendationReason, @Ctx() ctx: AppContext): Promise<Title | null> {
    return r.titleId === null ? null : ctx.loaders.titleById.load(r.titleId);
  }
}

@Resolver(() => SimilarTitle)
export class SimilarTitlesResolver {
  @Query(() => [SimilarTitle], {
    description: 'Titles most like this one (genres, tags, description).',
  })
  @Allow(Role.READER)
  async similarTitles(
    @Arg('titleId', () => ID, { description: 'The title to find neighbours of.' }) titleId: string,
    @Ctx() ctx: AppContext,
    @Arg('first', () => Int, { defaultValue: 10, description: `1..${MAX_RECOMMENDATIONS}.` })
    first: number,
  ): Promise<SimilarTitle[]> {
    return ctx.services.recommendations.similarTitles(parseId(titleId, 'title'), first);
  }

  @FieldResolver(() => Title, { description: 'The similar title.' })
  async title(@Root() s: SimilarTitle, @Ctx() ctx: AppContext): Promise<Title> {
    return (await ctx.loaders.titleById.load(s.titleId))!;
  }

  @Query(() => RecommendationEffectiveness, {
    description:
      'Recommendations shown since a date (default: 30 days ago; as reported by recordRecommendationImpressions) ' +
      'against what was watched afterwards: uptake ' +
      'within 7 days, completion of recommended vs organic views, and churn of those who took one vs not.',
  })
  @Allow(Role.READER)
  async recommendationEffectiveness(
    @Ctx() ctx: AppContext,
    @Arg('since', () => Date, {
      nullable: true,
      description: 'Start of the window (default: 30 days ago).',
    })
    since?: Date | null,
    @Arg('segmentId', () => ID, {
      nullable: true,
      description: "Only this segment's members (default: everyone).",
    })
    segmentId?: string | null,
  ): Promise<RecommendationEffectiveness> {
    const from = since ?? new Date(Date.now() - 30 * 86400_000);
    if (from.getTime() > Date.now())
      throw invalidArgument('since must not be in the future', { argument: 'since' });
    if (segmentId != null && !/^\d{1,9}$/.test(segmentId)) {
      throw invalidArgument(`"${segmentId}" is not a valid segment id`, { argument: 'segmentId' });
    }
    return ctx.services.recommendations.effectiveness(from, segmentId ?? null);
  }
}
