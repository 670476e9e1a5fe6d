import { GENRE_SLOTS, SERIES, membership } from './catalog';
import type { EventLog } from './event-log';
import { type Random, sampleAlias } from './random';
import { HALF_DAYS, TREND_DAYS, type UserState } from './state';
import { GENRES } from './vocabulary';
import type { World } from './world';

const G = GENRES.length;
const MAX_SITTINGS = 8;
const MAX_EPISODES_PER_SITTING = 8;
const MAX_VIEWS = MAX_SITTINGS * MAX_EPISODES_PER_SITTING;
const DAY_SECONDS = 86400;
const MIN_ENGAGEMENT = 0.05;
const MAX_ENGAGEMENT = 4;

/**
 * Scratch for one subscriber-day's views, reused for every call (the simulation is
 * single-threaded), so the daily loop allocates nothing. Only the main trajectory lays views out
 * in time and emits them; replays skip that work since it never feeds back into state.
 */
const dayTitle = new Int32Array(MAX_VIEWS);
const daySeconds = new Int32Array(MAX_VIEWS);
const dayCompletion = new Float64Array(MAX_VIEWS);
const dayAffinity = new Float64Array(MAX_VIEWS);
const daySittingStart = new Uint8Array(MAX_VIEWS);
const dayGap = new Int32Array(MAX_VIEWS);

/**
 * Affinity of subscriber `u` for title `t` in [0, 1]: the taste mass on the title's genres
 * (membership-weighted), relative to the subscriber's favourite genre.
 */
export function affinity(world: World, u: number, t: number): number {
  const { genres } = world.catalog;
  const { taste, maxTaste } = world.subs;
  let num = 0;
  let den = 0;
  for (let k = 0; k < GENRE_SLOTS; k++) {
    const g = genres[t * GENRE_SLOTS + k];
    if (g < 0) break;
    const m = k === 0 ? 1 : 0.5;
    num += m * taste[u * G + g];
    den += m;
  }
  return num / den / maxTaste[u];
}

/**
 * A new title for subscriber row `i`: a genre from taste (or, now and then, whatever the home page
 * pushes), then a title of that genre by popularity. Already watched titles are redrawn a few
 * times; when even that fails the favourite genres are exhausted and the subscriber either
 * rewatches or takes an exploratory pick, both worse matches, which is how exhaustion hurts.
 */
function pickNewTitle(world: World, st: UserState, i: number, rng: Random): number {
  const { catalog, subs, behaviour: b } = world;
  const u = st.ref[i];
  let t = 0;
  for (let attempt = 0; attempt <= b.retries; attempt++) {
    if (rng.next() < b.exploreShare) t = sampleAlias(catalog.global, rng);
    else t = sampleAlias(catalog.byGenre[rng.pickCumulative(subs.tasteCdf, u * G, G)], rng);
    if (!st.hasWatched(i, t)) return t;
  }
  return rng.next() < b.rewatchShare ? t : sampleAlias(catalog.global, rng);
}

/**
 * Live one day for active row `i` of `st`: sittings drawn from engagement, titles from taste ×
 * popularity, completion from affinity, quality and engagement; then the day's history enters the
 * rolling windows the hazard reads. With a `log`, the views are also laid out in time and emitted.
 * `floorSecond` is the earliest second of the day a view may start (after a same-day signup).
 */
