/**
 * Who may open a WebSocket, and how many. Checked at the HTTP upgrade (before any WebSocket exists):
 * the path, the Origin of a browser page (its own origin, or one of CORS_ORIGINS), and the total
 * socket cap. Checked at `connection_init`, once the caller is known: sockets per API key (or, with
 * no key, per remote address).
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';

/** Close codes the server uses beyond graphql-ws's own (4400, 4401, 4403, 4408, 4409, 4429, 4500). */
export const WsCloseCode = {
  /** A message larger than MAX_REQUEST_BYTES (RFC 6455 "Message Too Big", sent by ws). */
  MESSAGE_TOO_BIG: 1009,
  /** The client did not read fast enough: reconnect and catch up with riskAlerts(after:). */
  SLOW_CONSUMER: 4008,
  /** The key (or address) already holds WS_MAX_SOCKETS_PER_CLIENT sockets. */
  TOO_MANY_SOCKETS: 4029,
  /** No role: an unknown key, or no key where requests without one may do nothing. */
  FORBIDDEN: 4403,
} as const;

export interface GateOptions {
  path: string;
  corsOrigins: readonly string[];
  maxSockets: number;
  maxSocketsPerClient: number;
}

/** Why an upgrade is refused, as an HTTP status and a one-line reason; null lets it through. */
export function refuseUpgrade(
  req: http.IncomingMessage,
  openSockets: number,
  options: GateOptions,
): { status: number; reason: string } | null {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path !== options.path) return { status: 404, reason: `No WebSocket endpoint at ${path}` };
  if (!originAllowed(req.headers.origin, req.headers.host, options.corsOrigins)) {
    return { status: 403, reason: 'This origin may not open a WebSocket here (see CORS_ORIGINS)' };
  }
  if (openSockets >= options.maxSockets) {
    return {
      status: 503,
      reason: `The server holds its maximum of ${options.maxSockets} WebSockets`,
    };
  }
  return null;
}

/**
 * A browser always sends Origin with a WebSocket handshake and a page may open one to any host, so a
 * page on another site must be refused unless listed. Clients that are not browsers send no Origin.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Answer a refused upgrade with a plain HTTP response and drop the connection. */
export function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ errors: [{ message: reason }] });
  socket.end(
    `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${status === 503 ? 'Retry-After: 5\r\n' : ''}\r\n${body}`,
  );
}

function reasonPhrase(status: number): string {
  return (
    { 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Bad Request'
  );
}

/** Sockets per client identity (a key's id, or `addr:<ip>` without a key). */
export class ClientSockets {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Take a slot for `client`; false when it holds the maximum already. */
  acquire(client: string): boolean {
    const n = this.counts.get(client) ?? 0;
    if (n >= this.max) return false;
    this.counts.set(client, n + 1);
    return true;
  }

  release(client: string): void {
    const n = (this.counts.get(client) ?? 1) - 1;
    if (n <= 0) this.counts.delete(client);
    else this.counts.set(client, n);
  }
}
