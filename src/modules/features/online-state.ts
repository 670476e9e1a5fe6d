/**
 * The online feature state of one subscriber and its incremental update. Pure: no database.
 *
 * Windows are whole UTC days ending with the day of the instant just before `t` ("last 7 days" at
 * 2026-11-26T00:00Z are Nov 19..25), the same definition the batch SQL uses, so both paths agree.
 */
export const DAY_MS = 86_400_000;
/** Days of daily aggregates kept: enough for 30-day windows and the 28-day sequence. */
export const WINDOW_DAYS = 32;
/** Genre interest decays with this time constant; entropy is scale-free, so no re-decay is needed at read time. */
export const GENRE_DECAY_DAYS = 30;
/**
 * Time constants of the recency-weighted view counts: a smoothed recent level, and a long-run one
 * that remembers further back than the daily window (how active this subscriber usually is).
 */
export const VIEW_DECAY_DAYS = [7, 90] as const;
/** A sitting that stops before this share of the title counts as abandoned. */
export const ABANDON_COMPLETION = 0.25;
/** Device → bit in the daily device mask. */
export const DEVICE_BITS: Record<string, number> = { TV: 1, MOBILE: 2, WEB: 4, TABLET: 8 };
/**
 * A title counts fully toward its primary genre (listed first) and this much toward each other
 * genre, as the catalogue's genre pools do.
 */
export const SECONDARY_GENRE_WEIGHT = 0.5;
/**
 * Shape version of OnlineState. A stored state of an older version is missing history a newer
 * field needs (genreTitles counts every title ever started, decayedViews every view), so it is rebuilt from the events
 * rather than patched: FeatureService.counts() counts only current states, and the app rebuilds
 * when fewer than the users.
 */
export const STATE_VERSION = 3;

export interface OnlineState {
  /** STATE_VERSION when built from the whole history. */
  version: number;
  /** UTC day number (ms / DAY_MS) of index 0 of the daily arrays; index k is `anchorDay - k`. */
  anchorDay: number;
  sessions: number[];
  seconds: number[];
  completionSum: number[];
  abandoned: number[];
  devices: number[];
  /** Latest viewing start seen, ms since epoch; null before the first view. */
  lastViewAt: number | null;
  /** Watched seconds per genre, decayed to `genreAnchorAt`. */
  genreWeights: Record<string, number>;
  genreAnchorAt: number;
  /**
   * Distinct titles ever started, per genre (1 for the primary genre, SECONDARY_GENRE_WEIGHT for
   * the others). Bounded by the number of genres, and order-independent: a title counts once
   * whenever its first view arrives.
   */
  genreTitles: Record<string, number>;
  /** Views weighted by exp(−age / τ) for each τ of VIEW_DECAY_DAYS, ages taken at `decayedViewsAt`. */
  decayedViews: number[];
  decayedViewsAt: number;
}

export interface ObservedView {
  startedAt: number;
  watchedSeconds: number;
  completion: number;
  device: string;
  /** The title's genres, primary first. */
  genres: readonly string[];
  /**
   * Whether this is the subscriber's first stored view of the title. The state keeps no set of
   * titles (it would grow with the catalogue), so the caller, who can see the stored events,
   * decides.
   */
  firstOfTitle: boolean;
}

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** The day whose end bounds the windows at `t`: the day of the instant just before t. */
export function windowDay(t: number): number {
  return dayOf(t - 1);
}

export function emptyState(): OnlineState {
  const zeros = () => new Array<number>(WINDOW_DAYS).fill(0);
  return {
    version: STATE_VERSION,
    anchorDay: 0,
    sessions: zeros(),
    seconds: zeros(),
    completionSum: zeros(),
    abandoned: zeros(),
    devices: zeros(),
    lastViewAt: null,
    genreWeights: {},
    genreAnchorAt: 0,
    genreTitles: {},
    decayedViews: VIEW_DECAY_DAYS.map(() => 0),
    decayedViewsAt: 0,
  };
}

/**
 * Fill the fields an older stored state lacks (in place), so reads and updates never meet
 * undefined. The version is left as it was: the filled fields miss the history before the
 * upgrade, and the stale version is what gets the state rebuilt.
 */
export function upgradeState(state: OnlineState): OnlineState {
  const s = state as Partial<OnlineState> & OnlineState;
  s.version ??= 1;
  s.genreTitles ??= {};
  s.decayedViews ??= VIEW_DECAY_DAYS.map(() => 0);
  s.decayedViewsAt ??= 0;
  return state;
}

const DAILY_KEYS = ['sessions', 'seconds', 'completionSum', 'abandoned', 'devices'] as const;

/** Move the daily arrays so index 0 is `day` (later days only); older days fall off the end. */
function shiftTo(state: OnlineState, day: number): void {
  const by = day - state.anchorDay;
  if (by <= 0) return;
  // A plain loop: Array#copyWithin/fill on these small arrays was the hot spot of rebuildAll.
  for (const key of DAILY_KEYS) {
    const arr = state[key];
    for (let k = WINDOW_DAYS - 1; k >= 0; k--) arr[k] = k >= by ? arr[k - by] : 0;
  }
  state.anchorDay = day;
}

