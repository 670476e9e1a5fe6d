import { Args, Ctx, FieldResolver, Resolver, Root, Subscription } from 'type-graphql';
import { invalidArgument } from '../../common/domain-error';
import { parseId } from '../../common/ids';
import type { AppContext } from '../../api/context';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';
import { RiskTopic, type RiskUpdatedPayload } from './risk-update.topics';
import { User } from '../users/user.entity';
import { riskUpdateFrom, RiskUpdate, RiskUpdatedArgs } from './risk-update.types';

const MAX_WATCHED_USERS = 1000;

@Resolver(() => RiskUpdate)
export class RiskUpdatesResolver {
  @Subscription(() => RiskUpdate, {
    description:
      'Every live rescore (after recordViewingEvents), optionally only for some subscribers or above a probability. ' +
      'Filters run on the server.',
    subscribe: ({ args, context }) => {
      const { userIds, minProbability } = args as RiskUpdatedArgs;
      if (userIds != null && userIds.length > MAX_WATCHED_USERS) {
        throw invalidArgument(
          `userIds holds at most ${MAX_WATCHED_USERS} ids, got ${userIds.length}`,
          {
            argument: 'userIds',
          },
        );
      }
      if (minProbability != null && !(minProbability >= 0 && minProbability <= 1)) {
        throw invalidArgument(`minProbability must be within 0..1, got ${minProbability}`, {
          argument: 'minProbability',
        });
      }
      const watched = userIds ? [...new Set(userIds.map((id) => parseId(id, 'user')))] : null;
      const min = minProbability ?? 0;
      // Filed under the watched ids: an update reaches only the subscriptions that watch its user.
      return (context as AppContext).services.pubSub.subscribeWhere(
        RiskTopic.RISK_UPDATED,
        (p: RiskUpdatedPayload) => p.probability >= min,
        watched,
      );
    },
  })
  @Allow(Role.READER)
  riskUpdated(@Root() payload: RiskUpdatedPayload, @Args() _args: RiskUpdatedArgs): RiskUpdate {
    return riskUpdateFrom(payload);
  }

  @FieldResolver(() => User, { description: 'The rescored subscriber.' })
  async user(@Root() update: RiskUpdate, @Ctx() ctx: AppContext): Promise<User> {
    return (await ctx.loaders.userById.load(update.userId))!;
  }
}
