/**
 * graphql-ws on the HTTP server's /graphql path. Apollo's validation rules and plugins do not reach
 * these operations, so `onSubscribe` does here what Apollo does for HTTP: authenticate (the
 * connection's `connectionParams`, overridden per operation by the headers GraphiQL puts into each
 * subscribe message's `extensions.headers`), parse with the token limit, validate with the armor
 * rules, check the caller's role against every root field, cap subscriptions per socket, and only then
 * build the execution arguments.
 */
import type http from 'node:http';
import {
  GraphQLError,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { DomainError, ErrorCode } from '../common/domain-error';
import {
  armorValidationRules,
  maskSuggestions,
  parseWithLimits,
  type OperationLimits,
} from './armor';
import { Authenticator, type Caller } from './auth/caller';
import { assertOperationAllowed } from './auth/operation-access';
import { createContext } from './context';
import { domainGraphQLError } from './format-error';
import type { Services } from './services';

export interface WsOptions {
  schema: GraphQLSchema;
  services: Services;
  authenticator: Authenticator;
  limits: OperationLimits;
  maxSubscriptionsPerSocket: number;
  format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

/** Per-socket state, kept on graphql-ws's `extra`. */
type SocketState = {
  caller: Caller;
  subscriptions: Set<string>;
};

export interface WsServer {
  /** Open sockets now. */
  socketCount(): number;
  /** Close every socket (1001) and stop accepting. */
  dispose(): Promise<void>;
}

export function startWsServer(httpServer: http.Server, options: WsOptions): WsServer {
  const { schema, services, authenticator, limits } = options;
  const rules = [...specifiedRules, ...armorValidationRules(limits)];
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const asErrors = (err: unknown): readonly GraphQLError[] => {
    if (err instanceof DomainError) return [domainGraphQLError(err)];
    if (err instanceof GraphQLError) return [err];
    throw err;
  };

  const cleanup = useServer<Record<string, unknown> | undefined, SocketState>(
    {
      schema,
      // A key in connectionParams that is not configured closes the socket with 4403 Forbidden.
      onConnect: (ctx) => {
        try {
          ctx.extra.caller = authenticator.fromAuthorization(
            Authenticator.authorizationIn(ctx.connectionParams),
          );
          ctx.extra.subscriptions = new Set();
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: (ctx, id, payload): ExecutionArgs | readonly GraphQLError[] => {
        let caller = ctx.extra.caller!;
        try {
          const perMessage = Authenticator.authorizationIn(
            (payload.extensions as Record<string, unknown> | undefined)?.headers,
          );
          if (perMessage !== undefined) caller = authenticator.fromAuthorization(perMessage);
        } catch (err) {
          return asErrors(err);
        }
        let document;
        try {
          document = parseWithLimits(payload.query, limits);
        } catch (err) {
          if (!(err instanceof GraphQLError)) throw err;
          // The code HTTP gives it: armor's token limit parses before Apollo does and reports every
          // syntax error, past the limit or not, as a validation failure.
          return [
            new GraphQLError(err.message, {
              nodes: err.nodes,
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
          ];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length > 0) {
          // As Apollo reports validation errors (armor's included) over HTTP.
          return invalid.map(
            (e) =>
              new GraphQLError(maskSuggestions(e.message), {
                nodes: e.nodes,
                extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
              }),
          );
        }
        try {
          const operation = assertOperationAllowed(schema, document, payload.operationName, caller);
          if (operation.operation === 'subscription') {
            const open = ctx.extra.subscriptions!;
            if (open.size >= options.maxSubscriptionsPerSocket) {
              throw new DomainError(
                ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                `a socket may hold at most ${options.maxSubscriptionsPerSocket} subscriptions`,
                { max: options.maxSubscriptionsPerSocket },
              );
            }
            open.add(id);
          }
        } catch (err) {
          return asErrors(err);
        }
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: createContext(services, 'ws', caller),
        };
      },
      onComplete: (ctx, id) => {
        ctx.extra.subscriptions?.delete(id);
      },
      // Same formatting as HTTP: domain codes in extensions, internals masked in production.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((e) => options.format(e.toJSON(), e)) }
          : undefined,
      onError: (_ctx, _id, _payload, errors: readonly GraphQLError[]) =>
        errors.map((e) => options.format(e.toJSON(), e)),
    },
    wsServer,
  );

  return {
    socketCount: () => wsServer.clients.size,
    async dispose() {
      await cleanup.dispose();
      wsServer.close();
    },
  };
}
