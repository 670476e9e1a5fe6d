import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { parseId } from '../../common/ids';
import type { AppContext } from '../../server/context';
import { Topic, type ViewingEventPayload } from '../../pubsub/topics';
import { viewingEventFrom } from './event-payloads';
import { AccountEventInput, RecordAccountEventsPayload } from './account-event.inputs';
import { Title } from '../catalog/title.entity';
import { User } from '../users/user.entity';
import { ViewingEvent } from './viewing-event.entity';
import { RecordViewingEventsPayload, ViewingEventInput } from './viewing-event.inputs';
import { Allow } from '../../server/auth/allow';
import { Role } from '../../server/auth/roles';

@Resolver(() => ViewingEvent)
export class EventsResolver {
  @Mutation(() => RecordViewingEventsPayload, {
    description:
      'Store a batch of viewing events (at most MAX_EVENTS_PER_BATCH). The whole batch is validated first: ' +
      'any bad event fails the call with INVALID_VIEWING_EVENTS and writes nothing. Re-sent clientEventIds are no-ops.',
  })
  @Allow(Role.INGEST)
  async recordViewingEvents(
    @Arg('events', () => [ViewingEventInput], {
      description:
        'The batch, at most MAX_EVENTS_PER_BATCH (1,000) events; validated whole before anything is written.',
    })
    events: ViewingEventInput[],
    @Ctx() ctx: AppContext,
  ): Promise<RecordViewingEventsPayload> {
    return ctx.services.events.recordViewingEvents(events);
  }

  @Mutation(() => RecordAccountEventsPayload, {
    description:
      'Store a batch of account events (payment failed or recovered, price or plan change, cancel, reactivate; at most ' +
      'MAX_EVENTS_PER_BATCH). The whole batch is validated first: any bad event fails the call with ' +
      'INVALID_ACCOUNT_EVENTS and writes nothing; a clientEventId re-sent with other content is EVENT_CONFLICT. ' +
      'The subscribers are rescored right after the commit; CANCEL resolves their open alert as CHURNED.',
  })
  @Allow(Role.INGEST)
  async recordAccountEvents(
    @Arg('events', () => [AccountEventInput], { description: 'The events, in any order.' })
    events: AccountEventInput[],
    @Ctx() ctx: AppContext,
  ): Promise<RecordAccountEventsPayload> {
    return ctx.services.accountEvents.recordAccountEvents(events);
  }

  @Subscription(() => ViewingEvent, {
    topics: Topic.VIEWING_EVENT_RECORDED,
    topicId: ({ args }) => parseId(args.userId as string, 'user'),
    description: 'Every viewing event stored for this user, as it is committed.',
  })
  @Allow(Role.READER)
  viewingEventRecorded(
    @Root() event: ViewingEventPayload,
    @Arg('userId', () => ID, { description: 'The subscriber to watch.' }) _userId: string,
  ): ViewingEvent {
    return viewingEventFrom(event);
  }

  @FieldResolver(() => Title, { description: 'The title watched.' })
  async title(@Root() event: ViewingEvent, @Ctx() ctx: AppContext): Promise<Title> {
    return (await ctx.loaders.titleById.load(event.titleId))!;
  }

  @FieldResolver(() => User, { description: 'The subscriber who watched.' })
  async user(@Root() event: ViewingEvent, @Ctx() ctx: AppContext): Promise<User> {
    return (await ctx.loaders.userById.load(event.userId))!;
  }
}
