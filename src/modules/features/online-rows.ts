/**
 * The rows behind the online feature state: what one batch of views adds to each (user, day), the
 * additive upserts of user_activity_daily and the user_features states, and the conversions between a
 * stored state (no daily arrays) and a full one. Used by FeatureService.
 */
import {
  ABANDON_COMPLETION,
  dayOf,
  DEVICE_BITS,
  emptyState,
  WINDOW_DAYS,
  type ObservedView,
  type OnlineState,
} from './online-state';

/** What the features module needs of a stored viewing event. */
export interface ViewForFeatures {
  userId: string;
  titleId: string;
  startedAt: Date;
  watchedSeconds: number;
  completion: number;
  device: string;
}

/** A user_activity_daily row as json: [day, sessions, seconds, completion_sum, abandoned, devices]. */
export type DailyJson = [number, number, number, number, number, number];

export interface DailyRow {
  userId: string;
  day: number;
  sessions: number;
  seconds: number;
  completionSum: number;
  abandoned: number;
  devices: number;
}

/** Upsert of online states; parameters from `$first`: user ids, states. */
export function statesUpsertSql(first: number): string {
  return `INSERT INTO user_features (user_id, state, updated_at)
    SELECT id, state, now() FROM unnest($${first}::bigint[], $${first + 1}::jsonb[]) AS v(id, state)
    ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`;
}

export function statesParams(
  userIds: readonly string[],
  states: readonly OnlineState[],
): unknown[] {
  return [userIds, states.map((s) => JSON.stringify(withoutDaily(s)))];
}

/** Additive upsert of per-(user, day) aggregates; seven array parameters from `$first`. */
export function dailyUpsertSql(first: number): string {
  const p = (k: number) => `$${first + k}`;
  return `INSERT INTO user_activity_daily (user_id, day, sessions, seconds, completion_sum, abandoned, devices)
    SELECT * FROM unnest(${p(0)}::bigint[], ${p(1)}::int[], ${p(2)}::int[], ${p(3)}::float8[],
                         ${p(4)}::float8[], ${p(5)}::int[], ${p(6)}::int[])
    ON CONFLICT (user_id, day) DO UPDATE SET
      sessions = user_activity_daily.sessions + EXCLUDED.sessions,
      seconds = user_activity_daily.seconds + EXCLUDED.seconds,
      completion_sum = user_activity_daily.completion_sum + EXCLUDED.completion_sum,
      abandoned = user_activity_daily.abandoned + EXCLUDED.abandoned,
      devices = user_activity_daily.devices | EXCLUDED.devices`;
}

/** Rows in (user_id, day) order, so concurrent batches lock alike. */
export function dailyParams(rows: DailyRow[]): unknown[] {
  rows.sort((a, b) => compareIds(a.userId, b.userId) || a.day - b.day);
  return [
    rows.map((r) => r.userId),
    rows.map((r) => r.day),
    rows.map((r) => r.sessions),
    rows.map((r) => r.seconds),
    rows.map((r) => r.completionSum),
    rows.map((r) => r.abandoned),
    rows.map((r) => r.devices),
  ];
}

export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** What one batch adds to each (user, day). */
export function dailyDeltas(events: readonly ViewForFeatures[]): DailyRow[] {
  const byKey = new Map<string, DailyRow>();
  for (const e of events) {
    const day = dayOf(new Date(e.startedAt).getTime());
    const key = `${e.userId}:${day}`;
    let row = byKey.get(key);
    if (!row) {
      row = {
        userId: e.userId,
        day,
        sessions: 0,
        seconds: 0,
        completionSum: 0,
        abandoned: 0,
        devices: 0,
      };
      byKey.set(key, row);
    }
    const completion = Number(e.completion);
    row.sessions += 1;
    row.seconds += Number(e.watchedSeconds);
    row.completionSum += completion;
    row.abandoned += completion < ABANDON_COMPLETION ? 1 : 0;
    row.devices |= DEVICE_BITS[e.device] ?? 0;
  }
  return [...byKey.values()];
}

/** The non-empty days of a fully replayed state, as rows. */
export function dailyRowsOf(userId: string, state: OnlineState): DailyRow[] {
  if (state.lastViewAt === null) return [];
  const rows: DailyRow[] = [];
  for (let k = 0; k < WINDOW_DAYS; k++) {
    if (state.sessions[k] === 0) continue;
    rows.push({
      userId,
      day: state.anchorDay - k,
      sessions: state.sessions[k],
      seconds: state.seconds[k],
      completionSum: state.completionSum[k],
      abandoned: state.abandoned[k],
      devices: state.devices[k],
    });
  }
  return rows;
}

/** Fill a state's daily arrays for the WINDOW_DAYS days ending at `end` from its stored rows. */
export function withDaily(state: OnlineState, end: number, daily: readonly DailyJson[]): void {
  state.anchorDay = end;
  for (const key of ['sessions', 'seconds', 'completionSum', 'abandoned', 'devices'] as const) {
    state[key] = new Array<number>(WINDOW_DAYS).fill(0);
  }
  for (const [day, sessions, seconds, completionSum, abandoned, devices] of daily) {
    const k = end - day;
    state.sessions[k] = sessions;
    state.seconds[k] = seconds;
    state.completionSum[k] = completionSum;
    state.abandoned[k] = abandoned;
    state.devices[k] = devices;
  }
}

export function withScratchDaily(state: OnlineState): OnlineState {
  const fresh = emptyState();
  return {
    ...fresh,
    ...state,
    anchorDay: 0,
    sessions: fresh.sessions,
    seconds: fresh.seconds,
    completionSum: fresh.completionSum,
    abandoned: fresh.abandoned,
    devices: fresh.devices,
  };
}

/** The jsonb part of a state: everything but the daily arrays (those live in user_activity_daily). */
export function withoutDaily(state: OnlineState): Partial<OnlineState> {
  const {
    anchorDay: _a,
    sessions: _s,
    seconds: _sec,
    completionSum: _c,
    abandoned: _ab,
    devices: _d,
    ...rest
  } = state;
  return rest;
}

export function toView(
  e: ViewForFeatures,
  genres: readonly string[],
  firstOfTitle: boolean,
): ObservedView {
  return {
    startedAt: new Date(e.startedAt).getTime(),
    watchedSeconds: Number(e.watchedSeconds),
    completion: Number(e.completion),
    device: e.device,
    genres,
    firstOfTitle,
  };
}
