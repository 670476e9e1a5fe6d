/**
 * Alerts that fire and mean something, against real PostgreSQL over real ws clients: account events in
 * (validation, idempotency, CONFLICT, nothing written on a bad batch, CANCEL closes the alert), risk that
 * rises as the injected clock moves past a quiet subscriber's recency, and the alert lifecycle over
 * GraphQL (one open alert per subscriber, escalation, acknowledge, resolve, RISK_FELL, RETAINED).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../../src/app/start-app';
import { ManualClock } from '../../src/common/clock';
import {
  abandonedViews,
  accountEvent,
  createTitle,
  createUser,
  rowCounts,
  viewEvent,
} from '../factories';
import { installFixtureModel } from '../factories/fixture-model';
import {
  ALERT_CHANGES,
  ALERTS_PAGE,
  ALERTS_RAISED,
  RECORD_ACCOUNT,
  RECORD_VIEWS,
  RISK_UPDATES,
} from '../support/documents';
import { waitFor } from '../support/wait-for';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp, wsClient, wsSubscribe } from '../support/test-app';

const DAY = 86_400_000;
let db: TestDatabase;
let app: App;
let titleId: string;
const clock = new ManualClock();
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-alerts-'));

/** A subscriber of 10 days with a baseline score (LOW under the fixture model). */
async function scoredUser(): Promise<string> {
  const id = (
    await createUser(db.dataSource, { signupAt: new Date(clock.now().getTime() - 10 * DAY) })
  ).id;
  await app.services.scoring.scoreUsers([id]);
  return id;
}

const now = () => clock.now().getTime();

/** Subscriptions are registered once their listeners are attached. */
async function listening(before: number, n: number): Promise<void> {
  await waitFor(() => app.pubSub.listenerCount() >= before + n, { what: `${n} listeners` });
}

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(
    db.url,
    { MODEL_DIR: modelDir, LOG_LEVEL: 'error', RESCORE_INTERVAL_HOURS: '24' },
    { clock },
  );
  titleId = (await createTitle(db.dataSource, { runtimeMinutes: 100 })).id;
  await installFixtureModel(app.services);
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  fs.rmSync(modelDir, { recursive: true, force: true });
});

