/**
 * `churn serve`: start everything, print where to find it, and shut down cleanly on SIGINT/SIGTERM
 * (drain HTTP and ws, close the pool, stop the embedded PostgreSQL; see common/shutdown.ts).
 */
import type { Config } from './config';
import { createLogger } from './common/logger';
import { startApp } from './app';
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
      `  Health     ${app.url}/healthz`,
      `  Database   ${app.database.embedded ? `embedded PostgreSQL (data in ${config.dataDir})` : 'DATABASE_URL'}`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  onShutdown('service', () => app.stop());
}
