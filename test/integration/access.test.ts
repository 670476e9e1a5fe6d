/**
 * Access control and operation limits on both transports: every role allowed and refused over HTTP and
 * over graphql-ws (connectionParams, and the per-message headers GraphiQL sends), unknown keys,
 * graphql-armor depth/alias/token limits, the per-socket subscription cap, and malformed ws messages
 * closing with the protocol's codes while the server stays up.
 */
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import type { App } from '../../src/app/start-app';
import { createTitle, createUser, viewEvent } from '../factories';
import {
  ALERT_IDS_RAISED,
  RECORD_VIEWS_ACCEPTED,
  TRAIN_REFUSED,
  USERS_COUNT,
} from '../support/documents';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp, wsClient, wsExecute, wsSubscribe } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const KEYS = {
  reader: 'reader-key-000000000001',
  ingest: 'ingest-key-000000000002',
  analyst: 'analyst-key-00000000003',
  admin: 'admin-key-0000000000004',
} as const;
type RoleName = keyof typeof KEYS;
const sha = (k: string) => createHash('sha256').update(k).digest('hex');

let db: TestDatabase;
let app: App;
let userId: string;
let titleId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db.url, {
    // The admin key is configured by its digest: the plaintext never appears in the environment.
    API_KEYS: `reader:${KEYS.reader},ingest:${KEYS.ingest},analyst:${KEYS.analyst},admin:sha256:${sha(KEYS.admin)}`,
    DEFAULT_ROLE: 'none',
    MAX_SUBSCRIPTIONS_PER_SOCKET: '3',
  });
  userId = (await createUser(db.dataSource, { signupAt: new Date(Date.now() - 30 * 86400_000) }))
    .id;
  titleId = (await createTitle(db.dataSource)).id;
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

const event = () =>
  viewEvent(userId, titleId, 0.2, { tag: 'access', watchedSeconds: 600, device: 'WEB' });

/** One operation per permission level; `ok` tells an allowed result from a refused one. */
const OPERATIONS = {
  read: {
    query: USERS_COUNT,
    variables: () => ({}),
    allowed: ['reader', 'analyst', 'admin'] as RoleName[],
  },
  ingest: {
    query: RECORD_VIEWS_ACCEPTED,
    variables: () => ({ events: [event()] }),
    allowed: ['ingest', 'admin'] as RoleName[],
  },
  // maxEpochs: 0 is refused by the resolver's validation, after the role check: nothing starts.
  train: {
    query: TRAIN_REFUSED,
    variables: () => ({}),
    allowed: ['analyst', 'admin'] as RoleName[],
  },
};

const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) =>
  res.errors?.[0]?.extensions?.code;
const accessCodes = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

