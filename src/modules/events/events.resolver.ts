import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root, Subscription } from 'type-graphql';
import { pageSize } from '../../common/pagination';
import { parseId } from '../../common/ids';
import type { AppContext } from '../../api/context';
import { EventTopic, type ViewingEventPayload } from './event.topics';
import { viewingEventFrom } from './event-payloads';
import { Title } from '../catalog/title.entity';
import { User } from '../users/user.entity';
import { ViewingEvent } from './viewing-event.entity';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';

@Resolver(() => ViewingEvent)
export class EventsResolver {
  @Subscription(() => ViewingEvent, {
    topics: EventTopic.VIEWING_EVENT_RECORDED,
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

const MAX_RECENT_EVENTS = 100;

/** A subscriber's viewing history on the User type. */
@Resolver(() => User)
export class UserEventsResolver {
  @FieldResolver(() => [ViewingEvent], { description: 'Latest viewing events, newest first.' })
  async recentEvents(
    @Root() user: User,
    @Ctx() ctx: AppContext,
    @Arg('first', () => Int, { defaultValue: 10, description: '1..100.' }) first: number,
  ): Promise<ViewingEvent[]> {
    return ctx.loaders.recentEvents(pageSize(first, MAX_RECENT_EVENTS)).load(user.id);
  }
}
