import type { DataSource } from 'typeorm';
import type { Clock } from '../../common/clock';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { tryParseId } from '../../common/ids';
import type { AppPubSub } from '../../pubsub/pubsub';
import { EventTopic } from './event.topics';
import { viewingEventPayload } from './event-payloads';
import type { ViewingBatchFold } from './viewing-batch-fold';
import { EventsRepository, type NewViewingEvent } from './events.repository';
import { withTransactionRetry } from '../../common/transaction-retry';
import type { ViewingEvent } from './viewing-event.entity';
import {
  RecordStatus,
  type RecordedViewingEvent,
  type ViewingEventInput,
} from './viewing-event.inputs';
import {
  conflictProblems,
  validateReferences,
  validateShape,
  ViewingEventErrorCode,
  type ViewingEventProblem,
} from './viewing-event.validation';

export interface EventsServiceOptions {
  maxBatch: number;
}

/** What a stored batch reports, and the outbox rows its subscribers' rescores wait in. */
export interface StoredEvents<R> {
  accepted: number;
  duplicates: number;
  results: R[];
  outboxIds: string[];
}

/** What a batch did, before rescoring: stored events, duplicates, outbox rows. */
interface StoredBatch {
  inserted: Map<string, ViewingEvent>;
  originals: Map<string, ViewingEvent>;
  outboxIds: string[];
}

export class EventsService {
  readonly repository: EventsRepository;
  /** Viewing events stored by this process (metrics). */
  ingested = 0;

  constructor(
    dataSource: DataSource,
    private readonly pubSub: AppPubSub,
    private readonly clock: Clock,
    private readonly options: EventsServiceOptions,
    fold: ViewingBatchFold,
  ) {
    this.repository = new EventsRepository(dataSource, fold);
  }

  /**
   * Validate the whole batch, then store it with one statement. Any bad event rejects the batch with
   * INVALID_VIEWING_EVENTS listing every problem, and nothing is written. A clientEventId already
   * stored with the same content is a no-op reported as DUPLICATE with the original event; with
   * different content it is a CONFLICT. The events, their online features and one outbox row per
   * subscriber commit together; the caller rescores the subscribers (the live module).
   */
  async store(events: readonly ViewingEventInput[]): Promise<StoredEvents<RecordedViewingEvent>> {
    assertBatchSize(events.length, this.options.maxBatch);
    const stored = await withTransactionRetry(() => this.write(events));
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
    this.ingested += stored.inserted.size;
    for (const event of stored.inserted.values()) {
      this.pubSub.publish(
        EventTopic.VIEWING_EVENT_RECORDED,
        event.userId,
        viewingEventPayload(event),
      );
    }
    return {
      accepted: stored.inserted.size,
      duplicates: events.length - stored.inserted.size,
      results,
      outboxIds: stored.outboxIds,
    };
  }

  /** The latest `first` events of each user, newest first. Shape: userIds[i] → events. */
  async recentEventsByUser(userIds: readonly string[], first: number): Promise<ViewingEvent[][]> {
    const rows = await this.repository.recentByUser(userIds, first);
    const byUser = new Map<string, ViewingEvent[]>();
    for (const row of rows) {
      const list = byUser.get(row.userId) ?? [];
      list.push(row);
      byUser.set(row.userId, list);
    }
    return userIds.map((id) => byUser.get(id) ?? []);
  }

  /** One read for validation, one write: two statements whatever the batch holds. */
  private async write(events: readonly ViewingEventInput[]): Promise<StoredBatch> {
    const shapeProblems = validateShape(events, this.clock.now());
    const lookup = await this.repository.lookupViewingBatch(
      uniqueIds(events.map((e) => e.userId)),
      uniqueIds(events.map((e) => e.titleId)),
      events.map((e) => e.clientEventId),
    );
    const storedByClientId = new Map(lookup.stored.map((e) => [e.clientEventId, e]));
    const skip = new Set(
      events.flatMap((e, i) => (storedByClientId.has(e.clientEventId) ? [i] : [])),
    );
    const users = new Map(lookup.users.map((u) => [u.id, u]));
    const titles = new Map(lookup.titles.map((t) => [t.id, t]));
    const problems = [
      ...shapeProblems,
      ...validateReferences(events, skip, users, titles),
      ...conflictProblems(events, storedByClientId),
    ];
    if (problems.length > 0) throw invalidEvents(problems);

    const fresh = events.filter((_, i) => !skip.has(i)).map(toNewEvent);
    const written =
      fresh.length > 0
        ? await this.repository.writeViewingBatch(
            fresh,
            new Map(
              [...new Set(fresh.map((e) => e.titleId))].map((id) => [id, titles.get(id)!.genres]),
            ),
          )
        : { inserted: [], outboxIds: [] };
    const byClientId = new Map(fresh.map((e) => [e.clientEventId, e]));
    const inserted = new Map(
      written.inserted.map((r) => {
        const e = byClientId.get(r.clientEventId)!;
        // Stored as real: report what a later read will return.
        const event: ViewingEvent = {
          ...e,
          id: r.id,
          completion: Math.fround(e.completion),
          device: e.device as ViewingEvent['device'],
          ingestedAt: r.ingestedAt,
        };
        return [r.clientEventId, event];
      }),
    );
    // A concurrent batch may have stored one of our ids between the read and the write.
    const raced = fresh.filter((e) => !inserted.has(e.clientEventId)).map((e) => e.clientEventId);
    const originals = new Map(storedByClientId);
    for (const e of await this.repository.viewingEventsByClientIds(raced))
      originals.set(e.clientEventId, e);
    return { inserted, originals, outboxIds: written.outboxIds };
  }
}

export function assertBatchSize(n: number, max: number): void {
  if (n === 0) throw new DomainError(ErrorCode.BATCH_EMPTY, 'events must not be empty');
  if (n > max) {
    throw new DomainError(
      ErrorCode.BATCH_TOO_LARGE,
      `a batch holds at most ${max} events, got ${n}`,
      { max, received: n },
    );
  }
}

function toNewEvent(e: ViewingEventInput): NewViewingEvent {
  return {
    clientEventId: e.clientEventId,
    userId: tryParseId(e.userId)!,
    titleId: tryParseId(e.titleId)!,
    startedAt: e.startedAt,
    watchedSeconds: e.watchedSeconds,
    completion: e.completion,
    device: e.device,
    rating: e.rating ?? null,
  };
}

function uniqueIds(raw: readonly string[]): string[] {
  return [...new Set(raw.map(tryParseId).filter((id): id is string => id !== null))];
}

function invalidEvents(problems: ViewingEventProblem[]): DomainError {
  const sorted = [...problems].sort((a, b) => a.index - b.index);
  const first = sorted[0];
  const onlyConflicts = sorted.every((p) => p.code === ViewingEventErrorCode.CONFLICT);
  return new DomainError(
    onlyConflicts ? ErrorCode.EVENT_CONFLICT : ErrorCode.INVALID_VIEWING_EVENTS,
    `${new Set(sorted.map((p) => p.index)).size} of the events are ${onlyConflicts ? 'in conflict with stored events' : 'invalid'}; nothing was written. ` +
      `First: event ${first.index} (${first.code}): ${first.message}`,
    { eventErrors: sorted },
  );
}
