/**
 * How the synthetic world responds to recommendations: the ground truth that uptake and the
 * churn-aware re-rank are checked against.
 *
 * - Uptake: shown a row, a subscriber considers its titles in order and takes title t at rank r
 *   (1-based) with probability sigmoid(intercept + slope × affinity(u, t)) × rankDecay^(r − 1),
 *   affinity being their latent taste match (viewing.ts: taste mass on the title's genres relative
 *   to their favourite genre, in [0, 1]). They take at most one title per showing.
 * - Watching it: one sitting with the world's own completion model (affinity, latent quality,
 *   engagement), which moves engagement as any view does.
 * - The true effect: finishing it (completion ≥ 0.9) sets `recommendedFinishDay`, and the daily
 *   hazard gains recommendedFinish × exp(−days since / recommendedFinishDecayDays) (hazard.ts;
 *   default −0.5 on the logit, a 21-day decay: about 40% lower hazard the day after, 17% after
 *   three weeks).
 */
import { SERIES, membership } from './catalog';
import { type Random, sigmoid } from './random';
import type { UserState } from './state';
import { affinity } from './viewing';
import type { World } from './world';

export interface UptakeParams {
  intercept: number;
  slope: number;
  /** Attention left for each next rank. */
  rankDecay: number;
}

/** A perfect match (affinity 1) is taken 40% of the time at rank 1, a poor one (0.2) 6%. */
export const DEFAULT_UPTAKE: UptakeParams = { intercept: -3.3, slope: 2.9, rankDecay: 0.85 };

/** P(take title t at `rank` (1-based)) for world subscriber u. */
export function uptakeProbability(
  world: World,
  u: number,
  t: number,
  rank: number,
  p: UptakeParams = DEFAULT_UPTAKE,
): number {
  return sigmoid(p.intercept + p.slope * affinity(world, u, t)) * p.rankDecay ** (rank - 1);
}

/** What became of one showing. */
export interface ShowingOutcome {
  /** Title taken, or −1. */
  taken: number;
  completion: number;
  finished: boolean;
}

/**
 * Row `i` of `st` is shown `list` (title indices, best first) on `day`: draws the uptake, and if a
 * title is taken, watches it (state updated as a view of it would). Titles already started are
 * skipped (the served row never holds them).
 */
export function respondToRow(
  world: World,
  st: UserState,
  i: number,
  day: number,
  list: ArrayLike<number>,
  rng: Random,
  p: UptakeParams = DEFAULT_UPTAKE,
): ShowingOutcome {
  const u = st.ref[i];
  let rank = 0;
  for (let k = 0; k < list.length; k++) {
    const t = list[k];
    if (st.hasWatched(i, t)) continue;
    rank++;
    if (rng.next() < uptakeProbability(world, u, t, rank, p)) {
      const completion = watchTaken(world, st, i, day, t, rng);
      return { taken: t, completion, finished: completion >= 0.9 };
    }
  }
  return { taken: -1, completion: 0, finished: false };
}

/** One sitting of a taken title with the world's completion model; returns its completion. */
function watchTaken(
  world: World,
  st: UserState,
  i: number,
  day: number,
  t: number,
  rng: Random,
): number {
  const { catalog, subs, behaviour: b } = world;
  const u = st.ref[i];
  const c = b.completion;
  const a = affinity(world, u, t);
  const pFinish = sigmoid(
    c.intercept +
      c.affinity * a +
      c.quality * (catalog.quality[t] - 0.5) +
      c.engagement * Math.log(st.engagement[i]),
  );
  const completion =
    rng.next() < pFinish
      ? Math.min(1, 0.9 + 0.12 * rng.next())
      : rng.next() * (0.15 + 0.75 * pFinish);
  st.markWatched(i, t);
  const fav = subs.favGenre[u];
  const w = catalog.genreWeight[fav];
  if (w > 0) st.exhaustion[i] += (membership(catalog.genres, t, fav) * catalog.popularity[t]) / w;
  if (catalog.type[t] === SERIES && completion >= 0.4) {
    st.series[i] = t;
    st.nextEpisode[i] = 1;
  }
  st.engagement[i] += b.engagementLearning * (completion - b.engagementPivot);
  if (completion >= 0.9) st.recommendedFinishDay[i] = day;
  return completion;
}
