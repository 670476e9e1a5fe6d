/** /healthz, GraphiQL served offline, the schema artifact, and graceful shutdown. */
import fs from 'node:fs';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { App } from '../../src/app/start-app';
import { createAppPubSub } from '../../src/pubsub/pubsub';
import { buildAppSchema, printAppSchema } from '../../src/server/schema';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

let db: TestDatabase;
let app: App;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db.url);
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

describe('HTTP surface', () => {
  it('reports database status on /healthz', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: { status: 'up' } });
  });

  it('serves GraphiQL at /graphiql with every script and style inline (no external URL), wired to ws', async () => {
    const res = await fetch(`${app.url}/graphiql`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    // Nothing the page loads may come from elsewhere: no src/href to another host, no CSS url()/@import to one.
    const loads = [
      ...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)["']/gi),
      ...html.matchAll(/@import\s+(?:url\()?["']?([^"')\s;]+)/gi),
      ...html.matchAll(/url\(\s*["']?(https?:\/\/[^"')\s]+)/gi),
    ].map((m) => m[1]);
    const external = loads.filter((u) => /^(https?:)?\/\//i.test(u));
    expect(external).toEqual([]);
    expect(html).toContain('graphqlWs.createClient');
    expect(html).toContain("endpoint = '/graphql'");
  });

  it('sends a browser that opens /graphql to the IDE and does not serve Apollo’s CDN landing page', async () => {
    const res = await fetch(`${app.url}/graphql`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/graphiql');
  });

  it('keeps schema.graphql in step with the code (run `npm run schema` after changing the API)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
    const generated = printAppSchema(await buildAppSchema(createAppPubSub()));
    expect(committed).toBe(generated);
  });
});

describe('graceful shutdown', () => {
  it('drains: closes ws sockets with 1001 and stops accepting HTTP', async () => {
    const other = await createTestDatabase();
    const victim = await startTestApp(other.url);
    const closed = new Promise<number>((resolve) => {
      const client = createClient({
        url: `${victim.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        on: { closed: (e) => resolve((e as { code: number }).code) },
      });
      client.subscribe(
        { query: 'subscription { viewingEventRecorded(userId: "1") { id } }' },
        { next() {}, error() {}, complete() {} },
      );
    });
    await waitFor(() => victim.pubSub.listenerCount() > 0, { what: "the victim's subscription" });
    await victim.stop();
    expect(await closed).toBe(1001);
    await expect(fetch(`${victim.url}/healthz`)).rejects.toThrow();
    await other.drop();
  });
});
