/**
 * Keeps segment ids stable across runs: the new run's centroids are matched one-to-one to the
 * previous run's by minimum total Euclidean distance (optimal assignment), in one shared space
 * (the caller maps both runs' centroids into the current standardised space). A match further
 * than `maxDistance` is not the same segment any more; it and every segment left unmatched when
 * k grew get fresh ids, and previous segments left unmatched when k shrank are retired.
 */
import { optimalAssignment } from './hungarian';

export interface PreviousSegment {
  id: number;
  /** In the same space as the new centroids. Shape: [d]. */
  centroid: ArrayLike<number>;
}

export interface SegmentMatch {
  /** Index of the new segment (its position in the centroids passed in). */
  index: number;
  /** Stable id: the previous segment's, or a fresh one. */
  id: number;
  /** The previous segment it continues, or null for a new segment. */
  previousId: number | null;
  /** Distance to the previous centroid it was assigned to (also for one rejected as too far); null if none. */
  distance: number | null;
}

export interface SegmentMatchOptions {
  /** Beyond this centroid distance a match counts as a new segment. Default 1 (z units). */
  maxDistance?: number;
  /** First fresh id. Default one more than the largest previous id (0 without any). */
  nextId?: number;
}

export interface SegmentMatching {
  matches: SegmentMatch[];
  /** Previous ids no new segment continues. */
  retired: number[];
}

function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`centroids of width ${a.length} and ${b.length}`);
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return Math.sqrt(s);
}

/**
 * Matches new centroids to previous segments. Fresh ids are handed out in index order, so the
 * result is deterministic. Shapes: previous [k₀], centroids [k, d] → k matches.
 */
export function matchSegments(
  previous: readonly PreviousSegment[],
  centroids: ArrayLike<number>[],
  options: SegmentMatchOptions = {},
): SegmentMatching {
  const maxDistance = options.maxDistance ?? 1;
  let nextId = options.nextId ?? previous.reduce((m, p) => Math.max(m, p.id + 1), 0);
  const cost = centroids.map((c) => previous.map((p) => euclidean(c, p.centroid)));
  const assigned =
    previous.length > 0 ? optimalAssignment(cost) : new Int32Array(centroids.length).fill(-1);
  const continued = new Set<number>();
  const matches = centroids.map((_, index): SegmentMatch => {
    const p = assigned[index];
    const distance = p >= 0 ? cost[index][p] : null;
    if (p >= 0 && distance! <= maxDistance) {
      continued.add(previous[p].id);
      return { index, id: previous[p].id, previousId: previous[p].id, distance };
    }
    return { index, id: nextId++, previousId: null, distance };
  });
  return { matches, retired: previous.map((p) => p.id).filter((id) => !continued.has(id)) };
}
