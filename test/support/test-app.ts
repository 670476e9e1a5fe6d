/** The real service, in-process, on a test database and a free port. */
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startApp, type App } from '../../src/app/start-app';
import type { Clock } from '../../src/common/clock';
import { loadConfig } from '../../src/app/config';
import { createLogger, type Logger } from '../../src/common/logger';

export async function startTestApp(
  databaseUrl: string,
  env: Record<string, string> = {},
  extra: { clock?: Clock; logger?: Logger } = {},
): Promise<App> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    PORT: '0',
    LOG_LEVEL: 'silent',
    AUTO_SEED: 'false',
    AUTO_TRAIN: 'false',
    AUTO_TRAIN_RECS: 'false',
    // Tests that are not about access control act as admin; test/integration/access.test.ts is.
    DEFAULT_ROLE: 'admin',
    RESCORE_SWEEP_MS: '0',
    RESCORE_INTERVAL_HOURS: '0',
    ...env,
  });
  return startApp(config, extra.logger ?? createLogger(config.logLevel), { clock: extra.clock });
}

export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> & { code?: string } }[];
}

/** POST a GraphQL operation over HTTP. */
export async function gql<T = Record<string, any>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResponse<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GqlResponse<T>, 'status'>;
  return { status: res.status, ...body };
}

/** A graphql-ws client over a real WebSocket. */
export function wsClient(
  baseUrl: string,
  connectionParams: Record<string, unknown> = {},
): WsClient {
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
}

/** Run a query or mutation over ws and resolve with its single result. */
export function wsExecute<T = Record<string, any>>(
  client: WsClient,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlResponse<T>> {
  return new Promise((resolve, reject) => {
    let result: GqlResponse<T> | undefined;
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => (result = { status: 0, ...(value as Omit<GqlResponse<T>, 'status'>) }),
        error: reject,
        complete: () =>
          result ? resolve(result) : reject(new Error('completed without a result')),
      },
    );
  });
}

/** Subscribe and collect every payload; `next(n)` waits until n have arrived. */
export function wsSubscribe<T = Record<string, any>>(
  client: WsClient,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const received: GqlResponse<T>[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let failure: unknown;
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        received.push({ status: 0, ...(value as Omit<GqlResponse<T>, 'status'>) });
        for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve();
      },
      error: (err) => (failure = err),
      complete: () => undefined,
    },
  );
  return {
    received,
    dispose,
    get failure() {
      return failure;
    },
    next(n: number, timeoutMs = 5000): Promise<GqlResponse<T>[]> {
      if (received.length >= n) return Promise.resolve(received.slice(0, n));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${received.length} of ${n} payloads in ${timeoutMs}ms`)),
          timeoutMs,
        );
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve(received.slice(0, n))) });
      });
    },
  };
}

/** A logger that keeps every line (level and message) for assertions. */
export function recordingLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message: fields ? `${message} ${JSON.stringify(fields)}` : message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
