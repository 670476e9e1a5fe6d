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

/**
 * The event tables as other modules read them in their own statements (features, recommendations):
 * a plain subquery that PostgreSQL pulls up into the outer query, so the tables' indexes still apply.
 * Alias it where it is used: `FROM ${VIEWING_EVENTS} e`.
 */
export const VIEWING_EVENTS = `(SELECT id, client_event_id, user_id, title_id, started_at, watched_seconds,
  completion, device, rating, ingested_at FROM viewing_events)`;

/** subscription_events as other modules read it (see VIEWING_EVENTS). */
export const ACCOUNT_EVENTS = `(SELECT id, client_event_id, user_id, at, kind, detail, ingested_at
  FROM subscription_events)`;
