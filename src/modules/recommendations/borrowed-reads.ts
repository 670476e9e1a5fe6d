/**
 * The recommender's reads of the viewing history and the catalogue, over the relations their owners
 * export (VIEWING_EVENTS: events; TITLES: catalog), and of the online-state stamp that tells whether
 * a held history is still current (onlineStateStampOf: features). Segment memberships come from the
 * segments repository, once per serving state.
 */
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../../common/prepared-query';
import { VIEWING_EVENTS } from '../events/event-sql';
import { TITLES } from '../catalog/title-sql';
import { onlineStateStampOf } from '../features/features.repository';

export interface ViewingRow {
  user_id: string;
  title_id: string;
  completion: number;
  /** started_at, epoch seconds. */
  t: number;
}

export interface CatalogRow {
  id: string;
  name: string;
  type: 'MOVIE' | 'SERIES';
  genres: string[];
  tags: string[];
  description: string;
  episode_count: number;
}

/** One subscriber's answer to `currentHistoriesOf`. */
export interface HistoryCheck {
  user_id: string;
  /** The online state's stamp now ('none' before the first fold). */
  stamp: string;
  /** Whether the stamp differs from the one the caller knew: the history rows follow. */
  fresh: boolean;
  /** Null on the single row of a user whose history is unchanged (or empty). */
  title_id: string | null;
  completion: number | null;
  /** started_at, epoch seconds. */
  t: number | null;
}

/**
 * events, features: for each subscriber, the stamp of their online state (features moves it with
 * every stored viewing batch) and, only where it differs from `known` ('' when nothing is known),
 * their full viewing history, oldest first. One statement, one snapshot: the rows and the stamp
 * agree. Shape: userIds[i] ↔ known[i].
 */
export function currentHistoriesOf(
  ds: DataSource,
  userIds: readonly string[],
  known: readonly string[],
): Promise<HistoryCheck[]> {
  return preparedQuery(
    ds,
    // The stamps are read once per user (MATERIALIZED). The history scan's key is NULL for an
    // unchanged user, so the index returns nothing at once: a join filter would be applied only after
    // reading every history (measured 3.4 ms against 0.25 ms for 50 unchanged users).
    `WITH asked AS MATERIALIZED (
       SELECT a.n, a.user_id, coalesce(${onlineStateStampOf('a.user_id')}, 'none') AS stamp, a.known
         FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS a(user_id, known, n))
     SELECT s.user_id::text, s.stamp, s.stamp <> s.known AS fresh, e.title_id::text, e.completion,
            extract(epoch FROM e.started_at)::float8 AS t
       FROM asked s
       LEFT JOIN LATERAL (
         SELECT v.title_id, v.completion, v.started_at, v.id FROM ${VIEWING_EVENTS} v
          WHERE v.user_id = CASE WHEN s.stamp <> s.known THEN s.user_id END) e ON true
      ORDER BY s.n, e.started_at, e.id`,
    [userIds, known],
    { rows: userIds.length },
  );
}

/** events: every viewing event (training and offline evaluation). */
export function allViewingEvents(ds: DataSource): Promise<ViewingRow[]> {
  return ds.query(
    `SELECT user_id::text, title_id::text, completion, extract(epoch FROM started_at)::float8 AS t
       FROM ${VIEWING_EVENTS} viewing_events`,
  );
}

/** events: viewing of the last `days` days (popularity, trending, predicted completion). */
export function recentViewingEvents(ds: DataSource, days: number): Promise<ViewingRow[]> {
  return ds.query(
    `SELECT user_id::text, title_id::text, completion, extract(epoch FROM started_at)::float8 AS t
       FROM ${VIEWING_EVENTS} viewing_events WHERE started_at >= now() - make_interval(days => $1)`,
    [days],
  );
}

/** events: whether any viewing event exists (first-start training). */
export async function anyViewingEvents(ds: DataSource): Promise<boolean> {
  const rows = await ds.query(`SELECT 1 FROM ${VIEWING_EVENTS} viewing_events LIMIT 1`);
  return rows.length > 0;
}

/** catalog: every title with what the recommender reads, by id. */
export function catalogTitles(ds: DataSource): Promise<CatalogRow[]> {
  return ds.query(
    `SELECT id::text, name, type, genres, tags, description, episode_count FROM ${TITLES} titles ORDER BY titles.id`,
  );
}
