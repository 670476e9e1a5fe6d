/**
 * Failures that happen before GraphQL sees a request (an unknown path, a body over the size limit,
 * a body that is not JSON) answered as GraphQL clients expect them: a JSON `{ errors: [...] }` body with
 * `extensions.code`, never Express's HTML page, never a stack trace. Only server faults are logged
 * as errors.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../common/logger';
import { transportCategory, TransportErrorCode } from './error-codes';

/** A transport error as a GraphQL JSON body (Express responses and plain node:http ones alike). */
export function sendJsonError(
  res: ServerResponse,
  status: number,
  code: TransportErrorCode,
  message: string,
): void {
  const body = JSON.stringify({
    errors: [{ message, extensions: { code, category: transportCategory(code) } }],
  });
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/** Any path no route answered. */
export function notFound(): RequestHandler {
  return (req, res) =>
    sendJsonError(
      res,
      404,
      TransportErrorCode.ROUTE_NOT_FOUND,
      `No route for ${req.method} ${req.path}`,
    );
}

/** body-parser's errors (and any other thrown before a route answers) as GraphQL JSON. */
export function jsonErrors(logger: Logger, maxRequestBytes: number): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    answerRequestError(err, req.path, res, logger, maxRequestBytes);
  };
}

/** Answers an error raised before GraphQL ran (reading or parsing the body, a fault) at `path`. */
export function answerRequestError(
  err: unknown,
  path: string,
  res: ServerResponse,
  logger: Logger,
  maxRequestBytes: number,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const e = err as { type?: string; status?: number; statusCode?: number };
  const status = e.status ?? e.statusCode ?? 500;
  switch (e.type) {
    case 'entity.too.large':
      return sendJsonError(
        res,
        413,
        TransportErrorCode.PAYLOAD_TOO_LARGE,
        `The request body is larger than ${maxRequestBytes} bytes (MAX_REQUEST_BYTES)`,
      );
    case 'entity.parse.failed':
      return sendJsonError(
        res,
        400,
        TransportErrorCode.BAD_REQUEST,
        'The request body is not valid JSON',
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return sendJsonError(
        res,
        415,
        TransportErrorCode.UNSUPPORTED_MEDIA_TYPE,
        'The request body must be UTF-8 JSON',
      );
  }
  if (status >= 400 && status < 500) {
    return sendJsonError(res, status, TransportErrorCode.BAD_REQUEST, 'The request is malformed');
  }
  logger.error('Unexpected error before GraphQL', {
    path,
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return sendJsonError(res, 500, TransportErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
}
