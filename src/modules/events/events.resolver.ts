import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { parseId } from '../../common/ids';
import type { AppContext } from '../../server/context';
import { Topic } from '../../pubsub/topics';
import { Title } from '../catalog/title.entity';
import { User } from '../users/user.entity';
import { ViewingEvent } from './viewing-event.entity';
import { RecordViewingEventsPayload, ViewingEventInput } from './viewing-event.inputs';

@Resolver(() => ViewingEvent)
export class EventsResolver {
  @Mutation(() => RecordViewingEventsPayload, {
    description:
      'Store a batch of viewing events (at most MAX_EVENTS_PER_BATCH). The whole batch is validated first: ' +
      'any bad event fails the call with INVALID_VIEWING_EVENTS and writes nothing. Re-sent clientEventIds are no-ops.',
  })
  async recordViewingEvents(
    @Arg('events', () => [ViewingEventInput]) events: ViewingEventInput[],
    @Ctx() ctx: AppContext,
  ): Promise<RecordViewingEventsPayload> {
    return ctx.services.events.recordViewingEvents(events);
  }

  @Subscription(() => ViewingEvent, {
    topics: Topic.VIEWING_EVENT_RECORDED,
    topicId: ({ args }) => parseId(args.userId as string, 'user'),
    description: 'Every viewing event stored for this user, as it is committed.',
  })
  viewingEventRecorded(
    @Root() event: ViewingEvent,
    @Arg('userId', () => ID) _userId: string,
  ): ViewingEvent {
    return event;
  }

  @FieldResolver(() => Title)
  async title(@Root() event: ViewingEvent, @Ctx() ctx: AppContext): Promise<Title> {
    return (await ctx.loaders.titleById.load(event.titleId))!;
  }

  @FieldResolver(() => User)
  async user(@Root() event: ViewingEvent, @Ctx() ctx: AppContext): Promise<User> {
    return (await ctx.loaders.userById.load(event.userId))!;
  }
}
