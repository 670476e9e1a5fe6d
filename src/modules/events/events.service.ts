import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../../db/prepared-query';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { tryParseId } from '../../common/ids';
import type { AppPubSub } from '../../pubsub/pubsub';
import type { FeatureService } from '../features/feature.service';
import type { RescoringService } from '../scoring/rescoring.service';
import { Topic, type ViewingEventPayload } from '../../pubsub/topics';
import { ViewingEvent } from './viewing-event.entity';
import {
  RecordStatus,
  type RecordViewingEventsPayload,
  type ViewingEventInput,
} from './viewing-event.inputs';
import {
  validateReferences,
  validateShape,
  type TitleRef,
  type UserRef,
  type ViewingEventProblem,
} from './viewing-event.validation';

const COLUMNS = `id, client_event_id AS "clientEventId", user_id AS "userId", title_id AS "titleId",
  started_at AS "startedAt", watched_seconds AS "watchedSeconds", completion, device, rating,
  ingested_at AS "ingestedAt"`;

export interface EventsServiceOptions {
  maxBatch: number;
  /** Clock for validation; tests pin it. */
  now?: () => Date;
}

export class EventsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pubSub: AppPubSub,
    private readonly features: FeatureService,
    private readonly rescoring: RescoringService,
    private readonly options: EventsServiceOptions,
  ) {}

  /**
   * Validate the whole batch, then store it in one transaction. Any bad event rejects the batch with
   * INVALID_VIEWING_EVENTS listing every problem, and nothing is written. A clientEventId that is
   * already stored is a no-op reported as DUPLICATE with the original event. The events, their online
   * features and one outbox row per subscriber commit together; right after the commit the
   * subscribers are rescored (see RescoringService).
   */
  async recordViewingEvents(
    events: readonly ViewingEventInput[],
  ): Promise<RecordViewingEventsPayload> {
    if (events.length === 0)
      throw new DomainError(ErrorCode.BATCH_EMPTY, 'events must not be empty');
    if (events.length > this.options.maxBatch) {
      throw new DomainError(
        ErrorCode.BATCH_TOO_LARGE,
        `a batch holds at most ${this.options.maxBatch} events, got ${events.length}`,
        { max: this.options.maxBatch, received: events.length },
      );
    }
    const now = this.options.now?.() ?? new Date();
    const shapeProblems = validateShape(events, now);

    const stored = await withTransactionRetry(() =>
      this.dataSource.transaction(async (manager) => {
        const refs = await this.lookupReferences(manager, events);
        let problems = validateReferences(events, new Set(), refs.users, refs.titles);
        if (problems.length > 0) {
          // An already-stored event is a duplicate, not an error (say, a resend after the user cancelled).
          const stored = await this.storedClientIds(
            manager,
            problems.map((p) => p.clientEventId),
          );
          problems = problems.filter((p) => !stored.has(p.clientEventId));
        }
        problems = [...shapeProblems, ...problems];
        if (problems.length > 0) throw invalidEvents(problems);

        // Stored ids conflict and come back absent: those, and any a concurrent batch just stored, are duplicates.
        const inserted = await this.insert(manager, events);
        // Online features commit with the events they come from.
        const genres = new Map([...refs.titles.values()].map((t) => [t.id, t.genres]));
        await this.features.applyEvents(manager, [...inserted.values()], genres);
        const outboxIds = await this.rescoring.enqueue(manager, latestPerUser(inserted.values()));
        const duplicateIds = events
          .filter((e) => !inserted.has(e.clientEventId))
          .map((e) => e.clientEventId);
        const originals = await this.findByClientIds(manager, duplicateIds);
        return { inserted, originals, outboxIds };
      }),
    );

    const results = events.map((e) => {
      const created = stored.inserted.get(e.clientEventId);
      return created
        ? { clientEventId: e.clientEventId, status: RecordStatus.CREATED, event: created }
        : {
            clientEventId: e.clientEventId,
            status: RecordStatus.DUPLICATE,
            event: stored.originals.get(e.clientEventId)!,
          };
    });
    for (const event of stored.inserted.values()) {
      this.pubSub.publish(Topic.VIEWING_EVENT_RECORDED, event.userId, toPayload(event));
    }
    const scores = await this.rescoring.rescore(stored.outboxIds);
    return {
      accepted: stored.inserted.size,
      duplicates: events.length - stored.inserted.size,
      results,
      scores,
    };
  }

  /** The latest `first` events of each user, newest first. Shape: userIds[i] → events. */
  async recentEventsByUser(userIds: readonly string[], first: number): Promise<ViewingEvent[][]> {
    const rows: ViewingEvent[] = await this.dataSource.query(
      `SELECT e.* FROM unnest($1::bigint[]) AS u(id)
       CROSS JOIN LATERAL (
         SELECT ${COLUMNS} FROM viewing_events
         WHERE user_id = u.id ORDER BY started_at DESC, id DESC LIMIT $2
       ) e`,
      [userIds, first],
    );
    const byUser = new Map<string, ViewingEvent[]>();
    for (const row of rows) {
      const list = byUser.get(row.userId) ?? [];
      list.push(row);
      byUser.set(row.userId, list);
    }
    return userIds.map((id) => byUser.get(id) ?? []);
  }

  /** Insert in one statement; returns the stored events by clientEventId (conflicts are absent). */
  private async insert(
    manager: EntityManager,
    events: readonly ViewingEventInput[],
  ): Promise<Map<string, ViewingEvent>> {
    if (events.length === 0) return new Map();
    // Arrays of columns, unnested server-side; only generated columns come back, the rest we already hold.
    const rows: { id: string; client_event_id: string; ingested_at: Date }[] = await preparedQuery(
      manager,
      `INSERT INTO viewing_events
         (client_event_id, user_id, title_id, started_at, watched_seconds, completion, device, rating)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::int[],
                            $6::real[], $7::device[], $8::smallint[])
       ON CONFLICT (client_event_id) DO NOTHING
       RETURNING id, client_event_id, ingested_at`,
      [
        events.map((e) => e.clientEventId),
        events.map((e) => tryParseId(e.userId)),
        events.map((e) => tryParseId(e.titleId)),
        events.map((e) => e.startedAt.toISOString()),
        events.map((e) => e.watchedSeconds),
        events.map((e) => e.completion),
        events.map((e) => e.device),
        events.map((e) => e.rating ?? null),
      ],
    );
    const byClientId = new Map(events.map((e) => [e.clientEventId, e]));
    return new Map(
      rows.map((r) => {
        const e = byClientId.get(r.client_event_id)!;
        const stored: ViewingEvent = {
          id: String(r.id),
          clientEventId: e.clientEventId,
          userId: tryParseId(e.userId)!,
          titleId: tryParseId(e.titleId)!,
          startedAt: e.startedAt,
          watchedSeconds: e.watchedSeconds,
          // Stored as real: report what a later read will return.
          completion: Math.fround(e.completion),
          device: e.device,
          rating: e.rating ?? null,
          ingestedAt: r.ingested_at,
        };
        return [r.client_event_id, stored];
      }),
    );
  }

  /**
   * The users and titles a batch names, in one statement. No row locks: a cancellation committed while a
   * batch is in flight may still see that batch accepted (the events happened while the user was subscribed).
   */
  private async lookupReferences(
    manager: EntityManager,
    events: readonly ViewingEventInput[],
  ): Promise<BatchReferences> {
    const [row]: { users: UserRef[]; titles: TitleRef[] }[] = await preparedQuery(
      manager,
      `SELECT
         (SELECT coalesce(json_agg(json_build_object('id', id::text, 'status', status, 'signupAt', signup_at,
                  'cancelledAt', cancelled_at)), '[]') FROM users WHERE id = ANY($1::bigint[])) AS users,
         (SELECT coalesce(json_agg(json_build_object('id', id::text, 'name', name, 'type', type,
                  'runtimeMinutes', runtime_minutes, 'episodeCount', episode_count, 'genres', genres)), '[]')
            FROM titles WHERE id = ANY($2::bigint[])) AS titles`,
      [uniqueIds(events.map((e) => e.userId)), uniqueIds(events.map((e) => e.titleId))],
    );
    return {
      users: new Map(
        row.users.map((u) => [
          u.id,
          {
            ...u,
            signupAt: new Date(u.signupAt),
            cancelledAt: u.cancelledAt ? new Date(u.cancelledAt) : null,
          },
        ]),
      ),
      titles: new Map(row.titles.map((t) => [t.id, t])),
    };
  }

  /** Stored events by clientEventId, for the duplicates of a batch. */
  private async findByClientIds(
    manager: EntityManager,
    ids: readonly string[],
  ): Promise<Map<string, ViewingEvent>> {
    if (ids.length === 0) return new Map();
    const rows: ViewingEvent[] = await manager.query(
      `SELECT ${COLUMNS} FROM viewing_events WHERE client_event_id = ANY($1::text[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.clientEventId, r]));
  }

  private async storedClientIds(
    manager: EntityManager,
    ids: readonly string[],
  ): Promise<Set<string>> {
    const rows: { client_event_id: string }[] = await manager.query(
      'SELECT client_event_id FROM viewing_events WHERE client_event_id = ANY($1::text[])',
      [ids],
    );
    return new Set(rows.map((r) => r.client_event_id));
  }
}

interface BatchReferences {
  users: Map<string, UserRef>;
  titles: Map<string, TitleRef>;
}

/** PostgreSQL aborts one side of a deadlock or serialization conflict; the whole batch is safe to retry. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 4;

async function withTransactionRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code =
        (err as { driverError?: { code?: string }; code?: string }).driverError?.code ??
        (err as { code?: string }).code;
      if (attempt >= MAX_ATTEMPTS || !code || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}

/** Each subscriber's latest stored event of a batch: what their rescore follows. */
function latestPerUser(events: Iterable<ViewingEvent>): { userId: string; eventId: string }[] {
  const latest = new Map<string, string>();
  for (const e of events) {
    const prev = latest.get(e.userId);
    if (prev === undefined || BigInt(e.id) > BigInt(prev)) latest.set(e.userId, e.id);
  }
  return [...latest].map(([userId, eventId]) => ({ userId, eventId }));
}

export function toPayload(e: ViewingEvent): ViewingEventPayload {
  return {
    id: e.id,
    clientEventId: e.clientEventId,
    userId: e.userId,
    titleId: e.titleId,
    startedAt: new Date(e.startedAt).toISOString(),
    watchedSeconds: e.watchedSeconds,
    completion: e.completion,
    device: e.device,
    rating: e.rating,
    ingestedAt: new Date(e.ingestedAt).toISOString(),
  };
}

function uniqueIds(raw: readonly string[]): string[] {
  return [...new Set(raw.map(tryParseId).filter((id): id is string => id !== null))];
}

function invalidEvents(problems: ViewingEventProblem[]): DomainError {
  const sorted = [...problems].sort((a, b) => a.index - b.index);
  const first = sorted[0];
  return new DomainError(
    ErrorCode.INVALID_VIEWING_EVENTS,
    `${new Set(sorted.map((p) => p.index)).size} of the events are invalid; nothing was written. ` +
      `First: event ${first.index} (${first.code}): ${first.message}`,
    { eventErrors: sorted },
  );
}