describe('recordAccountEvents', () => {
  it('stores a batch, updates the accounts, rescores and reports each event', async () => {
    const user = await scoredUser();
    const events = [
      accountEvent(user, 'PAYMENT_FAILED', { minutesAgo: 30, now: now() }),
      accountEvent(user, 'PRICE_CHANGE', { monthlyFee: 17.99, minutesAgo: 20, now: now() }),
      accountEvent(user, 'PLAN_CHANGE', {
        plan: 'PREMIUM',
        monthlyFee: 21.99,
        minutesAgo: 10,
        now: now(),
      }),
    ];
    const res = await gql(app.url, RECORD_ACCOUNT, { events });
    expect(res.errors).toBeUndefined();
    const out = res.data!.recordAccountEvents;
    expect(out).toMatchObject({ accepted: 3, duplicates: 0 });
    expect(out.results.map((r: any) => r.event.kind)).toEqual([
      'PAYMENT_FAILED',
      'PRICE_INCREASE',
      'PLAN_CHANGE',
    ]);
    expect(out.scores).toHaveLength(1);
    const [u] = await db.dataSource.query(
      'SELECT plan, monthly_fee::float8 AS fee FROM users WHERE id = $1',
      [user],
    );
    expect(u).toEqual({ plan: 'PREMIUM', fee: 21.99 });
    // The online features read the new account state.
    const [row] = await app.services.features.onlineAt([user], clock.now());
    expect(row.values).toMatchObject({
      plan: 'PREMIUM',
      monthly_fee: 21.99,
      payment_failures_90d: 1,
    });
  });

  it('treats a re-sent event as DUPLICATE and the same id with other content as EVENT_CONFLICT', async () => {
    const user = await scoredUser();
    const event = accountEvent(user, 'PAYMENT_FAILED', { now: now() });
    await gql(app.url, RECORD_ACCOUNT, { events: [event] });
    const before = await rowCounts(db.dataSource);
    const again = await gql(app.url, RECORD_ACCOUNT, { events: [event] });
    expect(again.data!.recordAccountEvents).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(again.data!.recordAccountEvents.results[0].status).toBe('DUPLICATE');
    const conflict = await gql(app.url, RECORD_ACCOUNT, {
      events: [{ ...event, kind: 'PAYMENT_RECOVERED' }],
    });
    expect(conflict.errors![0].extensions).toMatchObject({
      code: 'EVENT_CONFLICT',
      eventErrors: [expect.objectContaining({ code: 'CONFLICT', index: 0 })],
    });
    expect(await rowCounts(db.dataSource)).toEqual(before);
  });

  it('validates the whole batch with typed per-event errors and writes nothing', async () => {
    const user = await scoredUser();
    const before = await rowCounts(db.dataSource);
    const [fee] = await db.dataSource.query('SELECT monthly_fee FROM users WHERE id = $1', [user]);
    const res = await gql(app.url, RECORD_ACCOUNT, {
      events: [
        accountEvent(user, 'PRICE_CHANGE', { monthlyFee: 9.99, now: now() }),
        accountEvent(user, 'REACTIVATE', { now: now() }),
        accountEvent('999999', 'CANCEL', { now: now() }),
        accountEvent(user, 'PLAN_CHANGE', { now: now() }),
        accountEvent(user, 'PAYMENT_FAILED', { minutesAgo: -60, now: now() }),
        accountEvent(user, 'PRICE_CHANGE', { monthlyFee: -1, now: now() }),
      ],
    });
    expect(res.data).toBeNull();
    expect(res.errors![0].extensions!.code).toBe('INVALID_ACCOUNT_EVENTS');
    const codes = (res.errors![0].extensions!.eventErrors as { index: number; code: string }[]).map(
      (e) => [e.index, e.code],
    );
    expect(codes).toEqual([
      [1, 'INVALID_TRANSITION'],
      [2, 'USER_NOT_FOUND'],
      [3, 'MISSING_FIELD'],
      [4, 'EVENT_IN_FUTURE'],
      [5, 'FEE_OUT_OF_RANGE'],
    ]);
    expect(await rowCounts(db.dataSource)).toEqual(before);
    const [after] = await db.dataSource.query('SELECT monthly_fee FROM users WHERE id = $1', [
      user,
    ]);
    expect(after).toEqual(fee);
  });

  it('CANCEL sets the status, closes the open alert as CHURNED and takes the subscriber out of the overview', async () => {
    const user = await scoredUser();
    await gql(app.url, RECORD_VIEWS, { events: abandonedViews(user, titleId, now()) });
    const open = await gql(app.url, ALERTS_PAGE, { userId: user, status: ['OPEN'] });
    expect(open.data!.riskAlerts.totalCount).toBe(1);
    const scoredBefore = (await app.services.scoring.overview()).reduce((n, l) => n + l.users, 0);

    const client = wsClient(app.url);
    try {
      const baseline = app.pubSub.listenerCount();
      const changes = wsSubscribe(client, ALERT_CHANGES);
      await listening(baseline, 1);
      const res = await gql(app.url, RECORD_ACCOUNT, {
        events: [accountEvent(user, 'CANCEL', { now: now() })],
      });
      expect(res.data!.recordAccountEvents).toMatchObject({ accepted: 1, scores: [] });
      const [change] = await changes.next(1);
      expect(change.data!.riskAlertChanged).toMatchObject({
        change: 'RESOLVED',
        alert: { userId: user, status: 'RESOLVED', resolution: 'CHURNED' },
      });
    } finally {
      await client.dispose();
    }
    const [u] = await db.dataSource.query('SELECT status, cancelled_at FROM users WHERE id = $1', [
      user,
    ]);
    expect(u.status).toBe('CANCELLED');
    await waitFor(
      async () =>
        (await app.services.scoring.overview()).reduce((n, l) => n + l.users, 0) ===
        scoredBefore - 1,
      { what: 'the overview to drop the cancelled subscriber' },
    );
    // Viewing events of a cancelled subscriber are refused; a REACTIVATE brings them back.
    const view = await gql(app.url, RECORD_VIEWS, {
      events: [viewEvent(user, titleId, 0.9, { now: now() })],
    });
    expect(view.errors![0].extensions!.eventErrors).toEqual([
      expect.objectContaining({ code: 'USER_CANCELLED' }),
    ]);
    const back = await gql(app.url, RECORD_ACCOUNT, {
      events: [
        accountEvent(user, 'REACTIVATE', {
          plan: 'BASIC',
          monthlyFee: 7.99,
          minutesAgo: 0,
          now: now(),
        }),
      ],
    });
    expect(back.data!.recordAccountEvents.scores).toHaveLength(1);
  });
});

describe('time-driven rescoring', () => {
  it('raises a quiet subscriber’s risk as the clock passes their recency: riskUpdated and an alert over ws', async () => {
    const quiet = await scoredUser();
    const client = wsClient(app.url);
    try {
      const baseline = app.pubSub.listenerCount();
      const updates = wsSubscribe(client, RISK_UPDATES, { userIds: [quiet] });
      const alerts = wsSubscribe(client, ALERTS_RAISED, { min: 'HIGH' });
      await listening(baseline, 2);
      clock.advance(25 * DAY);
      const summary = await app.services.timeRescoring.runDue();
      expect(summary.rescored).toBeGreaterThan(0);
      const [update] = await updates.next(1);
      expect(update.data!.riskUpdated).toMatchObject({
        userId: quiet,
        causeKind: 'TIME',
        previousRiskLevel: 'LOW',
        cause: null,
      });
      expect(update.data!.riskUpdated.probability).toBeGreaterThan(0.25);
      const raised = await waitFor(
        () => alerts.received.find((a) => a.data!.riskAlertRaised.userId === quiet),
        { what: 'the quiet subscriber’s alert' },
      );
      expect(raised.data!.riskAlertRaised).toMatchObject({
        causeKind: 'TIME',
        status: 'OPEN',
        reason: 'LEVEL_CROSSED',
      });
      // Rescored once per interval: a second pass right away finds nobody due.
      expect((await app.services.timeRescoring.runDue()).rescored).toBe(0);
    } finally {
      await client.dispose();
    }
  });
});

