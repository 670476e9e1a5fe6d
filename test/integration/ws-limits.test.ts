/**
 * WebSocket limits: message size (the HTTP body limit), no socket without a role, sockets per key and
 * per address and in total, keep-alive pings that end dead sockets, a bounded queue per subscription
 * that cuts a client which stops reading (4008) and releases its backlog, and the Origin allow-list.
 */
import WebSocket from 'ws';
import type { App } from '../../src/app/start-app';
import { Device } from '../../src/modules/events/viewing-event.entity';
import { EventTopic } from '../../src/modules/events/event.topics';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const KEYS = {
  a: 'reader-key-aaaaaaaaaaaa',
  b: 'reader-key-bbbbbbbbbbbb',
  c: 'reader-key-cccccccccccc',
};

let db: TestDatabase;
let app: App;
const open: WebSocket[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db.url, {
    API_KEYS: Object.values(KEYS)
      .map((k) => `reader:${k}`)
      .join(','),
    DEFAULT_ROLE: 'none',
    MAX_REQUEST_BYTES: '65536',
    WS_MAX_SOCKETS: '12',
    WS_MAX_SOCKETS_PER_CLIENT: '5',
    WS_KEEPALIVE_MS: '150',
    WS_SUBSCRIPTION_QUEUE: '5',
    CORS_ORIGINS: 'https://console.example.com',
  });
});

afterEach(async () => {
  for (const ws of open.splice(0)) ws.terminate();
  await waitFor(() => app.server.socketCount() === 0, {
    what: 'every socket closed',
    timeoutMs: 5000,
  });
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

type Outcome =
  | { kind: 'acked'; ws: WebSocket }
  | { kind: 'closed'; code: number }
  | { kind: 'refused'; status: number };

/** Open a graphql-transport-ws socket and send connection_init; how did the server answer? */
function connect(
  payload: Record<string, unknown> = {},
  options: WebSocket.ClientOptions = {},
  baseUrl = app.url,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(
      `${baseUrl.replace(/^http/, 'ws')}/graphql`,
      'graphql-transport-ws',
      options,
    );
    open.push(ws);
    ws.on('unexpected-response', (_req, res) =>
      resolve({ kind: 'refused', status: res.statusCode ?? 0 }),
    );
    ws.on('error', () => undefined);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload })));
    ws.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve({ kind: 'acked', ws });
    });
    ws.on('close', (code) => resolve({ kind: 'closed', code }));
  });
}

const closeOf = (ws: WebSocket) =>
  new Promise<number>((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve(-1);
    ws.on('close', (code) => resolve(code));
  });