/** Fold one viewing event into the state (in place). Events may arrive out of order. */
export function applyView(state: OnlineState, view: ObservedView): OnlineState {
  upgradeState(state);
  const day = dayOf(view.startedAt);
  if (state.lastViewAt === null) state.anchorDay = day;
  shiftTo(state, day);
  const k = state.anchorDay - day;
  if (k < WINDOW_DAYS) {
    state.sessions[k] += 1;
    state.seconds[k] += view.watchedSeconds;
    state.completionSum[k] += view.completion;
    state.abandoned[k] += view.completion < ABANDON_COMPLETION ? 1 : 0;
    state.devices[k] |= DEVICE_BITS[view.device] ?? 0;
  }
  state.lastViewAt =
    state.lastViewAt === null ? view.startedAt : Math.max(state.lastViewAt, view.startedAt);

  if (view.genres.length > 0) {
    const tau = GENRE_DECAY_DAYS * DAY_MS;
    let weight = view.watchedSeconds / view.genres.length;
    if (view.startedAt > state.genreAnchorAt) {
      const decay = Math.exp(-(view.startedAt - state.genreAnchorAt) / tau);
      for (const g of Object.keys(state.genreWeights)) state.genreWeights[g] *= decay;
      state.genreAnchorAt = view.startedAt;
    } else {
      weight *= Math.exp(-(state.genreAnchorAt - view.startedAt) / tau);
    }
    for (const g of view.genres) state.genreWeights[g] = (state.genreWeights[g] ?? 0) + weight;
  }
  if (view.firstOfTitle) {
    view.genres.forEach((g, k) => {
      state.genreTitles[g] = (state.genreTitles[g] ?? 0) + (k === 0 ? 1 : SECONDARY_GENRE_WEIGHT);
    });
  }

  // Ages are kept relative to the latest view, so a late event only adds its own decayed weight.
  const since = view.startedAt - state.decayedViewsAt;
  VIEW_DECAY_DAYS.forEach((days, j) => {
    const tau = days * DAY_MS;
    if (since > 0) state.decayedViews[j] = state.decayedViews[j] * Math.exp(-since / tau) + 1;
    else state.decayedViews[j] += Math.exp(since / tau);
  });
  if (since > 0) state.decayedViewsAt = view.startedAt;
  return state;
}

/** The recency-weighted view counts at `t` (ms), one per VIEW_DECAY_DAYS entry. */
export function decayedViewsAt(state: OnlineState, t: number): number[] {
  return VIEW_DECAY_DAYS.map(
    (days, j) => state.decayedViews[j] * Math.exp(-(t - state.decayedViewsAt) / (days * DAY_MS)),
  );
}

/** Daily aggregates of the `days` days ending with windowDay(t), newest first (index 0 = that day). */
export interface DailyWindow {
  sessions: number[];
  seconds: number[];
  completionSum: number[];
  abandoned: number[];
  devices: number[];
}

export function dailyWindow(state: OnlineState, t: number, days: number): DailyWindow {
  const end = windowDay(t);
  const out: DailyWindow = {
    sessions: [],
    seconds: [],
    completionSum: [],
    abandoned: [],
    devices: [],
  };
  for (let ago = 0; ago < days; ago++) {
    const k = state.anchorDay - (end - ago);
    const inRange = state.lastViewAt !== null && k >= 0 && k < WINDOW_DAYS;
    out.sessions.push(inRange ? state.sessions[k] : 0);
    out.seconds.push(inRange ? state.seconds[k] : 0);
    out.completionSum.push(inRange ? state.completionSum[k] : 0);
    out.abandoned.push(inRange ? state.abandoned[k] : 0);
    out.devices.push(inRange ? state.devices[k] : 0);
  }
  return out;
}

/** Shannon entropy (bits) of a weight map; NaN when empty. */
export function entropyBits(weights: Record<string, number>): number {
  const values = Object.values(weights).filter((w) => w > 0);
  const total = values.reduce((a, b) => a + b, 0);
  if (total <= 0) return Number.NaN;
  return values.reduce((h, w) => h - (w / total) * Math.log2(w / total), 0);
}

/**
 * Share of the favourite genre's catalogue already watched: the genre with the most distinct
 * titles started (ties: the larger share), its started titles over its titles in the catalogue,
 * both membership-weighted. 0 before any view. `catalogue` is genre → membership-weighted title
 * count (GENRE_CATALOGUE_SQL); genres missing from it are ignored, as the batch join does.
 */
export function genreExhaustion(
  genreTitles: Record<string, number>,
  catalogue: Readonly<Record<string, number>>,
): number {
  let bestTitles = 0;
  let best = 0;
  for (const [g, titles] of Object.entries(genreTitles)) {
    const size = catalogue[g];
    if (!(size > 0) || titles <= 0) continue;
    const share = titles / size;
    if (titles > bestTitles || (titles === bestTitles && share > best)) {
      bestTitles = titles;
      best = share;
    }
  }
  return best;
}

export function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}
