import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { invalidArgument } from '../../common/domain-error';
import type { AppContext } from '../../api/context';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';
import { ChurnOverview } from '../scoring/scoring.types';
import { User } from '../users/user.entity';
import { LifetimeValue, LifetimeValueOverview } from './lifetime-value.types';
import { MAX_CURVE_DAYS } from './survival.service';
import { toSurvivalModelVersion } from './survival-model-version';
import {
  SubscriberSurvival,
  SurvivalCurveSet,
  SurvivalModelVersion,
  SurvivalPoint,
} from './survival.types';

@Resolver(() => User)
export class UserSurvivalResolver {
  @FieldResolver(() => SubscriberSurvival, {
    nullable: true,
    description:
      'When this subscriber is likely to cancel: their survival curve from now. Null for a cancelled subscriber or before a survival model is trained.',
  })
  async survival(@Root() user: User, @Ctx() ctx: AppContext): Promise<SubscriberSurvival | null> {
    return ctx.loaders.survival.load(user.id);
  }

  @FieldResolver(() => LifetimeValue, {
    nullable: true,
    description:
      'What this subscriber is worth: the discounted margin of their expected future payments. Null when survival is.',
  })
  async lifetimeValue(@Root() user: User, @Ctx() ctx: AppContext): Promise<LifetimeValue | null> {
    return ctx.loaders.lifetimeValue.load(user.id);
  }
}

@Resolver(() => SubscriberSurvival)
export class SubscriberSurvivalResolver {
  @FieldResolver(() => [SurvivalPoint], { description: 'S(t) for t = 1 … days.' })
  curve(
    @Root() survival: SubscriberSurvival,
    @Arg('days', () => Int, { defaultValue: MAX_CURVE_DAYS, description: 'Days, 1..180.' })
    days: number,
  ): SurvivalPoint[] {
    if (!Number.isInteger(days) || days < 1 || days > survival.values.length) {
      throw invalidArgument(
        `days must be an integer in 1..${survival.values.length}, got ${days}`,
        {
          argument: 'days',
        },
      );
    }
    return survival.values.slice(0, days).map((s, t) => ({ day: t + 1, survival: s }));
  }
}

@Resolver(() => ChurnOverview)
export class SurvivalOverviewResolver {
  @FieldResolver(() => SurvivalCurveSet, {
    description: 'Observed survival (Kaplan–Meier) per plan over tenure, with delayed entry.',
  })
  async survivalByPlan(
    @Ctx() ctx: AppContext,
    @Arg('days', () => Int, { defaultValue: 180, description: 'Days of each curve, 1..730.' })
    days: number,
  ): Promise<SurvivalCurveSet> {
    return ctx.services.survival.survivalByPlan(days);
  }

  @FieldResolver(() => SurvivalCurveSet, {
    nullable: true,
    description:
      "Observed survival (Kaplan–Meier) per segment of the latest segment run, from the run's snapshot; null before the first run.",
  })
  async survivalBySegment(
    @Ctx() ctx: AppContext,
    @Arg('days', () => Int, { defaultValue: 180, description: 'Days of each curve, 1..730.' })
    days: number,
  ): Promise<SurvivalCurveSet | null> {
    return ctx.services.survival.survivalBySegment(days);
  }

  @FieldResolver(() => LifetimeValueOverview, {
    nullable: true,
    description:
      'Lifetime value of every active subscriber, by segment and plan; null before a survival model is trained.',
  })
  async lifetimeValue(@Ctx() ctx: AppContext): Promise<LifetimeValueOverview | null> {
    return ctx.services.lifetimeValue.overview();
  }
}

@Resolver(() => SurvivalModelVersion)
export class SurvivalModelsResolver {
  @Query(() => [SurvivalModelVersion], {
    description: 'Every trained survival (time-to-cancel) model version, newest first.',
  })
  @Allow(Role.READER)
  async survivalModels(@Ctx() ctx: AppContext): Promise<SurvivalModelVersion[]> {
    return (await ctx.services.survival.versions()).map(toSurvivalModelVersion);
  }

  @Query(() => SurvivalModelVersion, {
    nullable: true,
    description: 'The survival model serving User.survival; null before the first training.',
  })
  @Allow(Role.READER)
  async activeSurvivalModel(@Ctx() ctx: AppContext): Promise<SurvivalModelVersion | null> {
    const row = await ctx.services.survival.activeRow();
    return row ? toSurvivalModelVersion(row) : null;
  }
}
