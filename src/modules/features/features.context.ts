/** What the features module adds to the services every request can reach. */
import type { FeatureService } from './feature.service';

declare module '../../api/context' {
  interface AppServices {
    features: FeatureService;
  }
}
