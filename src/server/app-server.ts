/**
 * Apollo Server over Express 5 and graphql-ws on the same HTTP server and path (/graphql), plus
 * GraphiQL (/graphiql), the live dashboard (/dashboard) and /healthz. Both transports authenticate
 * the same way, enforce the same graphql-armor limits and role checks, and build the same context.
 * `stop()` drains HTTP requests and ws sockets, then returns.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error';
import type { Logger } from '../common/logger';
import { apolloArmor, type OperationLimits } from './armor';
import type { Authenticator } from './auth/caller';
import { assertOperationAllowed } from './auth/operation-access';
import { createContext, type AppContext } from './context';
import { dashboardHtml } from './dashboard';
import { domainGraphQLError, formatError } from './format-error';
import { graphiqlHtml } from './graphiql';
import { checkHealth } from './health';
import type { Services } from './services';
import { startWsServer } from './ws';

export interface AppServerOptions {
  schema: GraphQLSchema;
  services: Services;
  dataSource: DataSource;
  logger: Logger;
  authenticator: Authenticator;
  limits: OperationLimits;
  maxSubscriptionsPerSocket: number;
  host: string;
  port: number;
  production: boolean;
  shutdownTimeoutMs: number;
}

export interface AppServer {
  /** e.g. http://127.0.0.1:4000 */
  url: string;
  httpServer: http.Server;
  stop(): Promise<void>;
}

export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const { schema, services, logger, authenticator } = options;
  const app = express();
  const httpServer = http.createServer(app);
  const onInternal = (err: unknown) =>
    logger.error('Unexpected error in a GraphQL operation', { error: describe(err) });
  const format = (formatted: Parameters<typeof formatError>[0], error: unknown) =>
    formatError(formatted, error, { maskInternal: options.production, onInternal });

  const ws = startWsServer(httpServer, {
    schema,
    services,
    authenticator,
    limits: options.limits,
    maxSubscriptionsPerSocket: options.maxSubscriptionsPerSocket,
    format,
  });

  const armor = apolloArmor(options.limits);
  // Roles are checked once the operation is known and before anything executes.
  const roleGuard: ApolloServerPlugin<AppContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, contextValue }) {
          try {
            assertOperationAllowed(schema, document, operationName, contextValue.caller);
          } catch (err) {
            throw err instanceof DomainError ? domainGraphQLError(err) : err;
          }
        },
      };
    },
  };

  const apollo = new ApolloServer<AppContext>({
    schema,
    introspection: true,
    formatError: format,
    allowBatchedHttpRequests: armor.allowBatchedHttpRequests,
    includeStacktraceInErrorResponses: armor.includeStacktraceInErrorResponses,
    validationRules: armor.validationRules,
    // Shutdown is ours (src/main.ts): Apollo's own signal handlers would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    plugins: [
      ...(armor.plugins as ApolloServerPlugin<AppContext>[]),
      roleGuard,
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: options.shutdownTimeoutMs,
      }),
      ApolloServerPluginLandingPageDisabled(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await ws.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.get('/', (_req, res) => res.redirect('/graphiql'));
  app.get('/graphiql', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-cache').send(graphiqlHtml());
  });
  app.get('/dashboard', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-cache').send(dashboardHtml());
  });
  app.get('/healthz', async (_req, res) => {
    const health = await checkHealth(options.dataSource, {
      pubSub: services.pubSub,
      sockets: ws.socketCount(),
      backlog: () => services.rescoring.backlog(),
    });
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });
  // A browser opening /graphql gets the IDE; API clients POST to it.
  app.get('/graphql', (req, res, next) =>
    req.accepts(['json', 'html']) === 'html' ? res.redirect('/graphiql') : next(),
  );
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          return createContext(
            services,
            'http',
            authenticator.fromAuthorization(req.headers.authorization),
          );
        } catch (err) {
          throw err instanceof DomainError ? domainGraphQLError(err) : err;
        }
      },
    }),
  );

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
    stop() {
      // apollo.stop() runs the drain plugins: stop accepting, finish in-flight requests (then force),
      // close ws sockets with 1001 Going Away.
      stopping ??= apollo.stop();
      return stopping;
    },
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
