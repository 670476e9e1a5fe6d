/**
 * The live path against real PostgreSQL over a real ws client: ingest → rescore → riskUpdated and
 * riskAlertRaised with their payloads and server-side filters; persisted alerts and catching up with
 * riskAlerts(after:); the outbox; no listener left behind after many connect/disconnect cycles.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../../src/app/start-app';
import { abandonedViews, createTitle, createUser, viewEvent } from '../factories';
import { installFixtureModel } from '../factories/fixture-model';
import { ALERTS_PAGE, RECORD_VIEWS } from '../support/documents';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp, wsClient, wsExecute, wsSubscribe } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const UPDATES = `subscription($userIds: [ID!], $min: Float) {
  riskUpdated(userIds: $userIds, minProbability: $min) {
    userId scoreId probability previousProbability riskLevel previousRiskLevel modelVersion scoredAt
    cause { id clientEventId completion title { name } }
    user { id }
  }
}`;
const ALERTS = `subscription($min: RiskLevel) {
  riskAlertRaised(minLevel: $min) {
    id cursor userId reason probability previousProbability riskLevel previousRiskLevel modelVersion
    raisedAt scoredAt cause { clientEventId }
  }
}`;

let db: TestDatabase;
let app: App;
let version: string;
let titleId: string;
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-live-'));

const daysAgo = (d: number) => new Date(Date.now() - d * 86400_000);

/** A subscriber of 10 days with a baseline batch score (LOW under the fixture model). */
async function scoredUser(): Promise<string> {
  const id = (await createUser(db.dataSource, { signupAt: daysAgo(10) })).id;
  await app.services.scoring.scoreUsers([id]);
  return id;
}

const view = (userId: string, completion: number) =>
  viewEvent(userId, titleId, completion, { tag: 'live' });
const abandon = (userId: string) => abandonedViews(userId, titleId, undefined, { tag: 'live' });

/**
 * Wait until the server has attached the `listeners` its subscriptions need (graphql-ws registers
 * them after the subscribe message, asynchronously) and the outbox is drained, so what a test sends
 * next is the only thing its subscribers can receive.
 */
async function settle(client: ReturnType<typeof wsClient>, listeners: number): Promise<void> {
  await wsExecute(client, '{ __typename }');
  await waitFor(() => app.pubSub.listenerCount() >= listeners, {
    what: `${listeners} pubsub listeners (${app.pubSub.listenerCount()} attached)`,
  });
  await waitFor(async () => (await app.services.rescoring.backlog()) === 0, {
    what: 'an empty score outbox',
  });
}

/** Wait until a closed client's subscriptions have released their listeners. */
async function released(listeners: number): Promise<void> {
  await waitFor(() => app.pubSub.listenerCount() === listeners, {
    what: `the listener count to fall back to ${listeners}`,
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db.url, { MODEL_DIR: modelDir, LOG_LEVEL: 'error' });
  titleId = (await createTitle(db.dataSource, { name: 'Harbor Lights', runtimeMinutes: 100 })).id;
  version = await installFixtureModel(app.services);
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  fs.rmSync(modelDir, { recursive: true, force: true });
});

