/** What the model-registry module adds to the services every request can reach. */
import type { ModelRegistryService } from './model-registry.service';

declare module '../../api/context' {
  interface AppServices {
    registry: ModelRegistryService;
  }
}
