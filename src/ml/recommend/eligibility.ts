/**
 * Which titles a user may be recommended, from what they already watched.
 *
 * - Movie: finished at completion ≥ `finishedCompletion` (0.9: the credits), never recommended
 *   again; stopped between `resumeFrom` (0.5) and that, it is paused mid-way and may come back as
 *   "Continue watching"; stopped before `resumeFrom`, the user chose to leave it, so it is not
 *   pushed again.
 * - Series: one episode's completion says nothing about the series, so a series is finished only
 *   when `progress` (share of its episodes watched, from the caller) reaches
 *   `seriesFinishedProgress` (0.95). Below that it is in progress ("Continue watching") unless
 *   the latest episode was dropped before `seriesDroppedBelow` (0.2) of its length. A series
 *   without a known progress is in progress (or dropped), never finished.
 */

export interface HistoryEvent {
  item: number;
  /** Completion of this view in [0, 1]. */
  completion: number;
  /** Epoch seconds. */
  timestamp: number;
  /** Series only: share of the series' episodes watched so far, in [0, 1]. */
  progress?: number;
}

export interface EligibilityRules {
  finishedCompletion: number;
  resumeFrom: number;
  seriesFinishedProgress: number;
  seriesDroppedBelow: number;
}

export const ELIGIBILITY_DEFAULTS: EligibilityRules = {
  finishedCompletion: 0.9,
  resumeFrom: 0.5,
  seriesFinishedProgress: 0.95,
  seriesDroppedBelow: 0.2,
};

export type WatchState = 'finished' | 'in-progress' | 'dropped';

export interface WatchStatus {
  state: WatchState;
  /** Movie: best completion; series: progress (NaN when unknown). */
  progress: number;
  /** Latest view, epoch seconds. */
  lastSeen: number;
}

export const MOVIE = 0;
export const SERIES = 1;

/**
 * State per watched item. `kinds[item]` is MOVIE or SERIES (omitted: every title is a movie, as in
 * MovieLens).
 */
export function watchStatuses(
  history: readonly HistoryEvent[],
  kinds: ArrayLike<number> | null | undefined,
  rules: EligibilityRules = ELIGIBILITY_DEFAULTS,
): Map<number, WatchStatus> {
  const latest = new Map<number, HistoryEvent>();
  const best = new Map<number, number>();
  const progress = new Map<number, number>();
  for (const h of history) {
    const prev = latest.get(h.item);
    if (prev === undefined || h.timestamp >= prev.timestamp) latest.set(h.item, h);
    best.set(h.item, Math.max(best.get(h.item) ?? 0, h.completion));
    if (h.progress !== undefined)
      progress.set(h.item, Math.max(progress.get(h.item) ?? 0, h.progress));
  }
  const out = new Map<number, WatchStatus>();
  for (const [item, last] of latest) {
    const isSeries = kinds?.[item] === SERIES;
    let state: WatchState;
    let p: number;
    if (isSeries) {
      p = progress.get(item) ?? NaN;
      if (p >= rules.seriesFinishedProgress) state = 'finished';
      else if (last.completion < rules.seriesDroppedBelow) state = 'dropped';
      else state = 'in-progress';
    } else {
      p = best.get(item)!;
      if (p >= rules.finishedCompletion) state = 'finished';
      else if (p >= rules.resumeFrom) state = 'in-progress';
      else state = 'dropped';
    }
    out.set(item, { state, progress: p, lastSeen: last.timestamp });
  }
  return out;
}

/**
 * 1 where the item may be recommended: never watched, or in progress. Shape: [itemCount].
 * The served lists use `unstartedItems` (started titles have their own row, continueWatching);
 * this mixed rule is kept for callers that want one list of both.
 */
export function eligibleItems(
  itemCount: number,
  statuses: ReadonlyMap<number, WatchStatus>,
): Uint8Array {
  const ok = new Uint8Array(itemCount).fill(1);
  for (const [item, s] of statuses) if (s.state !== 'in-progress') ok[item] = 0;
  return ok;
}

/** 1 where the user never started the item: what the recommendations row may show. Shape: [itemCount]. */
export function unstartedItems(
  itemCount: number,
  statuses: ReadonlyMap<number, WatchStatus>,
): Uint8Array {
  const ok = new Uint8Array(itemCount).fill(1);
  for (const item of statuses.keys()) ok[item] = 0;
  return ok;
}

/** A started, unfinished title: the "Continue watching" row. */
export interface InProgressTitle {
  item: number;
  /** Movie: best completion; series: share of episodes watched (NaN when unknown). */
  progress: number;
  /** Latest view, epoch seconds. */
  lastSeen: number;
}

/** In-progress titles, most recently watched first (ties: lower item first). */
export function inProgressTitles(statuses: ReadonlyMap<number, WatchStatus>): InProgressTitle[] {
  const out: InProgressTitle[] = [];
  for (const [item, s] of statuses) {
    if (s.state === 'in-progress') out.push({ item, progress: s.progress, lastSeen: s.lastSeen });
  }
  return out.sort((a, b) => b.lastSeen - a.lastSeen || a.item - b.item);
}
