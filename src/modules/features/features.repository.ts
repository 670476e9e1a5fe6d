/**
 * Every statement over the online feature tables: user_feature_state (per subscriber),
 * user_genre_state (per subscriber and genre), user_titles (per subscriber and title ever started) and
 * user_activity_daily (per subscriber and UTC day).
 *
 * The ingest path folds a batch of views into all four with one set of CTEs (`foldViewsCtes`), which
 * the events module composes into its single write statement: every upsert is additive or a
 * log-sum-exp, so it is order-independent and needs no read of the old state. Rows are upserted in key
 * order so concurrent batches lock alike.
 */
import type { Queryable } from '../../common/prepared-query';
import { preparedQuery } from '../../common/prepared-query';
import {
  ABANDON_COMPLETION,
  DEVICE_BITS,
  GENRE_DECAY_DAYS,
  SECONDARY_GENRE_WEIGHT,
  VIEW_DECAY_DAYS,
  WINDOW_DAYS,
} from './online-state';
import { ACCOUNT_EVENTS, VIEWING_EVENTS } from '../events/event-sql';
import { TITLES } from '../catalog/title-sql';
import { USERS } from '../users/user-sql';

const DEVICE_BIT_SQL = `CASE %s ${Object.entries(DEVICE_BITS)
  .map(([d, bit]) => `WHEN '${d}' THEN ${bit}`)
  .join(' ')} ELSE 0 END`;
const deviceBit = (column: string) => DEVICE_BIT_SQL.replace('%s', column);

/** Days since the epoch of a timestamptz column, as float8. */
const days = (column: string) => `(extract(epoch FROM ${column})::float8 / 86400)`;

/**
 * CTEs (to follow a WITH) that fold the views of relation `input` (user_id, title_id, started_at,
 * watched_seconds, completion, device) into the online state. `genres` is a relation (title_id, genre,
 * k = 1-based position, n = genres of the title) covering the input's titles. CTE names start with
 * `prefix`.
 */
export function foldViewsCtes(input: string, genres: string, prefix = 'fold'): string {
  const taus = VIEW_DECAY_DAYS.map((d) => `views_log_${d}d`);
  const logUpdates = taus
    .map((c) => `${c} = logaddexp(user_feature_state.${c}, EXCLUDED.${c})`)
    .join(', ');
  return `
  ${prefix}_daily AS (
    INSERT INTO user_activity_daily (user_id, day, sessions, seconds, completion_sum, abandoned, devices)
    SELECT user_id, floor(extract(epoch FROM started_at) / 86400)::int AS day, count(*)::int,
           sum(watched_seconds)::float8, sum(completion::float8),
           sum((completion < ${ABANDON_COMPLETION})::int)::int, bit_or(${deviceBit('device')})
      FROM ${input} GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (user_id, day) DO UPDATE SET
      sessions = user_activity_daily.sessions + EXCLUDED.sessions,
      seconds = user_activity_daily.seconds + EXCLUDED.seconds,
      completion_sum = user_activity_daily.completion_sum + EXCLUDED.completion_sum,
      abandoned = user_activity_daily.abandoned + EXCLUDED.abandoned,
      devices = user_activity_daily.devices | EXCLUDED.devices
    RETURNING 1),
  ${prefix}_state AS (
    INSERT INTO user_feature_state (user_id, last_view_at, ${taus.join(', ')}, updated_at)
    SELECT user_id, max(started_at), ${VIEW_DECAY_DAYS.map((d) => logSumExp(`x${d}`, `m${d}`)).join(', ')}, now()
      FROM (SELECT user_id, started_at,
                   ${VIEW_DECAY_DAYS.map((d) => `${days('started_at')} / ${d} AS x${d}, max(${days('started_at')} / ${d}) OVER w AS m${d}`).join(',\n                   ')}
              FROM ${input} WINDOW w AS (PARTITION BY user_id)) v
     GROUP BY user_id ORDER BY user_id
    ON CONFLICT (user_id) DO UPDATE SET
      last_view_at = greatest(user_feature_state.last_view_at, EXCLUDED.last_view_at),
      ${logUpdates}, updated_at = EXCLUDED.updated_at
    RETURNING 1),
  ${prefix}_firsts AS (
    INSERT INTO user_titles (user_id, title_id, first_at)
    SELECT user_id, title_id, min(started_at) FROM ${input} GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT DO NOTHING
    RETURNING user_id, title_id),
  ${prefix}_genres AS (
    INSERT INTO user_genre_state (user_id, genre, weight_log, titles)
    SELECT user_id, genre, ${logSumExp('w', 'm')}, sum(t) FROM (
      SELECT y.*, max(w) OVER (PARTITION BY user_id, genre) AS m FROM (
        SELECT i.user_id, g.genre,
               CASE WHEN i.watched_seconds > 0
                    THEN ln(i.watched_seconds::float8 / g.n) + ${days('i.started_at')} / ${GENRE_DECAY_DAYS}
                    ELSE '-Infinity'::float8 END AS w,
               0::float8 AS t
          FROM ${input} i JOIN ${genres} g ON g.title_id = i.title_id
        UNION ALL
        SELECT f.user_id, g.genre, NULL, CASE WHEN g.k = 1 THEN 1 ELSE ${SECONDARY_GENRE_WEIGHT} END
          FROM ${prefix}_firsts f JOIN ${genres} g ON g.title_id = f.title_id) y) x
     GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (user_id, genre) DO UPDATE SET
      weight_log = logaddexp(user_genre_state.weight_log, EXCLUDED.weight_log),
      titles = user_genre_state.titles + EXCLUDED.titles
    RETURNING 1)`;
}

