/**
 * Every statement over viewing_events and subscription_events. The ingest of a viewing batch is two
 * statements whatever its size or the number of subscribers it touches: one read of what validation
 * needs (`lookupViewingBatch`), and one write (`writeViewingBatch`) that inserts the events and, in
 * the same statement, folds them into the online features (the ViewingBatchFold the features module
 * supplies) and enqueues each subscriber's rescore (a CTE of the outbox module). A single statement is its own transaction.
 */
import type { Queryable } from '../../common/prepared-query';
import { preparedQuery } from '../../common/prepared-query';
import { enqueueCte } from '../outbox/outbox.repository';
import { applyAccountsCte, lockedAccountsSql } from '../users/users.repository';
import { titleRefsJson } from '../catalog/title-sql';
import { userRefsJson } from '../users/user-sql';
import type { AccountEventRow } from './event-payloads';
import type { AccountEventRowToStore, AccountState } from './account-event.validation';
import type { TitleRef, UserRef } from './viewing-event.validation';
import type { ViewingEvent } from './viewing-event.entity';
import { ACCOUNT_EVENT_COLUMNS, VIEWING_EVENT_COLUMNS } from './event-sql';
import type { ViewingBatchFold } from './viewing-batch-fold';

export { accountEventJson, viewingEventJson } from './event-sql';

export interface NewViewingEvent {
  clientEventId: string;
  userId: string;
  titleId: string;
  startedAt: Date;
  watchedSeconds: number;
  completion: number;
  device: string;
  rating: number | null;
}

export interface ViewingBatchLookup {
  users: UserRef[];
  titles: TitleRef[];
  /** Already-stored events with one of the batch's client ids. */
  stored: ViewingEvent[];
}

export interface WrittenViewingBatch {
  inserted: { id: string; clientEventId: string; ingestedAt: Date }[];
  outboxIds: string[];
}

export class EventsRepository {
  constructor(
    private readonly db: Queryable,
    private readonly fold: ViewingBatchFold,
  ) {}

  /** The users and titles a batch names, and the events already stored under its client ids. */
  async lookupViewingBatch(
    userIds: readonly string[],
    titleIds: readonly string[],
    clientIds: readonly string[],
  ): Promise<ViewingBatchLookup> {
    const [row]: {
      users: UserRef[] | null;
      titles: TitleRef[] | null;
      stored: ViewingEvent[] | null;
    }[] = await preparedQuery(
      this.db,
      `SELECT ${userRefsJson('$1::bigint[]')} AS users,
              ${titleRefsJson('$2::bigint[]')} AS titles,
           (SELECT json_agg(x) FROM (SELECT ${VIEWING_EVENT_COLUMNS} FROM viewing_events e
              WHERE e.client_event_id = ANY($3::text[])) x) AS stored`,
      [userIds, titleIds, clientIds],
    );
    return {
      users: (row.users ?? []).map((u) => ({
        ...u,
        signupAt: new Date(u.signupAt),
        cancelledAt: u.cancelledAt ? new Date(u.cancelledAt) : null,
      })),
      titles: row.titles ?? [],
      stored: (row.stored ?? []).map(reviveEvent),
    };
  }

  /**
   * Insert the events (a client id stored meanwhile by a concurrent batch is skipped), fold them into
   * the online features and enqueue one rescore per subscriber (after their latest event of the
   * batch): one statement.
   */
  async writeViewingBatch(
    events: readonly NewViewingEvent[],
    genresByTitle: ReadonlyMap<string, readonly string[]>,
  ): Promise<WrittenViewingBatch> {
    const [row]: {
      inserted: { id: string; clientEventId: string; ingestedAt: string }[] | null;
      outbox: string[] | null;
    }[] = await preparedQuery(
      this.db,
      `WITH ins AS (
         INSERT INTO viewing_events
           (client_event_id, user_id, title_id, started_at, watched_seconds, completion, device, rating)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::int[],
                              $6::real[], $7::device[], $8::smallint[])
         ON CONFLICT (client_event_id) DO NOTHING
         RETURNING id, client_event_id, user_id, title_id, started_at, watched_seconds, completion,
                   device, ingested_at),
       ${this.fold.ctes('ins', 9)},
       ${enqueueCte(
         'outbox',
         `SELECT DISTINCT ON (user_id) user_id, 'VIEWING'::score_cause, id, NULL::bigint
            FROM ins ORDER BY user_id, id DESC`,
       )}
       SELECT (SELECT json_agg(json_build_object('id', id::text, 'clientEventId', client_event_id,
                'ingestedAt', ingested_at)) FROM ins) AS inserted,
              (SELECT array_agg(id::text) FROM outbox) AS outbox`,
      [
        events.map((e) => e.clientEventId),
        events.map((e) => e.userId),
        events.map((e) => e.titleId),
        events.map((e) => e.startedAt.toISOString()),
        events.map((e) => e.watchedSeconds),
        events.map((e) => e.completion),
        events.map((e) => e.device),
        events.map((e) => e.rating),
        ...this.fold.params(genresByTitle),
      ],
    );
    return {
      inserted: (row.inserted ?? []).map((r) => ({ ...r, ingestedAt: new Date(r.ingestedAt) })),
      outboxIds: row.outbox ?? [],
    };
  }

