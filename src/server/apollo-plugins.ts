/**
 * Apollo Server plugins of the HTTP transport: the operation guard (subscriptions belong to the
 * WebSocket; roles checked before anything executes) and the response status rules of the
 * GraphQL-over-HTTP spec (request errors are 400 for application/graphql-response+json and 200 for
 * legacy application/json; a database outage is 503 with Retry-After).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import Negotiator from 'negotiator';
import { DomainError } from '../common/domain-error';
import { assertOperationAllowed } from './auth/operation-access';
import type { AppContext } from '../api/context';
import { isDatabaseUnavailable } from './database-errors';
import { TransportErrorCode } from './error-codes';
import { domainGraphQLError } from './format-error';

export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
const APPLICATION_JSON = 'application/json';
/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** Codes of a request that never executed because of the client's document or variables. */
const REQUEST_ERROR_CODES = new Set<unknown>([
  TransportErrorCode.GRAPHQL_PARSE_FAILED,
  TransportErrorCode.GRAPHQL_VALIDATION_FAILED,
  TransportErrorCode.BAD_USER_INPUT,
  TransportErrorCode.OPERATION_RESOLUTION_FAILURE,
]);

/** Refuse subscriptions over HTTP, then check the caller's role on every root field. */
export function operationGuard(schema: GraphQLSchema): ApolloServerPlugin<AppContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, operationName, contextValue }) {
          if (operation?.operation === 'subscription') {
            throw new GraphQLError(
              'Subscriptions run over WebSocket (graphql-transport-ws) on this same /graphql path, not over HTTP',
              {
                extensions: {
                  code: TransportErrorCode.SUBSCRIPTION_REQUIRES_WEBSOCKET,
                  http: { status: 400 },
                },
              },
            );
          }
          try {
            assertOperationAllowed(schema, document, operationName, contextValue.caller);
          } catch (err) {
            throw err instanceof DomainError ? domainGraphQLError(err) : err;
          }
        },
      };
    },
  };
}

/** The media type a response will use, as Apollo negotiates it (no Accept header: application/json). */
export function responseMediaType(accept: string | undefined): string | undefined {
  if (!accept) return APPLICATION_JSON;
  return new Negotiator({ headers: { accept } }).mediaType([
    APPLICATION_JSON,
    GRAPHQL_RESPONSE_JSON,
  ]);
}

/** Status codes by the spec: see the module comment. */
export function responseStatusRules(): ApolloServerPlugin<AppContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, errors }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (errors?.some((e) => isDatabaseUnavailable(e.originalError ?? e)) && !result.data) {
            response.http.status = 503;
            response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
            return;
          }
          const requestError =
            result.data === undefined &&
            (result.errors?.length ?? 0) > 0 &&
            result.errors!.every((e) => REQUEST_ERROR_CODES.has(e.extensions?.code));
          // Negotiated only when it matters: most responses are not request errors.
          if (
            requestError &&
            response.http.status === 400 &&
            responseMediaType(request.http?.headers.get('accept')) === APPLICATION_JSON
          )
            response.http.status = 200;
        },
      };
    },
  };
}
