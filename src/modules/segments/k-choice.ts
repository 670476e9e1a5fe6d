/** How a segment run chooses its number of segments (read by the run and shown on SegmentRun.kCriterion). */
/**
 * k is chosen among 4..8 by silhouette, over the k whose smallest segment holds at least 5% of the
 * subscribers. Why: on viewing behaviour the silhouette is flat across k (0.12–0.20), so alone it
 * prefers k = 2, a light/heavy split nobody can act on differently; and left free above 4 it rewards
 * splitting off a sliver of a few dozen subscribers, too small to run a campaign on.
 */
export const K_RANGE: [number, number] = [4, 8];
export const MIN_SEGMENT_SHARE = 0.05;
