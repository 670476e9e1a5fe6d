import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../../api/context';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';
import { User } from '../users/user.entity';
import { ChurnExplanation, FeatureImportanceReport } from './explanation.types';
import { MAX_TOP } from './explanations.service';

@Resolver(() => User)
export class ExplanationsResolver {
  @FieldResolver(() => ChurnExplanation, {
    nullable: true,
    description:
      'Why the subscriber has their churn risk: the largest feature contributions, relative to the average ' +
      'subscriber. Up to 5 come stored with the latest score; more are computed now. Null before any scoring.',
  })
  async explanation(
    @Root() user: User,
    @Ctx() ctx: AppContext,
    @Arg('top', () => Int, { defaultValue: 5, description: `1..${MAX_TOP}.` }) top: number,
  ): Promise<ChurnExplanation | null> {
    return ctx.loaders.explanation(top).load(user.id);
  }

  @Query(() => FeatureImportanceReport, {
    description:
      'Global feature importance of a model version (default: the active one): mean |attribution| over ' +
      'the active subscribers, and permutation importance on the validation snapshot.',
  })
  @Allow(Role.READER)
  async featureImportance(
    @Ctx() ctx: AppContext,
    @Arg('modelVersion', () => String, {
      nullable: true,
      description: 'Model version (default: the active one).',
    })
    modelVersion?: string | null,
  ): Promise<FeatureImportanceReport> {
    return ctx.services.explanations.importance(modelVersion);
  }
}
