/**
 * The live use case: store a batch of events (viewing or account, each module's own guarantees), then
 * rescore the subscribers it touched right after the commit, and answer with their new scores.
 */
import type { AccountEventsService } from '../events/account-events.service';
import type { AccountEventInput } from '../events/account-event.inputs';
import type { EventsService } from '../events/events.service';
import type { ViewingEventInput } from '../events/viewing-event.inputs';
import type { RecordAccountEventsPayload, RecordViewingEventsPayload } from './record-events.types';
import type { RescoringService } from './rescoring.service';

export class IngestService {
  constructor(
    private readonly events: EventsService,
    private readonly accountEvents: AccountEventsService,
    private readonly rescoring: RescoringService,
  ) {}

  async recordViewingEvents(
    events: readonly ViewingEventInput[],
  ): Promise<RecordViewingEventsPayload> {
    const { outboxIds, ...stored } = await this.events.store(events);
    return { ...stored, scores: await this.rescoring.rescore(outboxIds) };
  }

  async recordAccountEvents(
    events: readonly AccountEventInput[],
  ): Promise<RecordAccountEventsPayload> {
    const { outboxIds, ...stored } = await this.accountEvents.store(events);
    return { ...stored, scores: await this.rescoring.rescore(outboxIds) };
  }
}
