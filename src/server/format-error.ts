import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { assertUnreachable } from '../common/assert-unreachable';
import { DomainError, ErrorCode } from '../common/domain-error';

/** Coarse class of every domain code, so clients can branch on either. */
function categoryOf(
  code: ErrorCode,
):
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'LIMIT_EXCEEDED' {
  switch (code) {
    case ErrorCode.INVALID_ARGUMENT:
    case ErrorCode.INVALID_CURSOR:
    case ErrorCode.INVALID_ID:
    case ErrorCode.INVALID_VIEWING_EVENTS:
    case ErrorCode.BATCH_TOO_LARGE:
    case ErrorCode.BATCH_EMPTY:
      return 'BAD_USER_INPUT';
    case ErrorCode.MODEL_NOT_FOUND:
    case ErrorCode.TRAINING_RUN_NOT_FOUND:
    case ErrorCode.TITLE_NOT_FOUND:
    case ErrorCode.RETENTION_NOT_FOUND:
      return 'NOT_FOUND';
    case ErrorCode.TRAINING_IN_PROGRESS:
    case ErrorCode.RECOMMENDER_TRAINING_IN_PROGRESS:
      return 'CONFLICT';
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

/**
 * The one error formatter for HTTP and ws. Domain errors carry their code and details in
 * `extensions`; unexpected errors are logged by the caller and, in production, masked.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { maskInternal: boolean; onInternal?: (err: unknown) => void },
): GraphQLFormattedError {
  const unwrapped = unwrapResolverError(error);
  // Domain errors raised outside resolvers (the operation guard) arrive wrapped without a path.
  const original =
    unwrapped instanceof GraphQLError && unwrapped.originalError instanceof DomainError
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
  const code = formatted.extensions?.code;
  if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
    options.onInternal?.(original);
    if (options.maskInternal) {
      return {
        message: 'Internal server error',
        path: formatted.path,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
    }
    return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
  }
  return formatted;
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
