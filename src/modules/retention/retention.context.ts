/** What the retention module adds to the services every request can reach. */
import type { RetentionService } from './retention.service';

declare module '../../api/context' {
  interface AppServices {
    retention: RetentionService;
  }
}
