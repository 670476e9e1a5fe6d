/**
 * The one builder of each event payload (subscriptions, the mutation results, the risk updates they
 * cause): stored rows in, JSON-safe payloads out.
 */
import type { AccountEventPayload, ViewingEventPayload } from './event.topics';
import type { ViewingEvent } from './viewing-event.entity';

const iso = (d: Date | string) => new Date(d).toISOString();

export function viewingEventPayload(e: ViewingEvent): ViewingEventPayload {
  return {
    id: String(e.id),
    clientEventId: e.clientEventId,
    userId: String(e.userId),
    titleId: String(e.titleId),
    startedAt: iso(e.startedAt),
    watchedSeconds: Number(e.watchedSeconds),
    completion: Number(e.completion),
    device: e.device,
    rating: e.rating ?? null,
    ingestedAt: iso(e.ingestedAt),
  };
}

/** A published viewing event as the GraphQL ViewingEvent (timestamps revived). */
export function viewingEventFrom(p: ViewingEventPayload): ViewingEvent {
  return { ...p, startedAt: new Date(p.startedAt), ingestedAt: new Date(p.ingestedAt) };
}

/** A stored account event row (events.repository ACCOUNT_EVENT_COLUMNS). */
export interface AccountEventRow {
  id: string;
  clientEventId: string | null;
  userId: string;
  kind: string;
  at: Date | string;
  detail: Record<string, unknown>;
  ingestedAt: Date | string;
}

export function accountEventPayload(r: AccountEventRow): AccountEventPayload {
  const d = r.detail ?? {};
  const plan = (d.to ?? d.plan ?? null) as string | null;
  const fee = d.newFee ?? d.fee ?? null;
  return {
    id: String(r.id),
    clientEventId: r.clientEventId,
    userId: String(r.userId),
    kind: r.kind,
    at: iso(r.at),
    plan,
    monthlyFee: fee === null ? null : Number(fee),
    ingestedAt: iso(r.ingestedAt),
  };
}
