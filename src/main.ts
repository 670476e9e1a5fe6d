/**
 * `churn serve`: start everything, print where to find it, and shut down cleanly on SIGINT/SIGTERM
 * (drain HTTP and ws, close the pool, stop the embedded PostgreSQL; see common/shutdown.ts).
 */
import type { Config } from './app/config';
import { createLogger } from './common/logger';
import { startApp } from './app/start-app';
import { onShutdown } from './common/shutdown';

export async function serve(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, logger);
  process.stdout.write(
    [
      '',
      'churn-predictor is ready',
      `  GraphiQL   ${app.url}/graphiql`,
      `  GraphQL    ${app.url}/graphql   (HTTP POST, and WebSocket graphql-transport-ws)`,
      `  Dashboard  ${app.url}/dashboard`,
      `  Health     ${app.url}/healthz`,
      `  Database   ${app.database.embedded ? `embedded PostgreSQL (data in ${app.database.embeddedDir ?? config.dataDir})` : 'DATABASE_URL'}`,
      `  PubSub     ${app.pubSub.kind === 'redis' ? 'Redis (REDIS_URL)' : 'in-process (set REDIS_URL to run several instances)'}`,
      ...(app.devApiKey
        ? [
            `  API key    ${app.devApiKey}   (admin, development only; kept in ${config.dataDir}/dev-api-key)`,
            `             send it as "Authorization: Bearer <key>"; without a key requests are ${config.defaultRole}`,
          ]
        : [`  Access     API_KEYS; requests without a key are ${config.defaultRole}`]),
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  onShutdown('service', () => app.stop());
}
