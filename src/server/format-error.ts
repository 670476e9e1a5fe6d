import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { assertUnreachable } from '../common/assert-unreachable';
import { DomainError, ErrorCode } from '../common/domain-error';
import { isDatabaseUnavailable } from './database-errors';
import {
  isTransportCode,
  transportCategory,
  TransportErrorCode,
  type ErrorCategory,
} from './error-codes';

/** Coarse class of every domain code, so clients can branch on either. */
function categoryOf(code: ErrorCode): ErrorCategory {
  switch (code) {
    case ErrorCode.INVALID_ARGUMENT:
    case ErrorCode.INVALID_CURSOR:
    case ErrorCode.INVALID_ID:
    case ErrorCode.INVALID_VIEWING_EVENTS:
    case ErrorCode.INVALID_ACCOUNT_EVENTS:
    case ErrorCode.BATCH_TOO_LARGE:
    case ErrorCode.BATCH_EMPTY:
      return 'BAD_USER_INPUT';
    case ErrorCode.MODEL_NOT_FOUND:
    case ErrorCode.TRAINING_RUN_NOT_FOUND:
    case ErrorCode.TITLE_NOT_FOUND:
    case ErrorCode.ALERT_NOT_FOUND:
    case ErrorCode.RETENTION_NOT_FOUND:
      return 'NOT_FOUND';
    case ErrorCode.TRAINING_IN_PROGRESS:
    case ErrorCode.RECOMMENDER_TRAINING_IN_PROGRESS:
    case ErrorCode.EVENT_CONFLICT:
    case ErrorCode.ALERT_STATE_CONFLICT:
      return 'CONFLICT';
    case ErrorCode.RESYNC_REQUIRED:
    case ErrorCode.SERVICE_UNAVAILABLE:
      return 'UNAVAILABLE';
    case ErrorCode.NO_ACTIVE_MODEL:
    case ErrorCode.INSUFFICIENT_DATA:
    case ErrorCode.WORLD_NOT_AVAILABLE:
      return 'PRECONDITION_FAILED';
    case ErrorCode.UNAUTHENTICATED:
      return 'UNAUTHENTICATED';
    case ErrorCode.FORBIDDEN:
      return 'FORBIDDEN';
    case ErrorCode.TOO_MANY_SUBSCRIPTIONS:
      return 'LIMIT_EXCEEDED';
    default:
      return assertUnreachable(code);
  }
}

export interface FormatOptions {
  /** Production: unexpected errors become "Internal server error". */
  maskInternal: boolean;
  /** Keep graphql-js's "Did you mean …?" hints (development, where the schema is public anyway). */
  showSuggestions: boolean;
  /** An unexpected error: the caller logs it as a server error. */
  onInternal?: (err: unknown) => void;
  /** The database did not answer: the caller logs a warning. */
  onUnavailable?: (err: unknown) => void;
}

const SUGGESTION = /\s*Did you mean .+\?/g;
const TOKEN_LIMIT = /Document contains more th(?:an|at) (\d+) tokens/;

/**
 * The one error formatter for HTTP and ws. Domain errors carry their code, category and details in
 * `extensions`; client mistakes keep their GraphQL code with a clean message; a database outage is a
 * retryable SERVICE_UNAVAILABLE; anything else is reported to `onInternal` and, in production, masked.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: FormatOptions,
): GraphQLFormattedError {
  const unwrapped = unwrapResolverError(error);
  // Domain errors raised outside resolvers (the operation guard) arrive wrapped without a path.
  const original =
    unwrapped instanceof GraphQLError && unwrapped.originalError
      ? unwrapped.originalError
      : unwrapped;
  if (original instanceof DomainError) {
    return {
      message: original.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { ...original.details, code: original.code, category: categoryOf(original.code) },
    };
  }
  if (isDatabaseUnavailable(original)) {
    options.onUnavailable?.(original);
    return {
      message: 'The database is unavailable; retry shortly',
      path: formatted.path,
      extensions: {
        code: TransportErrorCode.SERVICE_UNAVAILABLE,
        category: 'UNAVAILABLE',
        retryable: true,
      },
    };
  }
  const code = formatted.extensions?.code;
  if (isTransportCode(code) && code !== TransportErrorCode.INTERNAL_SERVER_ERROR) {
    return {
      ...formatted,
      message: clientMessage(formatted.message, code, options.showSuggestions),
      extensions: { ...formatted.extensions, code, category: transportCategory(code) },
    };
  }
  options.onInternal?.(original);
  if (options.maskInternal) {
    return {
      message: 'Internal server error',
      path: formatted.path,
      extensions: { code: TransportErrorCode.INTERNAL_SERVER_ERROR, category: 'INTERNAL' },
    };
  }
  return {
    ...formatted,
    extensions: {
      ...formatted.extensions,
      code: TransportErrorCode.INTERNAL_SERVER_ERROR,
      category: 'INTERNAL',
    },
  };
}

/** graphql-armor prefixes its limits with "Syntax Error: "; graphql-js words the token limit oddly. */
function clientMessage(message: string, code: TransportErrorCode, suggestions: boolean): string {
  let text = suggestions ? message : message.replace(SUGGESTION, '');
  const tokens = TOKEN_LIMIT.exec(text);
  if (tokens) {
    return `Token limit of ${tokens[1]} exceeded: send bulk data (event batches) as variables`;
  }
  if (code === TransportErrorCode.GRAPHQL_VALIDATION_FAILED) {
    text = text.replace(/^Syntax Error: /, '');
  }
  return text;
}

/** The code `formatError` gives an error, without formatting or reporting it (for metrics). */
export function errorCodeOf(error: GraphQLError): string {
  const original = error.originalError ?? error;
  if (original instanceof DomainError) return original.code;
  if (isDatabaseUnavailable(original)) return TransportErrorCode.SERVICE_UNAVAILABLE;
  const code = error.extensions?.code;
  return isTransportCode(code) ? code : TransportErrorCode.INTERNAL_SERVER_ERROR;
}

/** HTTP status of a domain error raised before execution (401, 403, 429 or 400). */
export function httpStatusOf(code: ErrorCode): number {
  switch (categoryOf(code)) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'LIMIT_EXCEEDED':
      return 429;
    default:
      return 400;
  }
}

/** A domain error as a GraphQLError, for hooks that must return or throw GraphQLErrors. */
export function domainGraphQLError(err: DomainError): GraphQLError {
  return new GraphQLError(err.message, {
    originalError: err,
    extensions: { code: err.code, http: { status: httpStatusOf(err.code) } },
  });
}
