/**
 * recordAccountEvents: payment failures and recoveries, price and plan changes, cancellations and
 * reactivations, with the guarantees viewing events have. The subscribers' accounts are locked, the
 * whole batch is validated (nothing is written when any event is bad), and one statement stores the
 * events, updates the accounts and enqueues their rescores; the caller rescores them right after the
 * commit (the rescore of a subscriber who cancelled resolves their open alert as CHURNED).
 */
import type { DataSource } from 'typeorm';
import type { Clock } from '../../common/clock';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { tryParseId } from '../../common/ids';
import { withTransactionRetry } from '../../common/transaction-retry';
import {
  AccountEventErrorCode,
  validateAccountEvents,
  type AccountEventProblem,
} from './account-event.validation';
import type { AccountEvent, AccountEventInput, RecordedAccountEvent } from './account-event.inputs';
import { accountEventPayload, type AccountEventRow } from './event-payloads';
import { AccountEventsRepository } from './events.repository';
import { assertBatchSize, type StoredEvents } from './events.service';
import { RecordStatus } from './viewing-event.inputs';

export class AccountEventsService {
  private readonly repository = new AccountEventsRepository();
  /** Account events stored by this process (metrics). */
  ingested = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly options: { maxBatch: number },
  ) {}

  async store(events: readonly AccountEventInput[]): Promise<StoredEvents<RecordedAccountEvent>> {
    assertBatchSize(events.length, this.options.maxBatch);
    const at = this.clock.now();
    const stored = await withTransactionRetry(() =>
      this.dataSource.transaction(async (m) => {
        const userIds = [
          ...new Set(events.map((e) => tryParseId(e.userId)).filter((id) => id !== null)),
        ] as string[];
        const { accounts, stored } = await this.repository.lockAccounts(
          m,
          userIds,
          events.map((e) => e.clientEventId),
        );
        const storedById = new Map(stored.map((s) => [s.clientEventId!, s]));
        const checked = validateAccountEvents(
          events,
          at,
          new Map(accounts.map((a) => [a.id, a])),
          storedById,
        );
        if (checked.problems.length > 0) throw invalidAccountEvents(checked.problems);
        const written =
          checked.rows.length > 0
            ? await this.repository.writeAccountBatch(m, checked.rows, checked.after)
            : { inserted: [], outboxIds: [] };
        return { ...written, storedById };
      }),
    );
    const insertedById = new Map(stored.inserted.map((r) => [r.clientEventId!, r]));
    const results = events.map((e) => {
      const created = insertedById.get(e.clientEventId);
      return {
        clientEventId: e.clientEventId,
        status: created ? RecordStatus.CREATED : RecordStatus.DUPLICATE,
        event: accountEventFrom((created ?? stored.storedById.get(e.clientEventId))!),
      };
    });
    this.ingested += stored.inserted.length;
    return {
      accepted: stored.inserted.length,
      duplicates: events.length - stored.inserted.length,
      results,
      outboxIds: stored.outboxIds,
    };
  }
}

/** A stored account event as the GraphQL AccountEvent. */
export function accountEventFrom(row: AccountEventRow): AccountEvent {
  const p = accountEventPayload(row);
  return { ...p, at: new Date(p.at), ingestedAt: new Date(p.ingestedAt) };
}

function invalidAccountEvents(problems: AccountEventProblem[]): DomainError {
  const sorted = [...problems].sort((a, b) => a.index - b.index);
  const first = sorted[0];
  const onlyConflicts = sorted.every((p) => p.code === AccountEventErrorCode.CONFLICT);
  return new DomainError(
    onlyConflicts ? ErrorCode.EVENT_CONFLICT : ErrorCode.INVALID_ACCOUNT_EVENTS,
    `${new Set(sorted.map((p) => p.index)).size} of the account events are ${onlyConflicts ? 'in conflict with stored events' : 'invalid'}; nothing was written. ` +
      `First: event ${first.index} (${first.code}): ${first.message}`,
    { eventErrors: sorted },
  );
}
