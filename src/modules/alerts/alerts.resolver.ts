import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root, Subscription } from 'type-graphql';
import { parseId } from '../../common/ids';
import { pageSize, toConnection } from '../../common/pagination';
import type { AppContext } from '../../server/context';
import { Allow } from '../../server/auth/allow';
import { Role } from '../../server/auth/roles';
import { Topic, type RiskAlertPayload } from '../../pubsub/topics';
import { levelsAtOrAbove, RiskLevel } from '../scoring/risk-levels';
import { riskUpdateFrom } from '../scoring/risk-update.types';
import { User } from '../users/user.entity';
import { alertCursor } from './alerts.service';
import { RiskAlert, RiskAlertConnection, RiskAlertsArgs } from './risk-alert.types';

const MAX_ALERT_PAGE = 500;

/** A persisted or published alert as the GraphQL RiskAlert. */
export function riskAlertFrom(p: RiskAlertPayload): RiskAlert {
  return {
    ...riskUpdateFrom(p),
    id: p.alertId,
    cursor: alertCursor(p.alertId),
    reason: p.reason,
    raisedAt: new Date(p.raisedAt),
  };
}

@Resolver(() => RiskAlert)
export class AlertsResolver {
  @Query(() => RiskAlertConnection, {
    description:
      'Persisted risk alerts in the order they were raised. After a reconnect, pass the cursor of the last ' +
      'alert received as `after` to get exactly the ones missed.',
  })
  @Allow(Role.READER)
  async riskAlerts(
    @Args() { after, first, minLevel, userId }: RiskAlertsArgs,
    @Ctx() ctx: AppContext,
  ): Promise<RiskAlertConnection> {
    const page = await ctx.services.alerts.list({
      after,
      first: pageSize(first, MAX_ALERT_PAGE),
      minLevel,
      userId: userId == null ? null : parseId(userId, 'user'),
    });
    return toConnection({ ...page, nodes: page.nodes.map(riskAlertFrom) }, 'alert', (a) => a.id);
  }

  @Subscription(() => RiskAlert, {
    description:
      'Alerts as they are raised: a live rescore crossed into HIGH or CRITICAL, or its probability jumped by ' +
      'more than ALERT_PROBABILITY_DELTA. Every alert is also stored (riskAlerts).',
    subscribe: ({ args, context }) => {
      const levels = new Set(levelsAtOrAbove((args.minLevel as RiskLevel) ?? RiskLevel.HIGH));
      return (context as AppContext).services.pubSub.subscribeWhere(
        Topic.RISK_ALERT,
        (p: RiskAlertPayload) => levels.has(p.riskLevel),
      );
    },
  })
  @Allow(Role.READER)
  riskAlertRaised(
    @Root() payload: RiskAlertPayload,
    @Arg('minLevel', () => RiskLevel, {
      defaultValue: RiskLevel.HIGH,
      description: 'Only alerts whose new level is at least this.',
    })
    _minLevel: RiskLevel,
  ): RiskAlert {
    return riskAlertFrom(payload);
  }

  @FieldResolver(() => User, { description: 'The subscriber the alert is about.' })
  async user(@Root() alert: RiskAlert, @Ctx() ctx: AppContext): Promise<User> {
    return (await ctx.loaders.userById.load(alert.userId))!;
  }
}