/**
 * log Σ exp(x) over a group, from the group's maximum `m` (a window max over the same rows): plain
 * aggregates, so a rebuild over millions of views does not call a SQL function per row. NULLs are
 * ignored; −Infinity terms add nothing; all −Infinity gives −Infinity.
 */
function logSumExp(x: string, m: string): string {
  return `CASE WHEN max(${m}) = '-Infinity'::float8 THEN '-Infinity'::float8
               ELSE max(${m}) + ln(sum(exp(${x} - ${m}))) END`;
}

/**
 * Joins (after `FROM <users alias u>`) that read a subscriber's online state as of window day `$end`:
 * columns last_view_at, views_log_<τ>d, genres (json [genre, weight_log, titles]) and daily (json
 * [day, sessions, seconds, completion_sum, abandoned, devices] for the WINDOW_DAYS days up to $end).
 */
export function onlineStateJoins(endParam: string): string {
  return `
  LEFT JOIN user_feature_state fs ON fs.user_id = u.id
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_array(g.genre, g.weight_log, g.titles)) AS genres
      FROM user_genre_state g WHERE g.user_id = u.id
  ) gs ON true
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_array(a.day, a.sessions, a.seconds, a.completion_sum, a.abandoned,
                                     a.devices)) AS daily
      FROM user_activity_daily a
     WHERE a.user_id = u.id AND a.day <= ${endParam} AND a.day > ${endParam} - ${WINDOW_DAYS}
  ) d ON true`;
}

/**
 * A scalar subquery: when user `userIdExpr`'s online state last changed, as text (epoch
 * microseconds), or null before their first fold. Every stored viewing batch moves it (the fold sets
 * updated_at), so a reader holding something derived from a user's views tells with one primary-key
 * lookup whether it is still current.
 */
export function onlineStateStampOf(userIdExpr: string): string {
  return `(SELECT (extract(epoch FROM fs.updated_at) * 1000000)::int8::text
             FROM user_feature_state fs WHERE fs.user_id = ${userIdExpr})`;
}

/** The columns `onlineStateJoins` adds. */
export const ONLINE_STATE_COLUMNS = `fs.last_view_at, ${VIEW_DECAY_DAYS.map((d) => `fs.views_log_${d}d`).join(', ')},
  gs.genres, d.daily`;

/** A stored view, as the fold reads it. */
export interface StoredView {
  userId: string;
  titleId: string;
  startedAt: Date;
  watchedSeconds: number;
  completion: number;
  device: string;
}

/** Parameters $first.. of a views relation `unnest(...) AS v(user_id, title_id, started_at, ...)`. */
export function viewsRelation(first: number): string {
  const p = (k: number) => `$${first + k}`;
  return `(SELECT * FROM unnest(${p(0)}::bigint[], ${p(1)}::bigint[], ${p(2)}::timestamptz[], ${p(3)}::int[],
             ${p(4)}::real[], ${p(5)}::device[])
           AS v(user_id, title_id, started_at, watched_seconds, completion, device))`;
}

export function viewsParams(views: readonly StoredView[]): unknown[] {
  return [
    views.map((v) => v.userId),
    views.map((v) => v.titleId),
    views.map((v) => new Date(v.startedAt).toISOString()),
    views.map((v) => v.watchedSeconds),
    views.map((v) => v.completion),
    views.map((v) => v.device),
  ];
}

