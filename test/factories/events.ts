/**
 * Inputs for recordViewingEvents and recordAccountEvents (requests, where test/factories/index.ts
 * builds rows). Defaults are plausible; each test overrides what its assertions depend on.
 */
let seq = 0;

export interface ViewEventOptions {
  /** startedAt is this many minutes before `now` (default 240). */
  minutesAgo?: number;
  /** The reference time in ms (default Date.now(); tests on a ManualClock pass theirs). */
  now?: number;
  /** Prefix of the generated clientEventId (default 'view'). */
  tag?: string;
  clientEventId?: string;
  /** Default: `completion` of a 100-minute title. */
  watchedSeconds?: number;
  device?: string;
  /** Sent only when given (null included). */
  rating?: number | null;
}

/** A viewing event input `minutesAgo` before `now`, on a 100-minute title unless told otherwise. */
export function viewEvent(
  userId: string,
  titleId: string,
  completion: number,
  options: ViewEventOptions = {},
) {
  seq += 1;
  const now = options.now ?? Date.now();
  return {
    clientEventId: options.clientEventId ?? `${options.tag ?? 'view'}-${process.pid}-${seq}`,
    userId,
    titleId,
    startedAt: new Date(now - (options.minutesAgo ?? 240) * 60_000).toISOString(),
    watchedSeconds: options.watchedSeconds ?? Math.round(completion * 100 * 60),
    completion,
    device: options.device ?? 'TV',
    ...(options.rating !== undefined ? { rating: options.rating } : {}),
  };
}

/** Three abandoned views: LOW → CRITICAL under the fixture model. */
export function abandonedViews(
  userId: string,
  titleId: string,
  now?: number,
  options: Pick<ViewEventOptions, 'tag'> = {},
) {
  return [
    viewEvent(userId, titleId, 0.05, { ...options, minutesAgo: 400, now }),
    viewEvent(userId, titleId, 0.1, { ...options, minutesAgo: 300, now }),
    viewEvent(userId, titleId, 0.08, { ...options, minutesAgo: 200, now }),
  ];
}

/** An account event input `minutesAgo` (default 1) before `now`. */
export function accountEvent(
  userId: string,
  kind: string,
  fields: { plan?: string; monthlyFee?: number; minutesAgo?: number; now?: number } = {},
) {
  seq += 1;
  const now = fields.now ?? Date.now();
  return {
    clientEventId: `acct-${process.pid}-${seq}`,
    userId,
    kind,
    at: new Date(now - (fields.minutesAgo ?? 1) * 60_000).toISOString(),
    ...(fields.plan ? { plan: fields.plan } : {}),
    ...(fields.monthlyFee !== undefined ? { monthlyFee: fields.monthlyFee } : {}),
  };
}
