/**
 * The client pattern for following risk alerts without missing any, as a small library for Node
 * clients (docs/live.md describes it for other languages; alert-delivery.test.ts drives it through a
 * Redis failure):
 *
 *  1. subscribe to `riskAlertRaised(minLevel)` and hold what arrives;
 *  2. page `riskAlerts(after: <last cursor>, minLevel)` until the end, over the same socket (so the
 *     server has registered the subscription before it reads the log), delivering each alert;
 *  3. deliver the held live alerts, then every later one, skipping cursors already delivered;
 *  4. when the subscription ends (RESYNC_REQUIRED when the server's fan-out dropped, SERVICE_UNAVAILABLE
 *     while it is down, or a closed socket), wait a little and start again at 1 from the last cursor.
 *
 * Each raise is delivered exactly once, in raise order, across reconnects.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface FollowedAlert {
  id: string;
  cursor: string;
  userId: string;
  riskLevel: string;
  reason: string;
  probability: number;
  raisedAt: string;
}

export interface AlertFollowerOptions {
  /** Base URL of the service, e.g. http://127.0.0.1:4000. */
  url: string;
  apiKey?: string | null;
  minLevel?: 'MEDIUM' | 'HIGH' | 'CRITICAL';
  /** Start after this cursor (null: from the beginning of the alert log). */
  after?: string | null;
  onAlert(alert: FollowedAlert): void;
  /** Connection state changes, with the reason (for logs and UIs). */
  onState?(state: 'live' | 'catching-up' | 'reconnecting', detail?: string): void;
  /** Longest wait between reconnect attempts (ms). */
  maxBackoffMs?: number;
}

export interface AlertFollower {
  /** The cursor of the latest alert delivered. */
  cursor(): string | null;
  /** Reconnects so far. */
  reconnects(): number;
  stop(): Promise<void>;
}

const FIELDS = 'id cursor userId riskLevel reason probability raisedAt';
const PAGE = 500;

export function followAlerts(options: AlertFollowerOptions): AlertFollower {
  const minLevel = options.minLevel ?? 'HIGH';
  const delivered = new Set<string>();
  let cursor = options.after ?? null;
  let stopped = false;
  let client: Client | null = null;
  let reconnects = 0;
  let wake: (() => void) | null = null;

  const deliver = (a: FollowedAlert) => {
    if (delivered.has(a.cursor)) return;
    delivered.add(a.cursor);
    cursor = a.cursor;
    options.onAlert(a);
  };

  /**
   * Pages the alert log from the last cursor over `socket`, the subscription's own connection. The
   * server registers a subscription as soon as its message arrives, before any later message on the
   * same socket runs (registration takes no I/O; a query's read does), so every alert raised after
   * the page's read reaches the subscription. Over a separate HTTP request the read could run before
   * the subscription was registered, and an alert raised in between would reach neither.
   */
  const catchUp = async (socket: Client) => {
    for (;;) {
      const page = await socketQuery<{
        riskAlerts: { edges: { node: FollowedAlert }[]; pageInfo: { hasNextPage: boolean } };
      }>(
        socket,
        `query($after: String, $min: RiskLevel) { riskAlerts(after: $after, first: ${PAGE}, minLevel: $min) {
           edges { node { ${FIELDS} } } pageInfo { hasNextPage } } }`,
        { after: cursor, min: minLevel },
      );
      for (const e of page.riskAlerts.edges) deliver(e.node);
      if (!page.riskAlerts.pageInfo.hasNextPage) return;
    }
  };

  /** One connection: subscribe, catch up, then live until the subscription ends. */
  const session = () =>
    new Promise<string>((resolve) => {
      let held: FollowedAlert[] | null = [];
      const socket = createClient({
        url: `${options.url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {},
        retryAttempts: 0,
        on: { closed: () => resolve('socket closed') },
      });
      client = socket;
      socket.subscribe<{ riskAlertRaised: FollowedAlert }>(
        {
          query: `subscription($min: RiskLevel) { riskAlertRaised(minLevel: $min) { ${FIELDS} } }`,
          variables: { min: minLevel },
        },
        {
          next: ({ data, errors }) => {
            if (errors?.length) return resolve(errorText(errors));
            if (!data) return;
            if (held) held.push(data.riskAlertRaised);
            else deliver(data.riskAlertRaised);
          },
          error: (err) => resolve(errorText(err)),
          complete: () => resolve('subscription completed'),
        },
      );
      options.onState?.('catching-up');
      catchUp(socket).then(
        () => {
          for (const a of held ?? []) deliver(a);
          held = null;
          options.onState?.('live');
        },
        (err) => resolve(`catch-up failed: ${errorText(err)}`),
      );
    });

  const loop = (async () => {
    let backoff = 100;
    while (!stopped) {
      const started = Date.now();
      const reason = await session();
      await (client as Client | null)?.dispose();
      client = null;
      if (stopped) break;
      reconnects += 1;
      options.onState?.('reconnecting', reason);
      if (Date.now() - started > 10_000) backoff = 100;
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, backoff);
      });
      backoff = Math.min(options.maxBackoffMs ?? 5000, backoff * 2);
    }
  })();

  return {
    cursor: () => cursor,
    reconnects: () => reconnects,
    async stop() {
      stopped = true;
      wake?.();
      await client?.dispose();
      await loop;
    },
  };
}

/** A query over the socket, after everything sent on it before. */
function socketQuery<T>(
  socket: Client,
  text: string,
  variables: Record<string, unknown>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let result: { data?: T | null; errors?: readonly unknown[] } | null = null;
    socket.subscribe<T>(
      { query: text, variables },
      {
        next: (r) => {
          result = r as typeof result;
        },
        error: (err) => reject(new Error(errorText(err))),
        complete: () => {
          if (!result?.data || result.errors?.length)
            reject(new Error(errorText(result?.errors ?? 'no result')));
          else resolve(result.data);
        },
      },
    );
  });
}

function errorText(err: unknown): string {
  if (Array.isArray(err)) return err.map(errorText).join('; ');
  if (err && typeof err === 'object') {
    const e = err as {
      message?: string;
      extensions?: { code?: string };
      reason?: string;
      code?: number;
    };
    if (e.extensions?.code) return `${e.extensions.code}: ${e.message}`;
    if (e.message) return e.message;
    if (e.code) return `socket closed ${e.code} ${e.reason ?? ''}`.trim();
  }
  return String(err);
}
