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
  /** recordViewingEvents: more events than MAX_EVENTS_PER_BATCH. */
  BATCH_TOO_LARGE = 'BATCH_TOO_LARGE',
  /** recordViewingEvents: an empty list. */
  BATCH_EMPTY = 'BATCH_EMPTY',
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