describe('WebSocket limits', () => {
  it('closes a socket whose message is larger than MAX_REQUEST_BYTES with 1009, and keeps serving', async () => {
    const outcome = await connect({ Authorization: KEYS.a });
    if (outcome.kind !== 'acked') throw new Error(`not acknowledged: ${JSON.stringify(outcome)}`);
    const closed = closeOf(outcome.ws);
    const printed = jest.spyOn(console, 'error');
    const query = `{ __typename ${' '.repeat(70_000)} }`;
    outcome.ws.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query } }));
    expect(await closed).toBe(1009);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    // A client's mistake: no stack printed as if the server had failed.
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
  });

  it('refuses connection_init with 4403 when the caller has no role', async () => {
    expect(await connect({})).toEqual({ kind: 'closed', code: 4403 });
    expect(await connect({ Authorization: 'Bearer not-a-key-0000000000' })).toEqual({
      kind: 'closed',
      code: 4403,
    });
  });

  it('caps a flood from one key at WS_MAX_SOCKETS_PER_CLIENT (4029) and the total at WS_MAX_SOCKETS (503)', async () => {
    const flood = await Promise.all(
      Array.from({ length: 40 }, () => connect({ Authorization: KEYS.a })),
    );
    expect(flood.filter((o) => o.kind === 'acked')).toHaveLength(5);
    expect(
      flood.filter((o) => o.kind === 'closed').map((o) => (o as { code: number }).code),
    ).toEqual(Array(35).fill(4029));
    await waitFor(() => app.server.socketCount() === 5, {
      what: 'the refused sockets to close',
      timeoutMs: 5000,
    });
    // Another key has its own allowance, up to the total of 12 sockets.
    const b = await Promise.all(
      Array.from({ length: 5 }, () => connect({ Authorization: KEYS.b })),
    );
    expect(b.every((o) => o.kind === 'acked')).toBe(true);
    const c: Outcome[] = [];
    for (let i = 0; i < 4; i++) c.push(await connect({ Authorization: KEYS.c }));
    expect(c.map((o) => (o.kind === 'refused' ? o.status : o.kind))).toEqual([
      'acked',
      'acked',
      503,
      503,
    ]);
  });

  it('pings every WS_KEEPALIVE_MS and terminates a socket that stops answering', async () => {
    const alive = await connect({ Authorization: KEYS.a });
    const dead = await connect({ Authorization: KEYS.b }, { autoPong: false });
    if (alive.kind !== 'acked' || dead.kind !== 'acked') throw new Error('not acknowledged');
    let pings = 0;
    alive.ws.on('ping', () => (pings += 1));
    const deadClosed = closeOf(dead.ws);
    expect(await deadClosed).toBe(1006); // terminated: no closing handshake
    await waitFor(() => pings >= 4, { what: 'four pings to the live socket', timeoutMs: 5000 });
    expect(alive.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('cuts a subscriber that stops reading with 4008 and releases its backlog', async () => {
    // Its own service without keep-alive pings: a paused client would otherwise be terminated
    // (1006) by the next unanswered ping before it could read the 4008.
    const quiet = await startTestApp(db.url, {
      API_KEYS: `reader:${KEYS.a}`,
      WS_KEEPALIVE_MS: '0',
      WS_SUBSCRIPTION_QUEUE: '5',
    });
    try {
      const outcome = await connect({ Authorization: KEYS.a }, {}, quiet.url);
      if (outcome.kind !== 'acked') throw new Error('not acknowledged');
      const ws = outcome.ws;
      const listenersBefore = quiet.pubSub.listenerCount();
      ws.send(
        JSON.stringify({
          type: 'subscribe',
          id: 's',
          payload: {
            query:
              'subscription { viewingEventRecorded(userId: "7") { clientEventId completion device } }',
          },
        }),
      );
      await waitFor(() => quiet.pubSub.listenerCount() === listenersBefore + 1, {
        what: 'the subscription',
        timeoutMs: 5000,
      });
      // The client stops reading: its socket buffers fill, then the subscription's queue.
      (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
      const closed = closeOf(ws);
      const payload = (i: number) => ({
        id: String(i),
        clientEventId: `slow-${i}-${'x'.repeat(4000)}`,
        userId: '7',
        titleId: '1',
        startedAt: new Date().toISOString(),
        watchedSeconds: 60,
        completion: 0.5,
        device: Device.WEB,
        rating: null,
        ingestedAt: new Date().toISOString(),
      });
      let sent = 0;
      // Published a tick at a time, as a live feed would; stop once the server has let go.
      while (quiet.pubSub.listenerCount() > listenersBefore && sent < 200_000) {
        for (let i = 0; i < 200; i++)
          quiet.pubSub.publish(EventTopic.VIEWING_EVENT_RECORDED, '7', payload(sent++));
        await new Promise((r) => setImmediate(r));
      }
      expect(quiet.pubSub.listenerCount()).toBe(listenersBefore);
      (ws as unknown as { _socket: { resume(): void } })._socket.resume();
      expect(await closed).toBe(4008);
    } finally {
      await quiet.stop();
    }
  });

  it('accepts a burst to a subscriber that reads, beyond the queue size', async () => {
    const outcome = await connect({ Authorization: KEYS.a });
    if (outcome.kind !== 'acked') throw new Error('not acknowledged');
    let received = 0;
    outcome.ws.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'next') received += 1;
    });
    const before = app.pubSub.listenerCount();
    outcome.ws.send(
      JSON.stringify({
        type: 'subscribe',
        id: 'burst',
        payload: { query: 'subscription { viewingEventRecorded(userId: "8") { clientEventId } }' },
      }),
    );
    await waitFor(() => app.pubSub.listenerCount() === before + 1, {
      what: 'the subscription',
      timeoutMs: 5000,
    });
    for (let i = 0; i < 2000; i++) {
      app.pubSub.publish(EventTopic.VIEWING_EVENT_RECORDED, '8', {
        id: String(i),
        clientEventId: `burst-${i}`,
        userId: '8',
        titleId: '1',
        startedAt: new Date().toISOString(),
        watchedSeconds: 60,
        completion: 0.5,
        device: Device.WEB,
        rating: null,
        ingestedAt: new Date().toISOString(),
      });
    }
    await waitFor(() => received === 2000, { what: 'all 2,000 results', timeoutMs: 5000 });
    expect(outcome.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses a WebSocket from a page on another origin unless CORS_ORIGINS lists it', async () => {
    const page = (origin: string) => connect({ Authorization: KEYS.a }, { origin });
    expect(await page('https://evil.example.net')).toEqual({ kind: 'refused', status: 403 });
    expect((await page('https://console.example.com')).kind).toBe('acked');
    expect((await page(app.url)).kind).toBe('acked'); // the service's own pages
    expect((await connect({ Authorization: KEYS.a })).kind).toBe('acked'); // not a browser
  });
});
