/**
 * What the service exposes, and to whom: production turns introspection, GraphiQL and the dashboard
 * off (env vars turn them back on) and hides field suggestions; development shows suggestions;
 * responses are compressed; browsers on CORS_ORIGINS may call the API, others are refused; /playground
 * leads to GraphiQL, whose page opens with a query, a mutation and a subscription tab that all
 * validate against the schema, and stays well under 2 MB compressed.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { parse, validate } from 'graphql';
import type { App } from '../../src/app/start-app';
import { createAppPubSub } from '../../src/pubsub/pubsub';
import { GRAPHIQL_TABS } from '../../src/server/graphiql';
import { buildAppSchema } from '../../src/server/schema';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp, wsClient, wsExecute } from '../support/test-app';

const KEY = 'reader-key-surface-0001';
const INTROSPECTION = '{ __schema { queryType { name } } }';
const TYPO = '{ users(first: 1) { totalCont } }';

let db: TestDatabase;
let dev: App;
let prod: App;
let prodOpen: App;

beforeAll(async () => {
  db = await createTestDatabase();
  dev = await startTestApp(db.url, { CORS_ORIGINS: 'https://console.example.com' });
  prod = await startTestApp(db.url, { NODE_ENV: 'production', API_KEYS: `reader:${KEY}` });
  prodOpen = await startTestApp(db.url, {
    NODE_ENV: 'production',
    API_KEYS: `reader:${KEY}`,
    ENABLE_INTROSPECTION: 'true',
    ENABLE_GRAPHIQL: 'true',
    ENABLE_DASHBOARD: 'true',
  });
});

afterAll(async () => {
  await Promise.all([dev, prod, prodOpen].map((a) => a?.stop()));
  await db?.drop();
});

const auth = { authorization: `Bearer ${KEY}` };
const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) =>
  res.errors?.[0]?.extensions?.code;

/** Raw bytes on the wire (no automatic decompression) and the response headers. */
function rawGet(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number }>(
    (resolve, reject) => {
      http
        .get(url, { headers }, (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }),
          );
        })
        .on('error', reject);
    },
  );
}

describe('production posture', () => {
  it('serves no GraphiQL, playground or dashboard in production unless enabled', async () => {
    for (const path of ['/graphiql', '/playground', '/dashboard']) {
      const off = await fetch(`${prod.url}${path}`, { redirect: 'manual' });
      expect({ path, status: off.status }).toEqual({ path, status: 404 });
      const on = await fetch(`${prodOpen.url}${path}`);
      expect({ path, status: on.status }).toEqual({ path, status: 200 });
    }
  });

  it('refuses introspection in production on both transports unless enabled', async () => {
    const http = await gql(prod.url, INTROSPECTION, {}, auth);
    expect(codeOf(http)).toBe('GRAPHQL_VALIDATION_FAILED');
    const client = wsClient(prod.url, { Authorization: KEY });
    try {
      const ws = await wsExecute(client, INTROSPECTION).catch((errors) => ({ status: 0, errors }));
      expect(codeOf(ws as never)).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await client.dispose();
    }
    const open = await gql(prodOpen.url, INTROSPECTION, {}, auth);
    expect(open.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('hides field suggestions in production and shows them in development', async () => {
    const hidden = await gql(prod.url, TYPO, {}, auth);
    expect(hidden.errors![0].message).not.toMatch(/Did you mean/);
    const shown = await gql(dev.url, TYPO);
    expect(shown.errors![0].message).toMatch(/Did you mean "totalCount"\?/);
  });

  it('compresses responses', async () => {
    const page = await rawGet(`${dev.url}/graphiql`, { 'accept-encoding': 'gzip' });
    expect(page.headers['content-encoding']).toBe('gzip');
    const res = await fetch(`${dev.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: JSON.stringify({ query: '{ __schema { types { name description } } }' }),
    });
    expect(res.headers.get('content-encoding')).toBe('gzip');
  });

  it('compresses /graphql answers of 1 KB or more for clients that accept an encoding', async () => {
    const post = (query: string, headers: Record<string, string>) =>
      new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const body = JSON.stringify({ query });
        const req = http.request(
          `${dev.url}/graphql`,
          { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const large = '{ __schema { types { name description } } }';
    const plain = await post(large, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
    expect(plain.headers.vary).toMatch(/Origin/);
    expect(plain.headers.vary).toMatch(/Accept-Encoding/);
    for (const [accept, encoding, decode] of [
      ['gzip', 'gzip', zlib.gunzipSync],
      ['br;q=1, gzip;q=0.5', 'br', zlib.brotliDecompressSync],
      ['deflate', 'deflate', zlib.inflateSync],
    ] as const) {
      const packed = await post(large, { 'accept-encoding': accept });
      expect(packed.headers['content-encoding']).toBe(encoding);
      expect(Number(packed.headers['content-length'])).toBe(packed.body.length);
      expect(packed.body.length).toBeLessThan(plain.body.length / 2);
      expect(decode(packed.body).toString('utf8')).toBe(plain.body.toString('utf8'));
    }
    const small = await post('{ __typename }', { 'accept-encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString('utf8'))).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('for frontend teams', () => {
  it('answers CORS preflights from CORS_ORIGINS and refuses other origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${dev.url}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization',
        },
      });
    const allowed = await preflight('https://console.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const refused = await preflight('https://evil.example.net');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(codeOf(await refused.json())).toBe('ORIGIN_NOT_ALLOWED');

    const post = await fetch(`${dev.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://console.example.com' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBe('https://console.example.com');
  });

  it('sends /playground to GraphiQL', async () => {
    const res = await fetch(`${dev.url}/playground`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/graphiql');
  });

  it('opens GraphiQL on a query, a mutation and a subscription tab that validate against the schema', async () => {
    const html = await (await fetch(`${dev.url}/graphiql`)).text();
    const schema = await buildAppSchema(createAppPubSub());
    const types = GRAPHIQL_TABS.map((doc) => {
      const document = parse(doc);
      expect(validate(schema, document)).toEqual([]);
      expect(html).toContain(JSON.stringify(doc).slice(1, 40));
      return (document.definitions[0] as { operation: string }).operation;
    });
    expect(types).toEqual(['query', 'mutation', 'subscription']);
    expect(html).toContain('defaultTabs');
  });

  it('serves GraphiQL well under 2 MB compressed', async () => {
    const page = await rawGet(`${dev.url}/graphiql`, { 'accept-encoding': 'gzip' });
    expect(page.status).toBe(200);
    expect(page.bytes).toBeLessThan(1024 * 1024);
  });
});
