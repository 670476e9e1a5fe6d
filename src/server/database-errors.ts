/**
 * Tells "the database is not there" from every other failure, so a client gets a retryable 503
 * SERVICE_UNAVAILABLE instead of PostgreSQL's raw text, and the log says warn rather than error.
 */

/** Socket errors of a connection that cannot be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of a server that is going away, starting, or full (class 08 is checked by prefix). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);

/** Messages node-postgres and TypeORM use for a lost or unobtainable connection. */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /not queryable/i,
  /driver not connected/i,
  /cannot use a pool after calling end/i,
  /connection is not established/i,
];

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) {
    return true;
  }
  if (
    typeof e.message === 'string' &&
    UNAVAILABLE_MESSAGES.some((re) => re.test(e.message as string))
  ) {
    return true;
  }
  const inner = err as { driverError?: unknown; cause?: unknown; originalError?: unknown };
  const errors = (err as { errors?: unknown }).errors; // AggregateError from a multi-address connect
  return (
    isDatabaseUnavailable(inner.driverError, depth + 1) ||
    isDatabaseUnavailable(inner.originalError, depth + 1) ||
    isDatabaseUnavailable(inner.cause, depth + 1) ||
    (Array.isArray(errors) && errors.some((x) => isDatabaseUnavailable(x, depth + 1)))
  );
}
