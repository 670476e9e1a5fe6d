/**
 * Expected failures are values with codes; unexpected ones throw plain Errors. `formatError`
 * (src/server/format-error.ts) maps every code to `extensions.code` exhaustively.
 */
export enum ErrorCode {
  /** An argument is out of range or malformed (first > 100, negative, unknown enum…). */
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
  /** A pagination cursor that this server did not issue. */
  INVALID_CURSOR = 'INVALID_CURSOR',
  /** An ID that cannot name any row (not a positive integer). */
  INVALID_ID = 'INVALID_ID',
  /** recordViewingEvents: one or more events are invalid; `extensions.eventErrors` lists each. */
  INVALID_VIEWING_EVENTS = 'INVALID_VIEWING_EVENTS',
  /**
   * recordViewingEvents / recordAccountEvents: a clientEventId already stored with different content;
   * `extensions.eventErrors` lists each. Nothing was written.
   */
  EVENT_CONFLICT = 'EVENT_CONFLICT',
  /** recordAccountEvents: one or more account events are invalid; `extensions.eventErrors` lists each. */
  INVALID_ACCOUNT_EVENTS = 'INVALID_ACCOUNT_EVENTS',
  /** No alert with that id. */
  ALERT_NOT_FOUND = 'ALERT_NOT_FOUND',
  /** The alert is in a status that does not allow the change (e.g. acknowledging a resolved alert). */
  ALERT_STATE_CONFLICT = 'ALERT_STATE_CONFLICT',
  /** The PubSub lost its connection: the subscription ended; reconnect and catch up with riskAlerts(after:). */
  RESYNC_REQUIRED = 'RESYNC_REQUIRED',
  /** A dependency (the PubSub) is down; retry later. */
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  /** recordViewingEvents: more events than MAX_EVENTS_PER_BATCH. */
  BATCH_TOO_LARGE = 'BATCH_TOO_LARGE',
  /** recordViewingEvents: an empty list. */
  BATCH_EMPTY = 'BATCH_EMPTY',
  /** No model version by that name (or its files are missing). */
  MODEL_NOT_FOUND = 'MODEL_NOT_FOUND',
  /** Scoring or explaining needs an active model and there is none yet. */
  NO_ACTIVE_MODEL = 'NO_ACTIVE_MODEL',
  /** A training run is already queued or running. */
  TRAINING_IN_PROGRESS = 'TRAINING_IN_PROGRESS',
  /** The data cannot support training (too little history, one class only…). */
  INSUFFICIENT_DATA = 'INSUFFICIENT_DATA',
  /** No title with that id (where one must exist, e.g. similarTitles). */
  TITLE_NOT_FOUND = 'TITLE_NOT_FOUND',
  /** A recommender training run is already in progress. */
  RECOMMENDER_TRAINING_IN_PROGRESS = 'RECOMMENDER_TRAINING_IN_PROGRESS',
  /** No training run with that id. */
  TRAINING_RUN_NOT_FOUND = 'TRAINING_RUN_NOT_FOUND',
  /** No API key was sent (and requests without one may do nothing), or the key is not configured. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The caller's role may not call a field of the operation. */
  FORBIDDEN = 'FORBIDDEN',
  /** A WebSocket already holds MAX_SUBSCRIPTIONS_PER_SOCKET subscriptions. */
  TOO_MANY_SUBSCRIPTIONS = 'TOO_MANY_SUBSCRIPTIONS',
  /** Experiments and retention simulations need the seeded synthetic world, and none is stored. */
  WORLD_NOT_AVAILABLE = 'WORLD_NOT_AVAILABLE',
  /** No retention plan, experiment or simulation run with that id. */
  RETENTION_NOT_FOUND = 'RETENTION_NOT_FOUND',
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function invalidArgument(
  message: string,
  details: Record<string, unknown> = {},
): DomainError {
  return new DomainError(ErrorCode.INVALID_ARGUMENT, message, details);
}
