/**
 * The segments of committed segmentation runs, kept in memory by run id. A run is stored in one
 * transaction and never changes after it commits, so a request reads only which run is the latest;
 * parsing the segments' rows (centroids are float arrays) was a fifth of the server's CPU on a
 * `segments` query. The latest few runs are kept.
 */
import type { Segment } from './segment.types';

const CACHED_RUNS = 4;

export class SegmentsByRun {
  private readonly runs = new Map<string, readonly Segment[]>();

  /** The run's segments, read by `load` the first time; a run without segments is not kept. */
  async get(runId: string, load: () => Promise<Segment[]>): Promise<Segment[]> {
    let segments = this.runs.get(runId);
    if (!segments) {
      segments = await load();
      // An unknown (or not yet committed) run reads as no segments: ask again next time.
      if (segments.length > 0) {
        this.runs.set(runId, segments);
        if (this.runs.size > CACHED_RUNS) this.runs.delete(this.runs.keys().next().value!);
      }
    }
    return [...segments];
  }
}