  /** Stored events by client id. */
  async viewingEventsByClientIds(ids: readonly string[]): Promise<ViewingEvent[]> {
    if (ids.length === 0) return [];
    const rows: ViewingEvent[] = await this.db.query(
      `SELECT ${VIEWING_EVENT_COLUMNS} FROM viewing_events e WHERE e.client_event_id = ANY($1::text[])`,
      [ids],
    );
    return rows;
  }

  /** Viewing events by id. */
  async viewingEventsByIds(runner: Queryable, ids: readonly string[]): Promise<ViewingEvent[]> {
    if (ids.length === 0) return [];
    return preparedQuery(
      runner,
      `SELECT ${VIEWING_EVENT_COLUMNS} FROM viewing_events e WHERE e.id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /** The latest `first` events of each user, newest first. */
  async recentByUser(userIds: readonly string[], first: number): Promise<ViewingEvent[]> {
    return this.db.query(
      `SELECT x.* FROM unnest($1::bigint[]) AS u(id)
       CROSS JOIN LATERAL (
         SELECT ${VIEWING_EVENT_COLUMNS} FROM viewing_events e
          WHERE e.user_id = u.id ORDER BY e.started_at DESC, e.id DESC LIMIT $2
       ) x`,
      [userIds, first],
    );
  }
}

export class AccountEventsRepository {
  /**
   * Inside the caller's transaction: lock the accounts of `userIds` (in id order) and read them with
   * their latest account event, and the events already stored under `clientIds`.
   */
  async lockAccounts(
    runner: Queryable,
    userIds: readonly string[],
    clientIds: readonly string[],
  ): Promise<{ accounts: AccountState[]; stored: AccountEventRow[] }> {
    const [row]: {
      accounts:
        | (Omit<AccountState, 'signupAt' | 'cancelledAt' | 'lastEventAt'> & {
            signupAt: string;
            cancelledAt: string | null;
            lastEventAt: string;
          })[]
        | null;
      stored: AccountEventRow[] | null;
    }[] = await preparedQuery(
      runner,
      `SELECT ${lockedAccountsSql('(SELECT max(s.at) FROM subscription_events s WHERE s.user_id = u.id)')} AS accounts,
              (SELECT json_agg(x) FROM (SELECT ${ACCOUNT_EVENT_COLUMNS} FROM subscription_events s
                 WHERE s.client_event_id = ANY($2::text[])) x) AS stored`,
      [userIds, clientIds],
    );
    return {
      accounts: (row.accounts ?? []).map((a) => ({
        ...a,
        signupAt: new Date(a.signupAt),
        cancelledAt: a.cancelledAt ? new Date(a.cancelledAt) : null,
        lastEventAt: new Date(a.lastEventAt),
      })),
      stored: row.stored ?? [],
    };
  }

  /**
   * One statement: store the account events, set the subscribers' accounts to `after`, and enqueue one
   * rescore per subscriber.
   */
  async writeAccountBatch(
    runner: Queryable,
    rows: readonly AccountEventRowToStore[],
    after: readonly AccountState[],
  ): Promise<{ inserted: AccountEventRow[]; outboxIds: string[] }> {
    const [row]: { inserted: AccountEventRow[] | null; outbox: string[] | null }[] =
      await preparedQuery(
        runner,
        `WITH ins AS (
         INSERT INTO subscription_events (client_event_id, user_id, at, kind, detail)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::subscription_event_kind[],
                              $5::jsonb[])
         ON CONFLICT (client_event_id) WHERE client_event_id IS NOT NULL DO NOTHING
         RETURNING *),
       ${applyAccountsCte('accounts', 6)},
       ${enqueueCte(
         'outbox',
         `SELECT DISTINCT ON (user_id) user_id, 'ACCOUNT'::score_cause, NULL::bigint, id
            FROM ins ORDER BY user_id, at DESC, id DESC`,
       )}
       SELECT (SELECT json_agg(x) FROM (SELECT ${ACCOUNT_EVENT_COLUMNS} FROM ins s) x) AS inserted,
              (SELECT array_agg(id::text) FROM outbox) AS outbox`,
        [
          rows.map((r) => r.clientEventId),
          rows.map((r) => r.userId),
          rows.map((r) => r.at.toISOString()),
          rows.map((r) => r.kind),
          rows.map((r) => JSON.stringify(r.detail)),
          after.map((a) => a.id),
          after.map((a) => a.status),
          after.map((a) => a.cancelledAt?.toISOString() ?? null),
          after.map((a) => a.plan),
          after.map((a) => a.monthlyFee),
        ],
      );
    return { inserted: row.inserted ?? [], outboxIds: row.outbox ?? [] };
  }
}

function reviveEvent(e: ViewingEvent): ViewingEvent {
  return { ...e, startedAt: new Date(e.startedAt), ingestedAt: new Date(e.ingestedAt) };
}
