/**
 * Apollo Server (on node:http, graphql-http.ts) and graphql-ws on the same HTTP server and path
 * (/graphql); Express 5 for the rest:
 * GraphiQL (/graphiql, /playground), the live dashboard (/dashboard), /healthz and /metrics. Both
 * transports authenticate the same way, enforce the same limits and role checks, build the same
 * context and report the same error codes. Responses are compressed; browsers on CORS_ORIGINS may
 * call the API; every failure, including those before GraphQL (404, 413, a body that is not JSON), is
 * a GraphQL JSON error. `stop()` drains HTTP requests and ws sockets, then returns.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import compression from 'compression';
import express from 'express';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error';
import type { Logger } from '../common/logger';
import { operationGuard, responseStatusRules } from './apollo-plugins';
import { armorValidationRules, parseOptions, type OperationLimits } from './armor';
import type { Authenticator } from './auth/caller';
import type { AppContext, AppServices, ContextFactory } from '../api/context';
import { dashboardRouter, faviconHandler } from './dashboard/routes';
import { domainGraphQLError, formatError } from './format-error';
import { graphiqlHtml } from './graphiql';
import { checkHealth } from './health';
import { compiledExecutorGateway } from './compiled-executor';
import { jsonErrors, notFound } from './http-errors';
import { graphqlHttpHandler, isGraphqlRequest } from './graphql-http';
import { httpOperationMetrics, httpResponseMetrics, metricsHandler } from './server-metrics';
import { startWsServer, type WsLimits } from './ws';

/** What the server exposes beyond /graphql, and to whom. */
export interface Surface {
  introspection: boolean;
  graphiql: boolean;
  dashboard: boolean;
  metrics: boolean;
  corsOrigins: readonly string[];
  maxRequestBytes: number;
}

export interface AppServerOptions {
  schema: GraphQLSchema;
  services: AppServices;
  /** Builds each request's or operation's context (the composition root's). */
  contextFor: ContextFactory;
  dataSource: DataSource;
  logger: Logger;
  authenticator: Authenticator;
  limits: OperationLimits;
  ws: Omit<WsLimits, 'maxMessageBytes' | 'corsOrigins'>;
  surface: Surface;
  host: string;
  port: number;
  production: boolean;
  shutdownTimeoutMs: number;
}

export interface AppServer {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  httpServer: http.Server;
  /** WebSockets open now. */
  socketCount(): number;
  stop(): Promise<void>;
}

export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const { schema, services, logger, authenticator, surface } = options;
  const app = express();
  // /graphql itself is served without Express (graphql-http.ts); set once Apollo has started.
  const routes: { graphql?: (req: http.IncomingMessage, res: http.ServerResponse) => void } = {};
  const httpServer = http.createServer((req, res) =>
    routes.graphql && isGraphqlRequest(req, surface.graphiql)
      ? routes.graphql(req, res)
      : app(req, res),
  );
  const format = (formatted: GraphQLFormattedError, error: unknown) =>
    formatError(formatted, error, {
      maskInternal: options.production,
      showSuggestions: surface.introspection,
      onInternal: (err) =>
        logger.error('Unexpected error in a GraphQL operation', { error: describe(err) }),
      onUnavailable: (err) =>
        logger.warn('The database is unavailable', { error: (err as Error)?.message }),
    });

  const ws = startWsServer(httpServer, {
    schema,
    contextFor: options.contextFor,
    authenticator,
    limits: options.limits,
    ws: {
      ...options.ws,
      maxMessageBytes: surface.maxRequestBytes,
      corsOrigins: surface.corsOrigins,
    },
    introspection: surface.introspection,
    format,
    logger,
  });

  const apollo = new ApolloServer<AppContext>({
    gateway: compiledExecutorGateway(schema),
    introspection: surface.introspection,
    formatError: format,
    logger: apolloLogger(logger),
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    persistedQueries: false,
    parseOptions: parseOptions(options.limits),
    validationRules: armorValidationRules(options.limits),
    // Shutdown is ours (src/main.ts): Apollo's own signal handlers would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    plugins: [
      operationGuard(schema),
      responseStatusRules(),
      httpOperationMetrics(),
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: options.shutdownTimeoutMs,
      }),
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are set; Apollo's cache-control plugin would otherwise wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await ws.dispose();
            },
          };
        },
      } satisfies ApolloServerPlugin<AppContext>,
    ],
  });
  await apollo.start();
  routes.graphql = graphqlHttpHandler({
    apollo,
    context: async (req) => {
      try {
        return options.contextFor(
          'http',
          authenticator.fromAuthorization(req.headers.authorization),
        );
      } catch (err) {
        throw err instanceof DomainError ? domainGraphQLError(err) : err;
      }
    },
    corsOrigins: surface.corsOrigins,
    maxRequestBytes: surface.maxRequestBytes,
    logger,
  });

  app.disable('x-powered-by');
  app.use(httpResponseMetrics());
  app.use(compression());
  if (surface.graphiql) {
    const ide = (_req: express.Request, res: express.Response) =>
      res.type('html').set('Cache-Control', 'no-cache').send(graphiqlHtml());
    app.get('/', (_req, res) => res.redirect('/graphiql'));
    app.get('/graphiql', ide);
    app.get('/playground', (_req, res) => res.redirect(301, '/graphiql'));
    // A browser opening /graphql gets the IDE; API clients POST to it.
    app.get('/graphql', (req, res, next) =>
      req.accepts(['json', 'html']) === 'html' ? res.redirect('/graphiql') : next(),
    );
  }
  if (surface.dashboard) app.use(dashboardRouter());
  app.get('/favicon.ico', faviconHandler());
  app.get('/healthz', async (_req, res) => {
    const health = await checkHealth(options.dataSource, {
      pubSub: services.pubSub,
      sockets: ws.socketCount(),
      backlog: () => services.rescoring.backlog(),
    });
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });
  if (surface.metrics) {
    app.get(
      '/metrics',
      metricsHandler({
        sockets: ws.socketCount,
        subscriptions: ws.subscriptionCount,
        registry: services.registry,
      }),
    );
  }
  app.use(notFound());
  app.use(jsonErrors(logger, surface.maxRequestBytes));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;

  let stopping: Promise<void> | undefined;
  return {
    url,
    httpServer,
    socketCount: ws.socketCount,
    stop() {
      // apollo.stop() runs the drain plugins: stop accepting, finish in-flight requests (then force),
      // close ws sockets with 1001 Going Away.
      stopping ??= apollo.stop();
      return stopping;
    },
  };
}

/** Apollo's own messages through our logger (its default prints to the console). */
function apolloLogger(logger: Logger) {
  return {
    debug: (m: unknown) => logger.debug(String(m)),
    info: (m: unknown) => logger.info(String(m)),
    warn: (m: unknown) => logger.warn(String(m)),
    error: (m: unknown) => logger.error(String(m)),
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
