/**
 * MovieLens has star ratings; this service learns from completion. The mapping reads a rating as
 * how far a viewer would have got through the title:
 *
 * | stars      | 0.5  | 1    | 2    | 3   | 4    | 5   |
 * | completion | 0.05 | 0.15 | 0.35 | 0.6 | 0.85 | 1.0 |
 *
 * Half stars in between are interpolated linearly (3.5 → 0.725). It is monotone, so every
 * ranking a model learns from completion respects the stars, and it keeps a 1-star rating a weak
 * positive (they chose to watch it) well below the 0.9 "finished" line, while 5 stars is finished.
 */

/** (stars, completion) anchors, ascending. */
export const RATING_COMPLETION_ANCHORS: readonly (readonly [number, number])[] = [
  [0.5, 0.05],
  [1, 0.15],
  [2, 0.35],
  [3, 0.6],
  [4, 0.85],
  [5, 1],
];

/** Completion in [0, 1] for a rating in stars (clamped to 0.5–5). */
export function ratingToCompletion(rating: number): number {
  const a = RATING_COMPLETION_ANCHORS;
  if (!Number.isFinite(rating)) throw new Error(`rating ${rating} is not a number`);
  if (rating <= a[0][0]) return a[0][1];
  for (let k = 1; k < a.length; k++) {
    const [r1, c1] = a[k];
    if (rating <= r1) {
      const [r0, c0] = a[k - 1];
      return c0 + ((rating - r0) / (r1 - r0)) * (c1 - c0);
    }
  }
  return a[a.length - 1][1];
}

/** Watched seconds for a rating, given the title's runtime in seconds (rounded to a second). */
export function ratingToWatchedSeconds(rating: number, runtimeSeconds: number): number {
  if (!(runtimeSeconds >= 0)) throw new Error(`runtime ${runtimeSeconds} s is not a duration`);
  return Math.round(ratingToCompletion(rating) * runtimeSeconds);
}
