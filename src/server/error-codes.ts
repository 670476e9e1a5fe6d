/**
 * Every `extensions.code` a client can see, in one place: the domain codes (common/domain-error.ts)
 * and the transport codes raised by parsing, validation, the HTTP layer and the WebSocket server.
 * The schema carries them as `enum ErrorCode`, so a frontend's code generator sees the full list with
 * a description of each (docs/api.md explains them by category).
 */
import { GraphQLEnumType } from 'graphql';
import { ErrorCode } from '../common/domain-error';

/** Codes raised outside the domain: by the GraphQL engine, the HTTP layer or the WebSocket server. */
export enum TransportErrorCode {
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  OPERATION_RESOLUTION_FAILURE = 'OPERATION_RESOLUTION_FAILURE',
  PERSISTED_QUERY_NOT_SUPPORTED = 'PERSISTED_QUERY_NOT_SUPPORTED',
  BAD_REQUEST = 'BAD_REQUEST',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  ROUTE_NOT_FOUND = 'ROUTE_NOT_FOUND',
  ORIGIN_NOT_ALLOWED = 'ORIGIN_NOT_ALLOWED',
  SUBSCRIPTION_REQUIRES_WEBSOCKET = 'SUBSCRIPTION_REQUIRES_WEBSOCKET',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** Coarse class of every code, sent as `extensions.category`, so clients can branch on either. */
export type ErrorCategory =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'LIMIT_EXCEEDED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

const TRANSPORT: Record<TransportErrorCode, { category: ErrorCategory; description: string }> = {
  GRAPHQL_PARSE_FAILED: {
    category: 'BAD_USER_INPUT',
    description:
      'The document is not valid GraphQL syntax, or has more tokens than MAX_TOKENS. HTTP 400 (200 when the client accepts only application/json).',
  },
  GRAPHQL_VALIDATION_FAILED: {
    category: 'BAD_USER_INPUT',
    description:
      'The document does not validate against the schema or exceeds an operation limit (depth, aliases, cost, directives). HTTP 400 (200 for application/json).',
  },
  BAD_USER_INPUT: {
    category: 'BAD_USER_INPUT',
    description:
      'A variable does not match its declared type. HTTP 400 (200 for application/json).',
  },
  OPERATION_RESOLUTION_FAILURE: {
    category: 'BAD_USER_INPUT',
    description: 'operationName names no operation of the document, or one is needed and missing.',
  },
  PERSISTED_QUERY_NOT_SUPPORTED: {
    category: 'BAD_USER_INPUT',
    description: 'Automatic persisted queries are not supported: send the document.',
  },
  BAD_REQUEST: {
    category: 'BAD_USER_INPUT',
    description:
      'The HTTP request is malformed: a body that is not JSON, no query, a GET mutation, or a browser request without a JSON content type (CSRF protection). HTTP 400.',
  },
  PAYLOAD_TOO_LARGE: {
    category: 'LIMIT_EXCEEDED',
    description:
      'The request body is larger than MAX_REQUEST_BYTES. HTTP 413 (a WebSocket message that large closes the socket with 1009).',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    category: 'BAD_USER_INPUT',
    description: 'The request body uses an encoding or charset the server does not read. HTTP 415.',
  },
  ROUTE_NOT_FOUND: {
    category: 'NOT_FOUND',
    description: 'No such path on this server. HTTP 404.',
  },
  ORIGIN_NOT_ALLOWED: {
    category: 'FORBIDDEN',
    description:
      'A web page on an origin not in CORS_ORIGINS asked to call the API (a CORS preflight). HTTP 403; its WebSocket upgrade is refused with 403 too.',
  },
  SUBSCRIPTION_REQUIRES_WEBSOCKET: {
    category: 'BAD_USER_INPUT',
    description:
      'A subscription was sent over HTTP: subscriptions run over WebSocket (graphql-transport-ws) on the same /graphql path. HTTP 400.',
  },
  SERVICE_UNAVAILABLE: {
    category: 'UNAVAILABLE',
    description:
      'The database does not answer. Retryable (`extensions.retryable: true`); HTTP 503 with Retry-After.',
  },
  INTERNAL_SERVER_ERROR: {
    category: 'INTERNAL',
    description:
      'An unexpected failure, logged by the server; masked as "Internal server error" in production.',
  },
};

/** What each domain code means, as the schema describes it. */
const DOMAIN_DESCRIPTIONS: Record<ErrorCode, string> = {
  INVALID_ARGUMENT: 'An argument is out of range or malformed (first > 100, a negative number…).',
  INVALID_CURSOR: 'A pagination cursor that this server did not issue.',
  INVALID_ID: 'An ID that cannot name any row (not a positive integer).',
  INVALID_VIEWING_EVENTS:
    'recordViewingEvents: one or more events are invalid; `extensions.eventErrors` lists each.',
  BATCH_TOO_LARGE: 'recordViewingEvents: more events than MAX_EVENTS_PER_BATCH.',
  BATCH_EMPTY: 'recordViewingEvents: an empty list.',
  MODEL_NOT_FOUND: 'No model version by that name (or its files are missing).',
  NO_ACTIVE_MODEL: 'Scoring or explaining needs an active model and there is none yet.',
  TRAINING_IN_PROGRESS: 'A training run is already queued or running.',
  INSUFFICIENT_DATA: 'The data cannot support the request (too little history, one class only…).',
  TITLE_NOT_FOUND: 'No title with that id, where one must exist.',
  RECOMMENDER_TRAINING_IN_PROGRESS: 'A recommender training run is already in progress.',
  TRAINING_RUN_NOT_FOUND: 'No training run with that id.',
  UNAUTHENTICATED:
    'No API key was sent and requests without one may not do this, or the key is not configured. HTTP 401; WebSocket close 4403 at connection_init.',
  FORBIDDEN:
    "The caller's role may not call a field of the operation (`extensions.fields`). HTTP 403.",
  TOO_MANY_SUBSCRIPTIONS: 'A WebSocket already holds MAX_SUBSCRIPTIONS_PER_SOCKET subscriptions.',
  EVENT_CONFLICT:
    'recordViewingEvents / recordAccountEvents: a clientEventId is stored with different content (`extensions.eventErrors` names the fields); nothing was written.',
  INVALID_ACCOUNT_EVENTS:
    'recordAccountEvents: one or more account events are invalid; `extensions.eventErrors` lists each.',
  ALERT_NOT_FOUND: 'No alert with that id.',
  ALERT_STATE_CONFLICT:
    'The alert is in a status that does not allow the change (acknowledging a resolved alert, say).',
  RESYNC_REQUIRED:
    'A live subscription ended because the PubSub fan-out lost its connection: reconnect, then catch up with riskAlerts(after: <last cursor>). Retryable.',
  WORLD_NOT_AVAILABLE:
    'The operation replays the synthetic world (retention simulations, campaigns), and this database holds none (`churn seed`).',
  RETENTION_NOT_FOUND: 'No retention plan, simulation or experiment with that id.',
  SERVICE_UNAVAILABLE:
    'A dependency does not answer (the database, or the PubSub for new subscriptions). Retryable (`extensions.retryable: true`); HTTP 503 with Retry-After.',
};

export function isTransportCode(code: unknown): code is TransportErrorCode {
  return typeof code === 'string' && code in TRANSPORT;
}

export function transportCategory(code: TransportErrorCode): ErrorCategory {
  return TRANSPORT[code].category;
}

/** `enum ErrorCode` of the schema: every code, domain and transport, with its meaning. */
export const ErrorCodeEnum = new GraphQLEnumType({
  name: 'ErrorCode',
  description:
    'Every value `errors[].extensions.code` can take, on HTTP and WebSocket alike. `extensions.category` groups them (BAD_USER_INPUT, NOT_FOUND, CONFLICT, PRECONDITION_FAILED, UNAUTHENTICATED, FORBIDDEN, LIMIT_EXCEEDED, UNAVAILABLE, INTERNAL).',
  values: Object.fromEntries([
    ...Object.values(ErrorCode).map((code) => [code, { description: DOMAIN_DESCRIPTIONS[code] }]),
    ...Object.values(TransportErrorCode)
      .filter((code) => !(code in DOMAIN_DESCRIPTIONS))
      .map((code) => [code, { description: TRANSPORT[code].description }]),
  ]),
});
