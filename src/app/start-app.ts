/**
 * Assemble the service: database (embedded when DATABASE_URL is unset), the synthetic world when the
 * database is empty, PubSub (Redis when REDIS_URL is set), services, the rescoring outbox drained,
 * schema and the HTTP/ws server. Used by `churn serve` and by the tests.
 */
import type { Clock } from '../common/clock';
import type { Config } from './config';
import type { Logger } from '../common/logger';
import { createProgress } from '../common/progress';
import { openDatabase, type Database } from '../db/database';
import { ensureWorld } from './ensure-world';
import { ensureFeatures, ensureModel } from './ensure-model';
import { openAppPubSub, type AppPubSub } from '../pubsub/pubsub';
import { ApiKeyRing, sha256 } from '../server/auth/api-keys';
import { Authenticator } from '../server/auth/caller';
import { ensureDevKey } from '../server/auth/dev-key';
import { Role } from '../api/roles';
import { startAppServer, type AppServer } from '../server/app-server';
import { buildAppSchema } from '../server/schema';
import { contextFactory } from './context';
import { createServices, type Services } from './services';

export interface App {
  url: string;
  database: Database;
  services: Services;
  pubSub: AppPubSub;
  server: AppServer;
  /** The development admin key (NODE_ENV=development with no API_KEYS), else null. */
  devApiKey: string | null;
  /** Drain HTTP and ws, finish rescoring, close Redis and the pool, stop the embedded PostgreSQL. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The service's clock (tests and replays move it); the system clock by default. */
  clock?: Clock;
}

export async function startApp(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<App> {
  const database = await openDatabase(config, logger);
  let pubSub: AppPubSub | undefined;
  let services: Services | undefined;
  try {
    if (config.autoSeed) {
      await ensureWorld(
        database,
        { users: config.seedUsers, days: config.seedDays, seed: config.seed },
        logger,
      );
    }
    pubSub = await openAppPubSub(
      { redisUrl: config.redisUrl, channelPrefix: config.redisChannelPrefix },
      logger,
    );
    services = createServices(database.dataSource, pubSub, config, logger, options.clock);
    await services.training.failInterruptedRuns();
    await services.retention.failInterruptedRuns();
    await ensureFeatures(services, logger);
    if (config.autoTrain) await ensureModel(services, config, logger);
    await drainOutbox(services, logger);
    services.rescoring.startSweeper(config.rescoreSweepMs);
    services.timeRescoring.start();

    const keys = [...config.apiKeys];
    let devApiKey: string | null = null;
    if (config.nodeEnv === 'development' && keys.length === 0) {
      devApiKey = ensureDevKey(config.dataDir);
      keys.push({ role: Role.ADMIN, digest: sha256(devApiKey) });
    }
    const defaultRole = config.defaultRole === 'none' ? null : (config.defaultRole as Role);
    const schema = await buildAppSchema(pubSub);
    const server = await startAppServer({
      schema,
      services,
      contextFor: contextFactory(services),
      dataSource: database.dataSource,
      logger,
      authenticator: new Authenticator(new ApiKeyRing(keys), defaultRole),
      limits: {
        maxDepth: config.maxQueryDepth,
        maxAliases: config.maxAliases,
        maxTokens: config.maxTokens,
        maxCost: config.maxQueryCost,
      },
      ws: {
        maxSubscriptionsPerSocket: config.maxSubscriptionsPerSocket,
        maxSockets: config.wsMaxSockets,
        maxSocketsPerClient: config.wsMaxSocketsPerClient,
        keepAliveMs: config.wsKeepAliveMs,
        subscriptionQueue: config.wsSubscriptionQueue,
      },
      surface: {
        introspection: config.introspection,
        graphiql: config.graphiql,
        dashboard: config.dashboard,
        metrics: config.metrics,
        corsOrigins: config.corsOrigins,
        maxRequestBytes: config.maxRequestBytes,
      },
      host: config.host,
      port: config.port,
      production: config.nodeEnv === 'production',
      shutdownTimeoutMs: config.shutdownTimeoutMs,
    });
    if (config.autoTrainRecs) {
      services.recommendations.trainInBackgroundIfNone({
        seed: config.trainSeed,
        epochs: config.recsEpochs,
        factors: 32,
      });
    }
    let stopping: Promise<void> | undefined;
    const live = { services, pubSub };
    return {
      url: server.url,
      database,
      services,
      pubSub,
      server,
      devApiKey,
      stop() {
        stopping ??= (async () => {
          await server.stop();
          await live.services.timeRescoring.stop();
          await live.services.recommendations.stop();
          await live.services.rescoring.stop();
          await live.pubSub.close();
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await services?.rescoring.stop();
    await pubSub?.close();
    await database.close();
    throw err;
  }
}

/** Score what a crash (or a start without a model) left in the outbox, before taking traffic. */
async function drainOutbox(services: Services, logger: Logger): Promise<void> {
  const backlog = await services.rescoring.backlog();
  if (backlog === 0) return;
  if (!(await services.registry.activeModel())) {
    logger.warn('Subscribers are waiting to be rescored, but no model is active', { backlog });
    return;
  }
  logger.info('Rescoring subscribers left in the outbox', { backlog });
  const progress = createProgress({ label: 'outbox', total: backlog, unit: 'rows' });
  const rows = await services.rescoring.drainAtStart(progress);
  progress.done(`${rows} outbox rows rescored`);
}
