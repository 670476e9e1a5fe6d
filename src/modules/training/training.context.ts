/** What the training module adds to the services every request can reach. */
import type { TrainingService } from './training.service';

declare module '../../api/context' {
  interface AppServices {
    training: TrainingService;
  }
}
