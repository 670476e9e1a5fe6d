import { randomUUID } from 'node:crypto';
import type { Caller } from './auth/operation-access';
import { createLoaders, type Loaders } from './loaders';
import type { Services } from './services';

/** What every resolver sees, for HTTP requests and ws operations alike. */
export interface AppContext {
  requestId: string;
  transport: 'http' | 'ws';
  caller: Caller;
  services: Services;
  loaders: Loaders;
}

/** The one context factory for both transports: fresh DataLoaders per request or ws operation. */
export function createContext(
  services: Services,
  transport: AppContext['transport'],
  caller: Caller,
): AppContext {
  return {
    requestId: randomUUID(),
    transport,
    caller,
    services,
    loaders: createLoaders(services),
  };
}
