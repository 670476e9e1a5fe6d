/**
 * Apollo Server over Express 5 and graphql-ws on the same HTTP server and path (/graphql), plus
 * GraphiQL (/graphiql) and /healthz. `stop()` drains HTTP requests and ws sockets, then returns.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { DataSource } from 'typeorm';
import type { Logger } from '../common/logger';
import { createContext, type AppContext } from './context';
import { formatError } from './format-error';
import { graphiqlHtml } from './graphiql';
import { checkHealth } from './health';
import type { Services } from './services';

export interface AppServerOptions {
  schema: GraphQLSchema;
  services: Services;
  dataSource: DataSource;
  logger: Logger;
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
  const { schema, services, logger } = options;
  const app = express();
  const httpServer = http.createServer(app);
  const onInternal = (err: unknown) =>
    logger.error('Unexpected error in a GraphQL operation', { error: describe(err) });
  const format = (formatted: Parameters<typeof formatError>[0], error: unknown) =>
    formatError(formatted, error, { maskInternal: options.production, onInternal });

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>>(
    {
      schema,
      context: () => createContext(services, 'ws'),
      // Same formatting as HTTP: domain codes in extensions, internals masked in production.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) }
          : undefined,
      onError: (_ctx, _id, _payload, errors: readonly GraphQLError[]) =>
        errors.map((e) => format(e.toJSON(), e)),
    },
    wsServer,
  );

  const apollo = new ApolloServer<AppContext>({
    schema,
    introspection: true,
    formatError: format,
    // Shutdown is ours (src/main.ts): Apollo's own signal handlers would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: options.shutdownTimeoutMs,
      }),
      ApolloServerPluginLandingPageDisabled(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
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
  app.get('/healthz', async (_req, res) => {
    const health = await checkHealth(options.dataSource);
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });
  // A browser opening /graphql gets the IDE; API clients POST to it.
  app.get('/graphql', (req, res, next) =>
    req.accepts(['json', 'html']) === 'html' ? res.redirect('/graphiql') : next(),
  );
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    expressMiddleware(apollo, { context: async () => createContext(services, 'http') }),
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
      stopping ??= (async () => {
        // apollo.stop() runs the drain plugins: stop accepting, finish in-flight requests (then force),
        // close ws sockets with 1001 Going Away.
        await apollo.stop();
        wsServer.close();
      })();
      return stopping;
    },
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