/** A genres relation from parameters $first..$first+2: (title_id, genre, k) arrays; n is derived. */
export function genresRelation(first: number): string {
  const p = (k: number) => `$${first + k}`;
  return `(SELECT title_id, genre, k, count(*) OVER (PARTITION BY title_id)::float8 AS n
             FROM unnest(${p(0)}::bigint[], ${p(1)}::text[], ${p(2)}::int[]) AS g(title_id, genre, k))`;
}

/** The flattened (title, genre, position) arrays for `genresRelation`. */
export function genresParams(genresByTitle: ReadonlyMap<string, readonly string[]>): unknown[] {
  const titles: string[] = [];
  const genres: string[] = [];
  const ks: number[] = [];
  for (const [title, list] of genresByTitle) {
    list.forEach((g, k) => {
      titles.push(title);
      genres.push(g);
      ks.push(k + 1);
    });
  }
  return [titles, genres, ks];
}

export class FeaturesRepository {
  constructor(private readonly db: Queryable) {}

  /** First signup and the latest event of any kind: the span snapshots are planned over. */
  async dataSpan(): Promise<{ start: Date | null; last: Date | null }> {
    const [row] = await this.db.query(
      `SELECT (SELECT min(signup_at) FROM ${USERS} users) AS start,
              greatest((SELECT max(started_at) FROM ${VIEWING_EVENTS} viewing_events),
                       (SELECT max(at) FROM ${ACCOUNT_EVENTS} subscription_events)) AS last`,
    );
    return row;
  }

  /** Fold stored views into the online state in one statement (outside the ingest path: tests, repairs). */
  async foldViews(
    runner: Queryable,
    views: readonly StoredView[],
    genresByTitle: ReadonlyMap<string, readonly string[]>,
  ): Promise<void> {
    if (views.length === 0) return;
    await preparedQuery(
      runner,
      `WITH input AS ${viewsRelation(1)}, genres AS ${genresRelation(7)}, ${foldViewsCtes('input', 'genres')}
       SELECT 1`,
      [...viewsParams(views), ...genresParams(genresByTitle)],
    );
  }

  /** Subscribers, and those with a stored online state (a rebuild is due when fewer). */
  async counts(): Promise<{ users: number; states: number }> {
    const [row] = await this.db.query(
      `SELECT (SELECT count(*)::int FROM ${USERS} users) AS users,
              (SELECT count(*)::int FROM user_feature_state) AS states`,
    );
    return row;
  }

  /**
   * Recompute the online state of subscribers with ids in [from, to) from their whole history, in
   * one transaction: delete, then fold every stored view with the same CTEs the ingest path uses.
   * Every subscriber in the range gets a state row, with or without views.
   */
  async rebuildRange(runner: Queryable, from: number, to: number): Promise<number> {
    for (const table of [
      'user_activity_daily',
      'user_genre_state',
      'user_titles',
      'user_feature_state',
    ]) {
      await runner.query(`DELETE FROM ${table} WHERE user_id >= $1 AND user_id < $2`, [from, to]);
    }
    await runner.query(
      `WITH input AS (
         SELECT e.user_id, e.title_id, e.started_at, e.watched_seconds, e.completion, e.device
           FROM ${VIEWING_EVENTS} e WHERE e.user_id >= $1 AND e.user_id < $2),
       genres AS (
         SELECT t.id AS title_id, g.genre, g.k::int, cardinality(t.genres)::float8 AS n
           FROM ${TITLES} t CROSS JOIN LATERAL unnest(t.genres) WITH ORDINALITY AS g(genre, k)
          WHERE t.id IN (SELECT DISTINCT title_id FROM input)),
       ${foldViewsCtes('input', 'genres')}
       SELECT 1`,
      [from, to],
    );
    const [{ n }] = await runner.query(
      `WITH ins AS (
         INSERT INTO user_feature_state (user_id)
         SELECT id FROM ${USERS} users WHERE id >= $1 AND id < $2 ORDER BY id
         ON CONFLICT (user_id) DO NOTHING RETURNING 1)
       SELECT (SELECT count(*)::int FROM ${USERS} users WHERE id >= $1 AND id < $2) AS n`,
      [from, to],
    );
    return n;
  }

  /** Highest subscriber id (0 when none). */
  async maxUserId(): Promise<number> {
    const [{ max }] = await this.db.query(
      `SELECT coalesce(max(id), 0)::bigint AS max FROM ${USERS} users`,
    );
    return Number(max);
  }
}
