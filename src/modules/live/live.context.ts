/** What the live module adds to the services every request can reach. */
import type { IngestService } from './ingest.service';
import type { RescoringService } from './rescoring.service';
import type { TimeRescoringScheduler } from './time-rescoring';

declare module '../../api/context' {
  interface AppServices {
    ingest: IngestService;
    rescoring: RescoringService;
    timeRescoring: TimeRescoringScheduler;
  }
}