describe('the alert lifecycle', () => {
  it('keeps one open alert per subscriber, escalates it, and moves it OPEN → ACKNOWLEDGED → RESOLVED', async () => {
    const user = await scoredUser();
    // Two of three views abandoned: HIGH (0.25..0.5) under the fixture model; then more: CRITICAL.
    await gql(app.url, RECORD_VIEWS, {
      events: [
        viewEvent(user, titleId, 0.05, { minutesAgo: 700, now: now() }),
        viewEvent(user, titleId, 0.08, { minutesAgo: 600, now: now() }),
        viewEvent(user, titleId, 0.95, { minutesAgo: 450, now: now() }),
      ],
    });
    let alerts = (await gql(app.url, ALERTS_PAGE, { userId: user })).data!.riskAlerts;
    expect(alerts.edges.map((e: any) => e.node.status)).toEqual(['OPEN']);
    const first = alerts.edges[0].node;
    expect(first.riskLevel).toBe('HIGH');

    await gql(app.url, RECORD_VIEWS, { events: abandonedViews(user, titleId, now()) });
    alerts = (await gql(app.url, ALERTS_PAGE, { userId: user })).data!.riskAlerts;
    expect(alerts.totalCount).toBe(1);
    expect(alerts.edges[0].node).toMatchObject({
      id: first.id,
      riskLevel: 'CRITICAL',
      openedLevel: 'HIGH',
    });
    expect(alerts.edges[0].cursor).not.toBe(first.cursor); // re-raised: later in raise order

    const ack = await gql(
      app.url,
      `mutation($id: ID!) { acknowledgeAlert(id: $id, note: "calling them") { status acknowledgedBy note } }`,
      { id: first.id },
    );
    expect(ack.data!.acknowledgeAlert).toMatchObject({
      status: 'ACKNOWLEDGED',
      note: 'calling them',
    });
    const twice = await gql(
      app.url,
      `mutation($id: ID!) { acknowledgeAlert(id: $id) { status } }`,
      { id: first.id },
    );
    expect(twice.errors![0].extensions).toMatchObject({
      code: 'ALERT_STATE_CONFLICT',
      category: 'CONFLICT',
    });
    const resolved = await gql(
      app.url,
      `mutation($id: ID!) { resolveAlert(id: $id) { status resolution resolvedBy } }`,
      { id: first.id },
    );
    expect(resolved.data!.resolveAlert).toMatchObject({ status: 'RESOLVED', resolution: 'MANUAL' });
    const missing = await gql(app.url, `mutation { resolveAlert(id: "99999999") { status } }`);
    expect(missing.errors![0].extensions!.code).toBe('ALERT_NOT_FOUND');
    const resolvedOnly = await gql(app.url, ALERTS_PAGE, { userId: user, status: ['RESOLVED'] });
    expect(resolvedOnly.data!.riskAlerts.totalCount).toBe(1);
  });

  it('resolves as RISK_FELL when a rescore falls below the level, and as RETAINED after the horizon', async () => {
    const falls = await scoredUser();
    const stays = await scoredUser();
    await gql(app.url, RECORD_VIEWS, {
      events: [...abandonedViews(falls, titleId, now()), ...abandonedViews(stays, titleId, now())],
    });
    // Many finished views bring `falls` back to LOW.
    const finished = Array.from({ length: 12 }, (_, i) =>
      viewEvent(falls, titleId, 0.97, { minutesAgo: 3000 - i * 150, now: now() }),
    );
    await gql(app.url, RECORD_VIEWS, { events: finished });
    const fell = (await gql(app.url, ALERTS_PAGE, { userId: falls })).data!.riskAlerts.edges[0]
      .node;
    expect(fell).toMatchObject({ status: 'RESOLVED', resolution: 'RISK_FELL' });

    clock.advance(31 * DAY);
    await app.services.timeRescoring.hourly();
    const retained = (await gql(app.url, ALERTS_PAGE, { userId: stays })).data!.riskAlerts.edges[0]
      .node;
    expect(retained).toMatchObject({
      status: 'RESOLVED',
      resolution: 'RETAINED',
      resolvedBy: 'system',
    });
  });
});
