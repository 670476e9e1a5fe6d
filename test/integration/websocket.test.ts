/** The same API over graphql-ws on the same port and path: queries, mutations, and the live subscription. */
import type { App } from '../../src/app/start-app';
import { createTitle, createUser, viewEvent } from '../factories';
import { RECORD_VIEWS_ACCEPTED } from '../support/documents';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp, wsClient, wsExecute, wsSubscribe } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const SUBSCRIBE = `subscription($userId: ID!) {
  viewingEventRecorded(userId: $userId) { clientEventId userId completion device title { name } }
}`;

let db: TestDatabase;
let app: App;
let alice: string;
let bob: string;
let titleId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db.url);
  alice = (await createUser(db.dataSource)).id;
  bob = (await createUser(db.dataSource)).id;
  titleId = (await createTitle(db.dataSource, { name: 'Northern Lights' })).id;
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

const ev = (userId: string, clientEventId: string) =>
  viewEvent(userId, titleId, 0.25, {
    clientEventId,
    minutesAgo: 120,
    watchedSeconds: 1200,
    device: 'WEB',
  });

describe('graphql-ws', () => {
  it('answers queries and typed errors over ws', async () => {
    const client = wsClient(app.url);
    try {
      const res = await wsExecute(client, `query($id: ID!) { user(id: $id) { id status } }`, {
        id: alice,
      });
      expect(res.data).toEqual({ user: { id: alice, status: 'ACTIVE' } });
      const bad = await wsExecute(client, `{ users(first: 1000) { totalCount } }`);
      expect(bad.errors![0].extensions).toMatchObject({ code: 'INVALID_ARGUMENT' });
    } finally {
      await client.dispose();
    }
  });

  it('pushes viewingEventRecorded to the subscribed user only, after the HTTP mutation commits', async () => {
    const before = app.pubSub.listenerCount();
    const client = wsClient(app.url);
    try {
      const sub = wsSubscribe(client, SUBSCRIBE, { userId: alice });
      // The subscription is registered once its listener is attached.
      await waitFor(() => app.pubSub.listenerCount() > before, {
        what: 'the viewingEventRecorded listener',
      });

      const res = await gql(app.url, RECORD_VIEWS_ACCEPTED, {
        events: [ev(bob, 'ws-bob-1'), ev(alice, 'ws-alice-1'), ev(alice, 'ws-alice-2')],
      });
      expect(res.data!.recordViewingEvents.accepted).toBe(3);
      const payloads = await sub.next(2);
      expect(payloads.map((p) => p.data!.viewingEventRecorded.clientEventId).sort()).toEqual([
        'ws-alice-1',
        'ws-alice-2',
      ]);
      expect(payloads[0].data!.viewingEventRecorded).toMatchObject({
        userId: alice,
        device: 'WEB',
        title: { name: 'Northern Lights' },
      });

      // A re-sent event is a no-op: nothing is pushed again.
      await gql(app.url, RECORD_VIEWS_ACCEPTED, { events: [ev(alice, 'ws-alice-1')] });
      // Deliberate quiet window: nothing must arrive, which no condition can signal. A push would
      // have been published before the mutation answered, so it would land within a few ms.
      await new Promise((r) => setTimeout(r, 100));
      expect(sub.received).toHaveLength(2);
      sub.dispose();
    } finally {
      await client.dispose();
    }
  });

  it('records events through a ws mutation too', async () => {
    const client = wsClient(app.url);
    try {
      const res = await wsExecute(client, RECORD_VIEWS_ACCEPTED, { events: [ev(bob, 'ws-bob-2')] });
      expect(res.data).toEqual({ recordViewingEvents: { accepted: 1 } });
      const bad = await wsExecute(client, RECORD_VIEWS_ACCEPTED, {
        events: [{ ...ev(bob, 'ws-bob-3'), completion: 3 }],
      });
      expect(bad.errors![0].extensions).toMatchObject({ code: 'INVALID_VIEWING_EVENTS' });
    } finally {
      await client.dispose();
    }
  });

  it('rejects a subscription for a malformed user id with a typed error', async () => {
    const client = wsClient(app.url);
    try {
      const sub = wsSubscribe(client, SUBSCRIBE, { userId: 'nope' });
      const [first] = await sub.next(1).catch(() => [undefined]);
      const failure = first?.errors?.[0]?.extensions?.code ?? JSON.stringify(sub.failure);
      expect(String(failure)).toMatch(/INVALID_ID/);
    } finally {
      await client.dispose();
    }
  });
});
