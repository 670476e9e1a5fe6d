import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Allow } from '../../api/allow';
import type { AppContext } from '../../api/context';
import { Role } from '../../api/roles';
import { AccountEventInput } from '../events/account-event.inputs';
import { ViewingEventInput } from '../events/viewing-event.inputs';
import { RecordAccountEventsPayload, RecordViewingEventsPayload } from './record-events.types';

/** The ingest mutations: events in, subscribers rescored at once. */
@Resolver()
export class IngestResolver {
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
    return ctx.services.ingest.recordViewingEvents(events);
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
    return ctx.services.ingest.recordAccountEvents(events);
  }
}
