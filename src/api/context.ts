/**
 * What every resolver sees, for HTTP requests and ws operations alike. This layer sits below the
 * modules and knows none of them: each module declares the services and DataLoaders it contributes
 * by augmenting `AppServices` and `AppLoaders` (its `<concept>.context.ts`), and the composition root
 * (src/app/) builds objects of these types. So a module reaches another module's service through the
 * context without this file, or the transport, importing any module.
 */
import type { Clock } from '../common/clock';
import type { AppPubSub } from '../pubsub/pubsub';
import type { Role } from './roles';

/** Every domain service, built once per process and shared by both transports and the CLI. */
export interface AppServices {
  clock: Clock;
  pubSub: AppPubSub;
}

/** DataLoaders, fresh for every request (HTTP) or operation (ws): no cache outlives its request. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the modules (declaration merging)
export interface AppLoaders {}

/** Who is calling. */
export interface Caller {
  /** null: no key was sent and the default role is none. */
  role: Role | null;
  /** Where the role came from, for messages. */
  source: 'key' | 'default';
  /** Public id of the key (see server/auth/api-keys.ts `keyId`), when one was sent. */
  keyId?: string;
}

export interface AppContext {
  requestId: string;
  transport: 'http' | 'ws';
  caller: Caller;
  services: AppServices;
  loaders: AppLoaders;
}

/** Builds a context for a request or operation (supplied by the composition root). */
export type ContextFactory = (transport: AppContext['transport'], caller: Caller) => AppContext;
