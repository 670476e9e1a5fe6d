import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { CatalogService } from '../modules/catalog/catalog.service';
import { EventsService } from '../modules/events/events.service';
import { UserService } from '../modules/users/user.service';
import type { AppPubSub } from '../pubsub/pubsub';

/** Every domain service, built once per process and shared by both transports. */
export interface Services {
  users: UserService;
  catalog: CatalogService;
  events: EventsService;
}

export function createServices(
  dataSource: DataSource,
  pubSub: AppPubSub,
  config: Pick<Config, 'maxEventsPerBatch'>,
): Services {
  return {
    users: new UserService(dataSource),
    catalog: new CatalogService(dataSource),
    events: new EventsService(dataSource, pubSub, { maxBatch: config.maxEventsPerBatch }),
  };
}