describe('roles over HTTP', () => {
  for (const [name, op] of Object.entries(OPERATIONS)) {
    it(`${name}: allowed for ${op.allowed.join(', ')}; refused for the rest and without a key`, async () => {
      for (const role of [null, ...Object.keys(KEYS)] as (RoleName | null)[]) {
        const headers: Record<string, string> = role
          ? { authorization: `Bearer ${KEYS[role]}` }
          : {};
        const res = await gql(app.url, op.query, op.variables(), headers);
        const code = codeOf(res);
        if (role && op.allowed.includes(role)) {
          expect({ role, refused: accessCodes.has(code ?? '') }).toEqual({ role, refused: false });
        } else {
          expect({ role, code, status: res.status }).toEqual({
            role,
            code: role ? 'FORBIDDEN' : 'UNAUTHENTICATED',
            status: role ? 403 : 401,
          });
        }
      }
    });
  }

  it('refuses an unknown key with 401 UNAUTHENTICATED and writes nothing', async () => {
    const [{ n: before }] = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM viewing_events',
    );
    const res = await gql(app.url, OPERATIONS.ingest.query, OPERATIONS.ingest.variables(), {
      authorization: 'Bearer not-a-configured-key-at-all',
    });
    expect(res.status).toBe(401);
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    const [{ n: after }] = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM viewing_events',
    );
    expect(after).toBe(before);
  });

  it('names the refused fields and the role', async () => {
    const res = await gql(app.url, USERS_COUNT, {}, { authorization: KEYS.ingest });
    expect(res.errors![0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      category: 'FORBIDDEN',
      role: 'ingest',
      fields: ['users'],
    });
  });

  it('keeps introspection public (GraphiQL loads the schema before a key is typed)', async () => {
    const res = await gql(app.url, '{ __schema { queryType { name } } }');
    expect(res.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('roles over graphql-ws', () => {
  for (const [name, op] of Object.entries(OPERATIONS)) {
    it(`${name}: connectionParams decide, per-message headers override`, async () => {
      for (const role of [null, ...Object.keys(KEYS)] as (RoleName | null)[]) {
        const client = wsClient(app.url, role ? { Authorization: `Bearer ${KEYS[role]}` } : {});
        try {
          const res = await wsExecute(client, op.query, op.variables()).catch((failure) => ({
            status: 0,
            // Without a key (and DEFAULT_ROLE=none) connection_init itself is refused with 4403.
            closeCode: (failure as { code?: number }).code,
            errors: (Array.isArray(failure) ? failure : []) as { extensions?: { code?: string } }[],
          }));
          const code = codeOf(res);
          if (role === null) expect((res as { closeCode?: number }).closeCode).toBe(4403);
          else if (op.allowed.includes(role))
            expect({ role, code: accessCodes.has(code ?? '') }).toEqual({ role, code: false });
          else expect({ role, code }).toEqual({ role, code: 'FORBIDDEN' });
        } finally {
          await client.dispose();
        }
      }
      // GraphiQL: a connection with the reader key, the admin key in the subscribe message's
      // extensions.headers, which applies to that operation.
      const client = wsClient(app.url, { Authorization: KEYS.reader });
      try {
        const admin = await new Promise<any>((resolve, reject) => {
          let result: unknown;
          client.subscribe(
            {
              query: op.query,
              variables: op.variables(),
              extensions: { headers: { Authorization: `Bearer ${KEYS.admin}` } },
            },
            { next: (v) => (result = v), error: reject, complete: () => resolve(result) },
          );
        });
        expect(accessCodes.has(codeOf(admin) ?? '')).toBe(false);
      } finally {
        await client.dispose();
      }
    });
  }

  it('refuses subscriptions by role at subscribe time', async () => {
    const ingest = wsClient(app.url, { Authorization: KEYS.ingest });
    const reader = wsClient(app.url, { authorization: `Bearer ${KEYS.reader}` });
    try {
      const refused = wsSubscribe(ingest, ALERT_IDS_RAISED);
      await waitFor(() => refused.failure !== undefined, {
        what: 'the refused subscription to fail',
      });
      expect(refused.received).toEqual([]);
      expect(JSON.stringify(refused.failure)).toContain('FORBIDDEN');
      const allowed = wsSubscribe(reader, ALERT_IDS_RAISED);
      await wsExecute(reader, '{ __typename }');
      expect(allowed.failure).toBeUndefined();
      allowed.dispose();
    } finally {
      await Promise.all([ingest.dispose(), reader.dispose()]);
    }
  });

  it('closes a socket whose connectionParams carry an unknown key with 4403', async () => {
    const close = await rawSocket(async (ws) => {
      ws.send(
        JSON.stringify({
          type: 'connection_init',
          payload: { Authorization: 'Bearer wrong-key-0000000000' },
        }),
      );
    });
    expect(close.code).toBe(4403);
  });

  it('caps subscriptions per socket and frees a slot when one completes', async () => {
    // Each riskAlertRaised subscription holds one PubSub listener from its start to its end (the
    // socket's slot is released as its iterator ends), so the listener count tells the open ones.
    const before = app.pubSub.listenerCount();
    const open = (n: number, what: string) =>
      waitFor(() => app.pubSub.listenerCount() === before + n, { what });
    const client = wsClient(app.url, { Authorization: KEYS.reader });
    try {
      const subs = [1, 2, 3].map(() => wsSubscribe(client, ALERT_IDS_RAISED));
      await wsExecute(client, '{ __typename }');
      await open(3, 'three open subscriptions on the socket');
      const fourth = wsSubscribe(client, ALERT_IDS_RAISED);
      await waitFor(() => fourth.failure !== undefined, {
        what: 'the fourth subscription to fail',
      });
      expect(fourth.received).toEqual([]);
      expect(JSON.stringify(fourth.failure)).toContain('TOO_MANY_SUBSCRIPTIONS');
      subs[0].dispose();
      await open(2, 'the completed subscription to free its slot');
      const again = wsSubscribe(client, ALERT_IDS_RAISED);
      await wsExecute(client, '{ __typename }');
      await open(3, 'the new subscription to take the freed slot');
      expect(again.failure).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });
});

describe('operation limits on both transports', () => {
  /** `levels` selections below user(id:), alternating recentEvents and user. */
  const deep = (levels: number) => {
    let inner = 'id';
    for (let i = levels - 1; i >= 0; i--) {
      inner = i % 2 === 0 ? `recentEvents(first: 1) { ${inner} }` : `user { ${inner} }`;
    }
    return `{ user(id: "1") { ${inner} } }`;
  };
  const aliased = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: users(first: 1) { totalCount }`).join(' ')} }`;
  const many = `{ users(first: 1) { ${Array.from({ length: 6000 }, () => 'totalCount').join(' ')} } }`;
  const cases: [string, string, RegExp][] = [
    ['over-deep', deep(14), /depth limit/i],
    ['over-aliased', aliased, /aliases limit/i],
    ['over-long', many, /token limit of 5000 exceeded/i],
    ['unparsable', '{ users(first: 1) { totalCount }', /Syntax Error/],
  ];
  for (const [name, query, message] of cases) {
    it(`rejects an ${name} operation over HTTP and ws alike`, async () => {
      const http = await gql(app.url, query, {}, { authorization: KEYS.admin });
      expect(http.data).toBeUndefined();
      expect(http.errors![0].message).toMatch(message);
      const client = wsClient(app.url, { Authorization: KEYS.admin });
      try {
        const ws = await wsExecute(client, query).catch((errors) => ({ status: 0, errors }));
        expect((ws as any).data).toBeUndefined();
        expect((ws as any).errors[0].message).toMatch(message);
        expect(codeOf(ws as any)).toBe(codeOf(http));
      } finally {
        await client.dispose();
      }
    });
  }

  it('accepts an operation within the limits', async () => {
    const res = await gql(app.url, deep(6), {}, { authorization: KEYS.reader });
    expect(res.errors).toBeUndefined();
  });
});

/** A raw graphql-transport-ws socket: run `script`, resolve with how the server closed it. */
function rawSocket(
  script: (ws: WebSocket) => Promise<void>,
  protocol = 'graphql-transport-ws',
): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/graphql`, protocol);
    const timer = setTimeout(() => reject(new Error('the server did not close the socket')), 5000);
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
    ws.on('error', () => undefined);
    ws.on('open', () => void script(ws).catch(reject));
  });
}

const ack = (ws: WebSocket) =>
  new Promise<void>((resolve) => {
    ws.once('message', () => resolve());
    ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: KEYS.reader } }));
  });

describe('malformed ws messages', () => {
  it('closes each with the protocol code and keeps serving', async () => {
    const sub = (id: string) =>
      JSON.stringify({
        type: 'subscribe',
        id,
        payload: { query: ALERT_IDS_RAISED },
      });
    const cases: [string, (ws: WebSocket) => Promise<void>, number, string?][] = [
      ['not JSON', async (ws) => ws.send('{this is not json'), 4400],
      ['an unknown message type', async (ws) => ws.send(JSON.stringify({ type: 'hello' })), 4400],
      ['subscribe before connection_init', async (ws) => ws.send(sub('1')), 4401],
      [
        'connection_init twice',
        async (ws) => {
          await ack(ws);
          ws.send(JSON.stringify({ type: 'connection_init' }));
        },
        4429,
      ],
      [
        'a subscribe without a query',
        async (ws) => {
          await ack(ws);
          ws.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { variables: {} } }));
        },
        4400,
      ],
      [
        'a duplicate subscription id',
        async (ws) => {
          await ack(ws);
          ws.send(sub('same'));
          ws.send(sub('same'));
        },
        4409,
      ],
    ];
    for (const [name, script, code] of cases) {
      const closed = await rawSocket(script);
      expect({ name, code: closed.code }).toEqual({ name, code });
    }
    // The legacy subscriptions-transport-ws protocol is refused at the handshake (no subprotocol
    // agreed, so the client aborts) or with 4406.
    const wrongProtocol = await rawSocket(async () => undefined, 'graphql-ws');
    expect([1006, 4406]).toContain(wrongProtocol.code);

    const health = await (await fetch(`${app.url}/healthz`)).json();
    expect(health.status).toBe('ok');
    const client = wsClient(app.url, { Authorization: KEYS.reader });
    try {
      expect((await wsExecute(client, '{ __typename }')).data).toEqual({ __typename: 'Query' });
    } finally {
      await client.dispose();
    }
  });
});
