/**
 * Validation of a recordAccountEvents batch and what it does to each subscriber's account. Pure: the
 * inputs, the subscribers' current accounts and the already-stored events in; per-event problems, or
 * the rows to store and each subscriber's account afterwards, out. A subscriber's events apply in time
 * order, after their latest stored account event.
 */
import { tryParseId } from '../../common/ids';
import { UserStatus, type Plan } from '../users/user.entity';
import type { AccountEventRow } from './event-payloads';
import { AccountEventKind, type AccountEventInput } from './account-event.inputs';
import { CLOCK_SKEW_MS } from './viewing-event.validation';

export enum AccountEventErrorCode {
  INVALID_CLIENT_EVENT_ID = 'INVALID_CLIENT_EVENT_ID',
  DUPLICATE_IN_BATCH = 'DUPLICATE_IN_BATCH',
  USER_NOT_FOUND = 'USER_NOT_FOUND',
  EVENT_IN_FUTURE = 'EVENT_IN_FUTURE',
  EVENT_BEFORE_SIGNUP = 'EVENT_BEFORE_SIGNUP',
  /** Earlier than the subscriber's latest stored account event. */
  EVENT_OUT_OF_ORDER = 'EVENT_OUT_OF_ORDER',
  /** The account's status does not allow it (e.g. CANCEL of a cancelled subscriber). */
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  MISSING_FIELD = 'MISSING_FIELD',
  FEE_OUT_OF_RANGE = 'FEE_OUT_OF_RANGE',
  /** PRICE_CHANGE to the current fee, or PLAN_CHANGE to the current plan. */
  NO_CHANGE = 'NO_CHANGE',
  /** The clientEventId is stored with different content. */
  CONFLICT = 'CONFLICT',
}

export interface AccountEventProblem {
  index: number;
  clientEventId: string;
  code: AccountEventErrorCode;
  message: string;
}

/** A subscriber's account as validation reads it. */
export interface AccountState {
  id: string;
  status: UserStatus;
  plan: Plan;
  monthlyFee: number;
  signupAt: Date;
  cancelledAt: Date | null;
  /** Time of the latest stored account event (signup if none). */
  lastEventAt: Date;
}

/** One event to store, in subscription_events' terms. */
export interface AccountEventRowToStore {
  index: number;
  clientEventId: string;
  userId: string;
  at: Date;
  kind: string;
  detail: Record<string, unknown>;
}

export const MAX_MONTHLY_FEE = 1000;
const CLIENT_EVENT_ID = /^[\x21-\x7e]{1,128}$/;

/** The input fields a re-send must repeat exactly, kept in the stored detail. */
export function inputFingerprint(e: AccountEventInput): Record<string, unknown> {
  return { kind: e.kind, plan: e.plan ?? null, monthlyFee: e.monthlyFee ?? null };
}

export function validateAccountEvents(
  events: readonly AccountEventInput[],
  now: Date,
  accounts: ReadonlyMap<string, AccountState>,
  stored: ReadonlyMap<string, AccountEventRow>,
): { problems: AccountEventProblem[]; rows: AccountEventRowToStore[]; after: AccountState[] } {
  const problems: AccountEventProblem[] = [];
  const add = (index: number, code: AccountEventErrorCode, message: string) =>
    problems.push({ index, clientEventId: events[index].clientEventId, code, message });
  const seen = new Set<string>();
  const fresh: number[] = [];
  events.forEach((e, i) => {
    if (!CLIENT_EVENT_ID.test(e.clientEventId)) {
      add(
        i,
        AccountEventErrorCode.INVALID_CLIENT_EVENT_ID,
        'clientEventId must be 1-128 printable ASCII characters without spaces',
      );
      return;
    }
    if (seen.has(e.clientEventId)) {
      add(
        i,
        AccountEventErrorCode.DUPLICATE_IN_BATCH,
        `clientEventId "${e.clientEventId}" appears more than once in this batch`,
      );
      return;
    }
    seen.add(e.clientEventId);
    const original = stored.get(e.clientEventId);
    if (original) {
      const conflict = conflictOf(e, original);
      if (conflict) add(i, AccountEventErrorCode.CONFLICT, conflict);
      return;
    }
    fresh.push(i);
  });

  // Each subscriber's new events in time order (input order among equal times).
  const byUser = new Map<string, number[]>();
  for (const i of fresh) {
    const userId = tryParseId(events[i].userId);
    const account = userId === null ? undefined : accounts.get(userId);
    if (!account) {
      add(i, AccountEventErrorCode.USER_NOT_FOUND, `no user with id "${events[i].userId}"`);
      continue;
    }
    const at = events[i].at.getTime();
    if (Number.isNaN(at) || at > now.getTime() + CLOCK_SKEW_MS) {
      add(
        i,
        AccountEventErrorCode.EVENT_IN_FUTURE,
        `at ${events[i].at.toISOString()} is in the future`,
      );
      continue;
    }
    byUser.set(account.id, [...(byUser.get(account.id) ?? []), i]);
  }
  const rows: AccountEventRowToStore[] = [];
  const after: AccountState[] = [];
  for (const [userId, indices] of byUser) {
    indices.sort((a, b) => events[a].at.getTime() - events[b].at.getTime() || a - b);
    const state = { ...accounts.get(userId)! };
    for (const i of indices) {
      const outcome = apply(events[i], state);
      if (typeof outcome === 'string') {
        const [code, message] = outcome.split('|') as [AccountEventErrorCode, string];
        add(i, code, message);
        continue;
      }
      rows.push({ index: i, clientEventId: events[i].clientEventId, userId, ...outcome });
    }
    after.push(state);
  }
  rows.sort((a, b) => a.index - b.index);
  return { problems, rows, after };
}

