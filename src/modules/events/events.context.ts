/** What the events module adds to every request's context. */
import DataLoader from 'dataloader';
import type { AppServices } from '../../api/context';
import { keyedLoader } from '../../common/keyed-loaders';
import type { AccountEventsService } from './account-events.service';
import type { EventsService } from './events.service';
import type { ViewingEvent } from './viewing-event.entity';

declare module '../../api/context' {
  interface AppServices {
    events: EventsService;
    accountEvents: AccountEventsService;
  }
  interface AppLoaders {
    /** Recent events per user for one page size (the size is part of the batch, not the key). */
    recentEvents(first: number): DataLoader<string, ViewingEvent[]>;
  }
}

export function createEventLoaders(services: AppServices) {
  return {
    recentEvents: keyedLoader(
      (first: number) =>
        new DataLoader((userIds: readonly string[]) =>
          services.events.recentEventsByUser(userIds, first),
        ),
    ),
  };
}
