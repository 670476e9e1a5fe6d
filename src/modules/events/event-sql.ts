/**
 * SQL fragments over viewing_events and subscription_events that other modules compose into their
 * statements (the events module owns these tables). No imports, so any repository may use them.
 */

/** The columns of a stored viewing event, as the ViewingEvent shape. */
export const VIEWING_EVENT_COLUMNS = `e.id::text AS id, e.client_event_id AS "clientEventId", e.user_id::text AS "userId",
  e.title_id::text AS "titleId", e.started_at AS "startedAt", e.watched_seconds AS "watchedSeconds",
  e.completion, e.device, e.rating, e.ingested_at AS "ingestedAt"`;

/** A stored account event's columns, as AccountEventRow. */
export const ACCOUNT_EVENT_COLUMNS = `s.id::text AS id, s.client_event_id AS "clientEventId", s.user_id::text AS "userId",
  s.kind, s.at, s.detail, s.ingested_at AS "ingestedAt"`;

/** A scalar subquery: the viewing event with id `idExpr` as json (ViewingEvent shape), or null. */
export function viewingEventJson(idExpr: string): string {
  return `(SELECT row_to_json(x) FROM (SELECT ${VIEWING_EVENT_COLUMNS} FROM viewing_events e
            WHERE e.id = ${idExpr}) x)`;
}

/** A scalar subquery: the account event with id `idExpr` as json (AccountEventRow shape), or null. */
export function accountEventJson(idExpr: string): string {
  return `(SELECT row_to_json(x) FROM (SELECT ${ACCOUNT_EVENT_COLUMNS} FROM subscription_events s
            WHERE s.id = ${idExpr}) x)`;
}