/** Apply one event to `state` (in place). Returns the row to store, or "CODE|message". */
function apply(
  e: AccountEventInput,
  state: AccountState,
): Pick<AccountEventRowToStore, 'at' | 'kind' | 'detail'> | string {
  const at = e.at;
  if (at.getTime() < state.signupAt.getTime())
    return `${AccountEventErrorCode.EVENT_BEFORE_SIGNUP}|at is before user ${state.id} signed up (${state.signupAt.toISOString()})`;
  if (at.getTime() < state.lastEventAt.getTime())
    return `${AccountEventErrorCode.EVENT_OUT_OF_ORDER}|at is before user ${state.id}'s latest account event (${state.lastEventAt.toISOString()})`;
  const needsActive = e.kind !== AccountEventKind.REACTIVATE;
  if (needsActive && state.status !== UserStatus.ACTIVE)
    return `${AccountEventErrorCode.INVALID_TRANSITION}|${e.kind} needs an active subscriber; user ${state.id} cancelled`;
  if (!needsActive && state.status !== UserStatus.CANCELLED)
    return `${AccountEventErrorCode.INVALID_TRANSITION}|REACTIVATE needs a cancelled subscriber; user ${state.id} is active`;
  const fee = e.monthlyFee ?? null;
  if (fee !== null && !(fee >= 0 && fee <= MAX_MONTHLY_FEE))
    return `${AccountEventErrorCode.FEE_OUT_OF_RANGE}|monthlyFee must be within 0..${MAX_MONTHLY_FEE}, got ${fee}`;
  const input = inputFingerprint(e);
  const oldFee = state.monthlyFee;
  state.lastEventAt = at;
  switch (e.kind) {
    case AccountEventKind.PAYMENT_FAILED:
    case AccountEventKind.PAYMENT_RECOVERED:
      return { at, kind: e.kind, detail: { amount: state.monthlyFee, input } };
    case AccountEventKind.PRICE_CHANGE:
      if (fee === null)
        return `${AccountEventErrorCode.MISSING_FIELD}|PRICE_CHANGE needs monthlyFee`;
      if (fee === oldFee) return `${AccountEventErrorCode.NO_CHANGE}|the fee is already ${fee}`;
      state.monthlyFee = fee;
      return {
        at,
        kind: fee > oldFee ? 'PRICE_INCREASE' : 'PRICE_DECREASE',
        detail: { plan: state.plan, oldFee, newFee: fee, input },
      };
    case AccountEventKind.PLAN_CHANGE: {
      if (!e.plan || fee === null)
        return `${AccountEventErrorCode.MISSING_FIELD}|PLAN_CHANGE needs plan and monthlyFee`;
      if (e.plan === state.plan)
        return `${AccountEventErrorCode.NO_CHANGE}|the plan is already ${e.plan}`;
      const from = state.plan;
      state.plan = e.plan;
      state.monthlyFee = fee;
      return { at, kind: e.kind, detail: { from, to: e.plan, oldFee, newFee: fee, input } };
    }
    case AccountEventKind.CANCEL: {
      state.status = UserStatus.CANCELLED;
      state.cancelledAt = at;
      const tenureDays = Math.floor((at.getTime() - state.signupAt.getTime()) / 86_400_000);
      return { at, kind: e.kind, detail: { plan: state.plan, tenureDays, input } };
    }
    case AccountEventKind.REACTIVATE:
      state.status = UserStatus.ACTIVE;
      state.cancelledAt = null;
      state.plan = e.plan ?? state.plan;
      state.monthlyFee = fee ?? state.monthlyFee;
      return { at, kind: e.kind, detail: { plan: state.plan, fee: state.monthlyFee, input } };
  }
}

/** Why a stored event with this client id is not the same event, or null when it is. */
function conflictOf(e: AccountEventInput, s: AccountEventRow): string | null {
  const stored = (s.detail?.input ?? {}) as Record<string, unknown>;
  const mine = inputFingerprint(e);
  const differs: string[] = [];
  if (tryParseId(e.userId) !== String(s.userId)) differs.push('userId');
  if (e.at.getTime() !== new Date(s.at).getTime()) differs.push('at');
  for (const key of ['kind', 'plan', 'monthlyFee'] as const) {
    if ((stored[key] ?? null) !== mine[key]) differs.push(key);
  }
  return differs.length === 0
    ? null
    : `clientEventId "${e.clientEventId}" is stored as account event ${s.id} with a different ${differs.join(', ')}`;
}
