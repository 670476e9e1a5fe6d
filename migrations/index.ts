import { InitialSchema1764115200000 } from './1764115200000-InitialSchema';
import { ChurnModels1764201600000 } from './1764201600000-ChurnModels';
import { UserActivityDaily1764288000000 } from './1764288000000-UserActivityDaily';
import { LiveRescoring1764374400000 } from './1764374400000-LiveRescoring';
import { ViewingEventsUserTitle1764460800000 } from './1764460800000-ViewingEventsUserTitle';
import { ExplanationsAndSegments1764547200000 } from './1764547200000-ExplanationsAndSegments';
import { Recommendations1764633600000 } from './1764633600000-Recommendations';
import { SetBasedLivePath1764720000000 } from './1764720000000-SetBasedLivePath';
import { Retention1764979200000 } from './1764979200000-Retention';
import { Survival1764892800000 } from './1764892800000-Survival';
import { LiveQueueWithoutForeignKeys1765065600000 } from './1765065600000-LiveQueueWithoutForeignKeys';

/** Every migration, in order. Listed explicitly so ts-jest and the compiled build load the same set. */
export const MIGRATIONS = [
  InitialSchema1764115200000,
  ChurnModels1764201600000,
  UserActivityDaily1764288000000,
  LiveRescoring1764374400000,
  ViewingEventsUserTitle1764460800000,
  ExplanationsAndSegments1764547200000,
  Recommendations1764633600000,
  SetBasedLivePath1764720000000,
  Survival1764892800000,
  Retention1764979200000,
  LiveQueueWithoutForeignKeys1765065600000,
];
