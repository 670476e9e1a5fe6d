import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { invalidArgument } from '../../common/domain-error';
import { parseId } from '../../common/ids';
import type { AppContext } from '../../server/context';
import { Allow } from '../../server/auth/allow';
import { Role } from '../../server/auth/roles';
import { Title } from '../catalog/title.entity';
import { User } from '../users/user.entity';
import {
  RecommendationEffectiveness,
  RecommendationReason,
  RecommendedTitle,
  SimilarTitle,
} from './recommendation.types';
import { MAX_RECOMMENDATIONS, RecommendationSource } from './recommendations.service';

@Resolver(() => User)
export class UserRecommendationsResolver {
  @FieldResolver(() => [RecommendedTitle], {
    description:
      'Titles to show this subscriber, best first, each with its reasons. Computed from the full viewing history ' +
      'at the moment of the request (the latest event counts at once); at HIGH or CRITICAL risk the list leans ' +
      'toward titles similar subscribers finish. Every list served is recorded as impressions.',
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
  ): Promise<RecommendedTitle[]> {
    return ctx.loaders.recommendations(first, source).load(user.id);
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
      'Recommendations served since a date (default: 30 days ago) against what was watched afterwards: uptake ' +
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
