/**
 * graphql-ws on the HTTP server's /graphql path. Apollo's validation rules and plugins do not reach
 * these operations, so `onSubscribe` does here what Apollo does for HTTP: authenticate (the
 * connection's `connectionParams`, overridden per operation by the headers GraphiQL puts into each
 * subscribe message's `extensions.headers`), parse with the token limit, validate with the armor
 * rules, coerce the variables, check the caller's role on every root field, cap subscriptions per
 * socket, and only then build the execution arguments. Errors carry the codes HTTP gives them.
 *
 * Limits (ws-gate.ts): messages up to MAX_REQUEST_BYTES (1009 past it), the Origin allow-list and the
 * total socket cap at the upgrade, sockets per key or address at connection_init (4029), no role no
 * socket (4403), keep-alive pings (a socket that misses one is terminated), and a bounded queue per
 * subscription (subscription-queue.ts; 4008 for a client that stops reading).
 */
import type http from 'node:http';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  validate,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import WebSocket, { WebSocketServer } from 'ws';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { Logger } from '../common/logger';
import { parseOptions, wsValidationRules, type OperationLimits } from './armor';
import { Authenticator, type Caller } from './auth/caller';
import { assertOperationAllowed } from './auth/operation-access';
import type { ContextFactory } from '../api/context';
import { TransportErrorCode } from './error-codes';
import { domainGraphQLError, errorCodeOf } from './format-error';
import { observeOperation, observeSocketClosed, rootFieldsOf } from './server-metrics';
import { SharedResults } from './shared-results';
import { boundedSubscription } from './subscription-queue';
import { ClientSockets, refuseUpgrade, rejectUpgrade, WsCloseCode } from './ws-gate';

export interface WsLimits {
  maxMessageBytes: number;
  maxSubscriptionsPerSocket: number;
  maxSockets: number;
  maxSocketsPerClient: number;
  keepAliveMs: number;
  subscriptionQueue: number;
  corsOrigins: readonly string[];
}

export interface WsOptions {
  schema: GraphQLSchema;
  /** Builds each request's or operation's context (the composition root's). */
  contextFor: ContextFactory;
  authenticator: Authenticator;
  limits: OperationLimits;
  ws: WsLimits;
  introspection: boolean;
  format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  logger: Logger;
}

/** Per-socket state, kept on graphql-ws's `extra`. */
type SocketState = {
  socket: WebSocket;
  request: http.IncomingMessage;
  caller?: Caller;
  client?: string;
  subscriptions?: Set<string>;
  /** When each operation's subscribe message arrived (for latency metrics). */
  started?: Map<string, bigint>;
};

export interface WsServer {
  /** Open sockets now. */
  socketCount(): number;
  /** Subscription results executed, and delivered from the shared cache. */
  fanOut(): { executed: number; shared: number };
  /** Subscriptions running now, over every socket. */
  subscriptionCount(): number;
  /** Close every socket (1001) and stop accepting. */
  dispose(): Promise<void>;
}

const PATH = '/graphql';