describe('live rescoring', () => {
  it('rescores at once: the mutation returns the new scores and appends them with their cause', async () => {
    const alice = await scoredUser();
    const events = abandon(alice);
    const res = await gql(app.url, RECORD_VIEWS, { events });
    expect(res.errors).toBeUndefined();
    const [score] = res.data!.recordViewingEvents.scores;
    expect(score).toMatchObject({ userId: alice, modelVersion: version, riskLevel: 'CRITICAL' });
    const rows = await db.dataSource.query(
      `SELECT s.cause_event_id::text AS cause, e.client_event_id AS client
         FROM churn_scores s LEFT JOIN viewing_events e ON e.id = s.cause_event_id
        WHERE s.user_id = $1 ORDER BY s.id`,
      [alice],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0].cause).toBeNull(); // the batch baseline
    expect(rows[1].client).toBe(events[2].clientEventId); // the latest event of the batch
    expect(await app.services.rescoring.backlog()).toBe(0);
  });

  it('pushes riskUpdated and riskAlertRaised with full payloads, filtered on the server', async () => {
    const alice = await scoredUser();
    const bob = await scoredUser();
    const before = app.pubSub.listenerCount();
    const client = wsClient(app.url);
    try {
      const aliceOnly = wsSubscribe(client, UPDATES, { userIds: [alice] });
      const risky = wsSubscribe(client, UPDATES, { min: 0.5 });
      const everyone = wsSubscribe(client, UPDATES, {});
      const alerts = wsSubscribe(client, ALERTS, { min: 'HIGH' });
      const critical = wsSubscribe(client, ALERTS, { min: 'CRITICAL' });
      await settle(client, before + 5);

      const events = [view(bob, 0.95), ...abandon(alice)];
      const res = await gql(app.url, RECORD_VIEWS, { events });
      expect(res.data!.recordViewingEvents.accepted).toBe(4);

      const [update] = await aliceOnly.next(1);
      expect(update.data!.riskUpdated).toMatchObject({
        userId: alice,
        riskLevel: 'CRITICAL',
        previousRiskLevel: 'LOW',
        modelVersion: version,
        cause: {
          clientEventId: events[3].clientEventId,
          completion: 0.08,
          title: { name: 'Harbor Lights' },
        },
        user: { id: alice },
      });
      const u = update.data!.riskUpdated;
      expect(u.probability).toBeGreaterThan(0.5);
      expect(u.previousProbability).toBeLessThan(0.1);
      expect(new Date(u.scoredAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

      const all = await everyone.next(2);
      expect(all.map((p) => p.data!.riskUpdated.userId).sort()).toEqual([alice, bob].sort());
      const [high] = await risky.next(1);
      expect(high.data!.riskUpdated.userId).toBe(alice);

      const [alert] = await alerts.next(1);
      expect(alert.data!.riskAlertRaised).toMatchObject({
        userId: alice,
        reason: 'LEVEL_CROSSED',
        riskLevel: 'CRITICAL',
        previousRiskLevel: 'LOW',
        modelVersion: version,
        cause: { clientEventId: events[3].clientEventId },
      });
      await critical.next(1);

      // Deliberate quiet window: the assertions below are about payloads that must NOT arrive, which
      // no condition can signal. Every payload of this batch was published before the mutation
      // answered and the wanted ones are in, so a leak would land within a few ms on localhost.
      await new Promise((r) => setTimeout(r, 100));
      expect(aliceOnly.received).toHaveLength(1); // bob's update never reached it
      expect(risky.received).toHaveLength(1); // bob stayed below 0.5
      expect(alerts.received).toHaveLength(1); // bob raised no alert

      const stored = await gql(
        app.url,
        `query($u: ID) { riskAlerts(userId: $u) { totalCount edges { node { id reason } } } }`,
        {
          u: alice,
        },
      );
      expect(stored.data!.riskAlerts).toMatchObject({
        totalCount: 1,
        edges: [{ node: { id: alert.data!.riskAlertRaised.id, reason: 'LEVEL_CROSSED' } }],
      });
    } finally {
      await client.dispose();
      await released(before);
    }
  });

  it('lets a client that reconnects catch up on exactly the alerts it missed', async () => {
    const [a, b, c] = [await scoredUser(), await scoredUser(), await scoredUser()];
    const before = app.pubSub.listenerCount();
    const first = wsClient(app.url);
    const sub = wsSubscribe(first, ALERTS, { min: 'HIGH' });
    await settle(first, before + 1);
    await gql(app.url, RECORD_VIEWS, { events: abandon(a) });
    const [seen] = await sub.next(1);
    const cursor = seen.data!.riskAlertRaised.cursor;
    await first.dispose();
    await released(before);

    // While disconnected: two more alerts, in this order.
    await gql(app.url, RECORD_VIEWS, { events: abandon(b) });
    await gql(app.url, RECORD_VIEWS, { events: abandon(c) });

    const again = wsClient(app.url);
    try {
      const missed = await wsExecute(again, ALERTS_PAGE, { after: cursor });
      expect(missed.data!.riskAlerts.edges.map((e: any) => e.node.userId)).toEqual([b, c]);
      // And nothing before the cursor comes back.
      const all = await wsExecute(again, ALERTS_PAGE, {});
      const ids = all.data!.riskAlerts.edges.map((e: any) => Number(e.node.id));
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      const idx = ids.indexOf(Number(seen.data!.riskAlertRaised.id));
      expect(all.data!.riskAlerts.edges.slice(idx + 1).map((e: any) => e.node.userId)).toEqual([
        b,
        c,
      ]);
    } finally {
      await again.dispose();
    }
  });

  it('rejects bad subscription arguments with typed errors', async () => {
    const client = wsClient(app.url);
    try {
      const tooMany = Array.from({ length: 1001 }, (_, i) => String(i + 1));
      for (const [vars, code] of [
        [{ userIds: tooMany }, 'INVALID_ARGUMENT'],
        [{ min: 1.5 }, 'INVALID_ARGUMENT'],
        [{ userIds: ['nope'] }, 'INVALID_ID'],
      ] as const) {
        const sub = wsSubscribe(client, UPDATES, vars);
        const [first] = await sub.next(1).catch(() => [undefined]);
        const got = first?.errors?.[0]?.extensions?.code ?? JSON.stringify(sub.failure);
        expect(String(got)).toContain(code);
      }
      const bad = await gql(app.url, `{ riskAlerts(after: "garbage") { totalCount } }`);
      expect(bad.errors![0].extensions!.code).toBe('INVALID_CURSOR');
      const big = await gql(app.url, `{ riskAlerts(first: 501) { totalCount } }`);
      expect(big.errors![0].extensions!.code).toBe('INVALID_ARGUMENT');
    } finally {
      await client.dispose();
    }
  });

  it('queues events while no model is active and scores them once one is', async () => {
    const user = await scoredUser();
    await db.dataSource.query('UPDATE model_versions SET active = false');
    app.services.registry.refreshActive();
    const res = await gql(app.url, RECORD_VIEWS, { events: [view(user, 0.9)] });
    expect(res.data!.recordViewingEvents).toMatchObject({ accepted: 1, scores: [] });
    expect(await app.services.rescoring.backlog()).toBe(1);
    await app.services.registry.activate(version);
    expect(await app.services.rescoring.drainAll()).toBe(1);
    const [{ n }] = await db.dataSource.query(
      'SELECT count(*)::int AS n FROM churn_scores WHERE user_id = $1 AND cause_event_id IS NOT NULL',
      [user],
    );
    expect(n).toBe(1);
  });

  it('releases every listener when clients unsubscribe or disconnect', async () => {
    const baseline = app.pubSub.listenerCount();
    for (let round = 0; round < 40; round++) {
      const client = wsClient(app.url);
      const subs = [
        wsSubscribe(client, UPDATES, { userIds: ['1'] }),
        wsSubscribe(client, ALERTS, {}),
        wsSubscribe(client, `subscription { viewingEventRecorded(userId: "1") { id } }`),
      ];
      await settle(client, baseline + 3);
      expect(app.pubSub.listenerCount()).toBe(baseline + 3);
      if (round % 2 === 0) subs.forEach((s) => s.dispose()); // unsubscribe, then close
      await client.dispose(); // or just close the socket
      await released(baseline); // so the next round counts only its own listeners
    }
    await released(baseline);
    expect(app.pubSub.listenerCount()).toBe(baseline);
  });
});