export function liveDay(
  world: World,
  st: UserState,
  i: number,
  day: number,
  rng: Random,
  log: EventLog | null,
  floorSecond = 0,
): void {
  const { catalog, subs, behaviour: b } = world;
  const u = st.ref[i];
  const weekday = (((world.startWeekday + day) % 7) + 7) % 7; // burn-in days are negative
  let lambda =
    b.sessionRate * st.engagement[i] * (weekday === 0 || weekday === 6 ? b.weekendBoost : 1);
  if (floorSecond > 0) lambda *= (DAY_SECONDS - floorSecond) / DAY_SECONDS;
  const sittings = Math.min(rng.poisson(lambda), MAX_SITTINGS);
  const c = b.completion;
  const logEngagement = Math.log(st.engagement[i]);
  let views = 0;

  for (let s = 0; s < sittings; s++) {
    let t: number;
    if (st.series[i] >= 0 && rng.next() < b.continueSeries) {
      t = st.series[i];
    } else {
      t = pickNewTitle(world, st, i, rng);
      if (catalog.type[t] === SERIES) {
        st.series[i] = t;
        st.nextEpisode[i] = 0;
      }
    }
    const a = affinity(world, u, t);
    const rewatch = st.hasWatched(i, t) && st.series[i] !== t;
    const base =
      c.intercept +
      c.affinity * a +
      c.quality * (catalog.quality[t] - 0.5) +
      c.engagement * logEngagement -
      (rewatch ? c.rewatch : 0);
    const isSeries = catalog.type[t] === SERIES;
    let episodes = 1;
    if (isSeries) {
      const remaining = catalog.episodes[t] - st.nextEpisode[i];
      const binge = b.bingeBase + b.bingeEngagement * Math.max(0, st.engagement[i] - 0.7) * a;
      episodes = Math.min(1 + rng.poisson(binge), remaining, MAX_EPISODES_PER_SITTING);
    }
    if (!st.hasWatched(i, t)) {
      st.markWatched(i, t);
      const fav = subs.favGenre[u];
      const w = catalog.genreWeight[fav];
      if (w > 0)
        st.exhaustion[i] += (membership(catalog.genres, t, fav) * catalog.popularity[t]) / w;
    }

    for (let e = 0; e < episodes; e++) {
      const pFinish = 1 / (1 + Math.exp(-base));
      const r = rng.next();
      // Finishers stop somewhere in the credits; others drop off earlier the worse the match.
      const completion =
        r < pFinish ? Math.min(1, 0.9 + 0.12 * rng.next()) : rng.next() * (0.15 + 0.75 * pFinish);
      const rounded = Math.round(completion * 1000) / 1000;
      const seconds = Math.round(rounded * catalog.runtimeMinutes[t] * 60);
      if (views < MAX_VIEWS) {
        dayTitle[views] = t;
        daySeconds[views] = seconds;
        dayCompletion[views] = rounded;
        dayAffinity[views] = a;
        daySittingStart[views] = e === 0 ? 1 : 0;
        views++;
      }
      st.engagement[i] += b.engagementLearning * (rounded - b.engagementPivot);
      if (isSeries) {
        st.nextEpisode[i]++;
        if (st.nextEpisode[i] >= catalog.episodes[t]) {
          st.series[i] = -1; // finished
          break;
        }
        if (rounded < 0.4) {
          // An abandoned episode ends the sitting; half the time the series too.
          if (rng.next() < 0.5) st.series[i] = -1;
          break;
        }
      }
    }
  }

  // Roll the day into the windows the hazard reads (history through `day`).
  let seconds = 0;
  let completionPermille = 0;
  for (let v = 0; v < views; v++) {
    seconds += daySeconds[v];
    completionPermille += Math.round(dayCompletion[v] * 1000);
  }
  const ring = i * TREND_DAYS;
  const slot = ((day % TREND_DAYS) + TREND_DAYS) % TREND_DAYS;
  const mid = (slot + HALF_DAYS) % TREND_DAYS; // holds day − 14, about to leave the recent half
  st.prev14[i] += st.watchRing[ring + mid] - st.watchRing[ring + slot];
  st.recent14[i] += seconds - st.watchRing[ring + mid];
  st.watchRing[ring + slot] = seconds;
  const half = i * HALF_DAYS + (slot % HALF_DAYS);
  st.views14[i] += views - st.viewRing[half];
  st.completion14[i] += completionPermille - st.completionRing[half];
  st.viewRing[half] = views;
  st.completionRing[half] = completionPermille;
  if (views > 0) st.lastViewDay[i] = day;

  // Pull toward the subscriber's own level (or a low one while drifting away), with noise.
  const r = rng.next();
  if (st.drifting[i] === 1) {
    if (r < b.recoverDaily) st.drifting[i] = 0;
  } else if (r < b.driftDaily) st.drifting[i] = 1;
  const e = st.engagement[i];
  const drifting = st.drifting[i] === 1;
  const target = drifting ? b.driftLevel * subs.baseEngagement[u] : subs.baseEngagement[u];
  const pull = drifting ? b.driftReversion : b.engagementReversion;
  const next = e + pull * (target - e) + b.engagementNoise * (rng.next() - 0.5);
  st.engagement[i] =
    next < MIN_ENGAGEMENT ? MIN_ENGAGEMENT : next > MAX_ENGAGEMENT ? MAX_ENGAGEMENT : next;

  if (log !== null && views > 0) emitDay(world, u, day, rng, log, views, floorSecond);
}

/**
 * Lay the day's views out in time (sittings start on the evening-heavy hourly profile, episodes
 * follow each other, sittings are spaced out) and emit them with device and an occasional rating.
 * Everything stays inside [floorSecond, 86400) of the day, so no event reaches the world end.
 */
function emitDay(
  world: World,
  u: number,
  day: number,
  rng: Random,
  log: EventLog,
  views: number,
  floorSecond: number,
): void {
  const { subs, catalog, behaviour: b } = world;
  // Gaps before each view: a break between sittings, a few seconds of autoplay between episodes.
  let total = 0;
  for (let v = 0; v < views; v++) {
    dayGap[v] = v === 0 ? 0 : daySittingStart[v] === 1 ? 600 + rng.int(5400) : 15 + rng.int(60);
    total += dayGap[v] + daySeconds[v];
  }
  const hour = rng.pickCumulative(world.hourCdf);
  let start = hour * 3600 + rng.int(3600);
  const latest = DAY_SECONDS - 1 - total;
  if (start > latest) start = latest;
  if (start < floorSecond) start = floorSecond;
  let clock = start;
  let device = 0;
  for (let v = 0; v < views; v++) {
    clock += dayGap[v];
    const second = clock < DAY_SECONDS ? clock : DAY_SECONDS - 1;
    if (daySittingStart[v] === 1) device = rng.pickCumulative(subs.deviceCdf, u * 4, 4);
    const t = dayTitle[v];
    const completion = dayCompletion[v];
    let rating = 0;
    // Strong experiences get rated more often, and the stars follow completion and match.
    const rateChance = b.ratingShare * (0.5 + 2 * Math.abs(completion - 0.55));
    if (daySittingStart[v] === 1 && rng.next() < rateChance) {
      const stars =
        1 +
        4 * (0.45 * dayAffinity[v] + 0.3 * catalog.quality[t] + 0.25 * completion) +
        0.7 * rng.normal();
      rating = stars < 1 ? 1 : stars > 5 ? 5 : Math.round(stars);
    }
    log.viewing(u, t, day, second, daySeconds[v], completion, device, rating);
    clock += daySeconds[v];
  }
}
