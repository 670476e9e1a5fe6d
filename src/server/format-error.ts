import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { assertUnreachable } from '../common/assert-unreachable';
import { DomainError, ErrorCode } from '../common/domain-error';

/** Coarse class of every domain code, so clients can branch on either. */
function categoryOf(
  code: ErrorCode,
): 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'PRECONDITION_FAILED' {
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
      return 'NOT_FOUND';
    case ErrorCode.TRAINING_IN_PROGRESS:
      return 'CONFLICT';
    case ErrorCode.NO_ACTIVE_MODEL:
    case ErrorCode.INSUFFICIENT_DATA:
      return 'PRECONDITION_FAILED';
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
  const original = unwrapResolverError(error);
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