export function startWsServer(httpServer: http.Server, options: WsOptions): WsServer {
  const { schema, authenticator, limits } = options;
  const rules = wsValidationRules(limits, { introspection: options.introspection });
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: options.ws.maxMessageBytes });
  const perClient = new ClientSockets(options.ws.maxSocketsPerClient);
  const shared = new SharedResults();
  let subscriptions = 0;

  const onUpgrade = (
    req: http.IncomingMessage,
    socket: import('node:stream').Duplex,
    head: Buffer,
  ) => {
    const refused = refuseUpgrade(req, wsServer.clients.size, {
      path: PATH,
      corsOrigins: options.ws.corsOrigins,
      maxSockets: options.ws.maxSockets,
      maxSocketsPerClient: options.ws.maxSocketsPerClient,
    });
    if (refused) return rejectUpgrade(socket, refused.status, refused.reason);
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  };
  httpServer.on('upgrade', onUpgrade);
  wsServer.on('connection', (socket: WebSocket) => {
    socket.once('close', (code) => observeSocketClosed(code));
    shared.expandOnSend(socket);
    // graphql-ws prints every socket error with a stack, but most are a client's fault (a frame over
    // maxPayload, bad UTF-8), which ws has already answered with the right close code. Its listener
    // is attached after this one, so swap it once this 'connection' event has been delivered.
    queueMicrotask(() => {
      socket.removeAllListeners('error');
      socket.on('error', (err: Error & { code?: string }) => {
        if (err.code?.startsWith('WS_ERR_')) return; // ws closed it: 1002, 1007 or 1009
        options.logger.error('WebSocket error', { error: err.stack ?? err.message });
        socket.terminate();
      });
    });
  });

  const asErrors = (err: unknown): readonly GraphQLError[] => {
    if (err instanceof DomainError) return [domainGraphQLError(err)];
    if (err instanceof GraphQLError) return [err];
    throw err;
  };
  const withCode = (errors: readonly GraphQLError[], code: TransportErrorCode) =>
    errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code } }));

  const cleanup = useServer<Record<string, unknown> | undefined, SocketState>(
    {
      schema,
      // One execution and one serialisation per published payload and distinct operation.
      subscribe: shared.subscribe,
      onConnect: (ctx) => {
        let caller: Caller;
        try {
          caller = authenticator.fromAuthorization(
            Authenticator.authorizationIn(ctx.connectionParams),
          );
        } catch {
          return false; // an unknown key: 4403
        }
        if (caller.role === null) return false; // no key, and the default role is none: 4403
        const client = caller.keyId ?? `addr:${ctx.extra.request.socket.remoteAddress ?? '?'}`;
        if (!perClient.acquire(client)) {
          ctx.extra.socket.close(
            WsCloseCode.TOO_MANY_SOCKETS,
            `At most ${options.ws.maxSocketsPerClient} sockets per key or address`,
          );
          return false;
        }
        Object.assign(ctx.extra, {
          caller,
          client,
          subscriptions: new Set<string>(),
          started: new Map<string, bigint>(),
        });
        return true;
      },
      onDisconnect: (ctx) => {
        if (ctx.extra.client) perClient.release(ctx.extra.client);
        subscriptions -= ctx.extra.subscriptions?.size ?? 0;
        ctx.extra.subscriptions?.clear();
      },
      onSubscribe: (ctx, id, payload): ExecutionArgs | readonly GraphQLError[] => {
        ctx.extra.started?.set(id, process.hrtime.bigint());
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
          document = parse(payload.query, parseOptions(limits));
        } catch (err) {
          if (!(err instanceof GraphQLError)) throw err;
          return withCode([err], TransportErrorCode.GRAPHQL_PARSE_FAILED);
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length > 0)
          return withCode(invalid, TransportErrorCode.GRAPHQL_VALIDATION_FAILED);
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) {
          return withCode(
            [new GraphQLError('operationName names no operation of the document')],
            TransportErrorCode.OPERATION_RESOLUTION_FAILURE,
          );
        }
        const coerced = getVariableValues(
          schema,
          operation.variableDefinitions ?? [],
          payload.variables ?? {},
          {
            maxErrors: 50,
          },
        );
        if (coerced.errors) return withCode(coerced.errors, TransportErrorCode.BAD_USER_INPUT);
        try {
          assertOperationAllowed(schema, document, payload.operationName, caller);
          if (operation.operation === 'subscription') reserveSubscription(ctx.extra, id);
        } catch (err) {
          return asErrors(err);
        }
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: options.contextFor('ws', caller),
        };
      },
      onOperation: (ctx, id, _payload, args, result) => {
        const type = getOperationAST(args.document, args.operationName)?.operation ?? 'query';
        const started = ctx.extra.started?.get(id);
        ctx.extra.started?.delete(id);
        const rootFields = rootFieldsOf(args.document, args.operationName);
        if (!isAsyncIterable(result)) {
          const { errors } = result as { errors?: readonly GraphQLError[] };
          observeOperation({
            transport: 'ws',
            type,
            rootFields,
            outcome: errors?.length ? errorCodeOf(errors[0]) : 'ok',
            seconds: started ? Number(process.hrtime.bigint() - started) / 1e9 : null,
          });
          return undefined;
        }
        observeOperation({ transport: 'ws', type, rootFields, outcome: 'ok', seconds: null });
        const socket = ctx.extra.socket;
        return boundedSubscription(result, {
          limit: options.ws.subscriptionQueue,
          backedUp: () => socket.bufferedAmount > 0,
          onOverflow: (waiting) =>
            socket.close(
              WsCloseCode.SLOW_CONSUMER,
              `Slow consumer: ${waiting} results waiting; reconnect, catch up with riskAlerts(after:)`,
            ),
        });
      },
      onComplete: (ctx, id) => {
        if (ctx.extra.subscriptions?.delete(id)) subscriptions -= 1;
      },
      // Same formatting as HTTP: domain codes in extensions, internals masked in production.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((e) => options.format(e.toJSON(), e)) }
          : undefined,
      onError: (ctx, id, _payload, errors: readonly GraphQLError[]) => {
        if (ctx.extra.subscriptions?.delete(id)) subscriptions -= 1;
        ctx.extra.started?.delete(id);
        const formatted = errors.map((e) => options.format(e.toJSON(), e));
        observeOperation({
          transport: 'ws',
          type: 'unknown',
          rootFields: [],
          outcome: String(formatted[0]?.extensions?.code ?? 'error'),
          seconds: null,
        });
        return formatted;
      },
    },
    wsServer,
    options.ws.keepAliveMs,
  );

  function reserveSubscription(state: SocketState, id: string): void {
    const open = state.subscriptions!;
    if (open.size >= options.ws.maxSubscriptionsPerSocket) {
      throw new DomainError(
        ErrorCode.TOO_MANY_SUBSCRIPTIONS,
        `a socket may hold at most ${options.ws.maxSubscriptionsPerSocket} subscriptions`,
        { max: options.ws.maxSubscriptionsPerSocket },
      );
    }
    open.add(id);
    subscriptions += 1;
  }

  return {
    socketCount: () => wsServer.clients.size,
    fanOut: () => ({ ...shared.stats }),
    subscriptionCount: () => subscriptions,
    async dispose() {
      httpServer.off('upgrade', onUpgrade);
      await cleanup.dispose();
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
