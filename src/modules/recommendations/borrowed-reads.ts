/**
 * The recommender's reads of the viewing history and the catalogue, over the relations their owners
 * export (VIEWING_EVENTS: events; TITLES: catalog). Segment memberships come from the segments
 * repository.
 */
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../../common/prepared-query';
import { VIEWING_EVENTS } from '../events/event-sql';
import { TITLES } from '../catalog/title-sql';

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

/** events: the full viewing history of some subscribers, oldest first. */
export function viewingHistoriesOf(
  ds: DataSource,
  userIds: readonly string[],
): Promise<ViewingRow[]> {
  return preparedQuery(
    ds,
    `SELECT user_id::text, title_id::text, completion, extract(epoch FROM started_at)::float8 AS t
       FROM ${VIEWING_EVENTS} viewing_events WHERE user_id = ANY($1::bigint[]) ORDER BY viewing_events.user_id, started_at, viewing_events.id`,
    [userIds],
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
