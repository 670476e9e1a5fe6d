/** What the segments module adds to every request's context. */
import DataLoader from 'dataloader';
import type { AppServices } from '../../api/context';
import type { Segment } from './segment.types';
import type { SegmentsService } from './segments.service';

declare module '../../api/context' {
  interface AppServices {
    segments: SegmentsService;
  }
  interface AppLoaders {
    /** Segment ids of the latest run per user. */
    userSegmentId: DataLoader<string, string | null>;
    segmentById: DataLoader<string, Segment | null>;
  }
}

export function createSegmentLoaders(services: AppServices) {
  return {
    userSegmentId: new DataLoader((userIds: readonly string[]) =>
      services.segments.segmentIdsOf(userIds),
    ),
    segmentById: new DataLoader((ids: readonly string[]) => services.segments.findByIds(ids)),
  };
}
