/**
 * recordViewingEvents against real PostgreSQL: every bad-input case returns its code and changes no
 * row; a batch with one bad event writes nothing; re-sending is idempotent; concurrency is safe.
 */
import type { App } from '../../src/app/start-app';
import { TitleType } from '../../src/modules/catalog/title.entity';
import { UserStatus } from '../../src/modules/users/user.entity';
import { createTitle, createUser, rowCounts, viewEvent } from '../factories';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp } from '../support/test-app';

const RECORD = `mutation Record($events: [ViewingEventInput!]!) {
  recordViewingEvents(events: $events) {
    accepted duplicates
    results { clientEventId status event { id userId titleId watchedSeconds completion device rating title { name } } }
  }
}`;

let db: TestDatabase;
let app: App;
let userId: string;
let cancelledId: string;
let movieId: string;
let seriesId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db.url);
  userId = (await createUser(db.dataSource, { signupAt: new Date('2026-01-01T00:00:00Z') })).id;
  cancelledId = (
    await createUser(db.dataSource, {
      status: UserStatus.CANCELLED,
      cancelledAt: new Date('2026-03-01T00:00:00Z'),
    })
  ).id;
  movieId = (await createTitle(db.dataSource, { runtimeMinutes: 100 })).id;
  seriesId = (
    await createTitle(db.dataSource, {
      type: TitleType.SERIES,
      runtimeMinutes: 40,
      episodeCount: 8,
    })
  ).id;
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
});

/** An hour of a movie three hours ago, unrated; `overrides` replace fields (or make them invalid). */
function event(overrides: Record<string, unknown> = {}) {
  return {
    ...viewEvent(userId, movieId, 0.6, {
      tag: 'evt',
      minutesAgo: 180,
      watchedSeconds: 3600,
      rating: null,
    }),
    ...overrides,
  };
}

describe('recordViewingEvents', () => {
  it('stores a valid batch in one call and returns each stored event', async () => {
    const events = [
      event(),
      event({
        titleId: seriesId,
        watchedSeconds: 7200,
        completion: 1,
        device: 'MOBILE',
        rating: 5,
      }),
    ];
    const before = await rowCounts(db.dataSource);
    const res = await gql(app.url, RECORD, { events });
    expect(res.errors).toBeUndefined();
    const payload = res.data!.recordViewingEvents;
    expect(payload.accepted).toBe(2);
    expect(payload.duplicates).toBe(0);
    expect(payload.results.map((r: any) => r.status)).toEqual(['CREATED', 'CREATED']);
    expect(payload.results[1].event).toMatchObject({
      userId,
      titleId: seriesId,
      watchedSeconds: 7200,
      completion: 1,
      device: 'MOBILE',
      rating: 5,
    });
    expect(payload.results[0].event.title.name).toMatch(/Test Title/);
    expect((await rowCounts(db.dataSource)).viewing_events).toBe(before.viewing_events + 2);
  });

  it('treats a re-sent event as a no-op reported as DUPLICATE with the original event', async () => {
    const original = event();
    const first = await gql(app.url, RECORD, { events: [original] });
    const before = await rowCounts(db.dataSource);
    const again = await gql(app.url, RECORD, { events: [original, event()] });
    expect(again.errors).toBeUndefined();
    const payload = again.data!.recordViewingEvents;
    expect(payload).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(payload.results[0].status).toBe('DUPLICATE');
    expect(payload.results[0].event.id).toBe(first.data!.recordViewingEvents.results[0].event.id);
    expect((await rowCounts(db.dataSource)).viewing_events).toBe(before.viewing_events + 1);
  });

  it('rejects a re-sent clientEventId with other content as EVENT_CONFLICT and writes nothing', async () => {
    const original = event();
    await gql(app.url, RECORD, { events: [original] });
    const before = await rowCounts(db.dataSource);
    const again = await gql(app.url, RECORD, {
      events: [{ ...original, watchedSeconds: 10 }, event()],
    });
    expect(again.data).toBeNull();
    const ext = again.errors![0].extensions!;
    expect(ext).toMatchObject({ code: 'EVENT_CONFLICT', category: 'CONFLICT' });
    expect(ext.eventErrors).toEqual([
      expect.objectContaining({
        index: 0,
        code: 'CONFLICT',
        clientEventId: original.clientEventId,
      }),
    ]);
    expect(String((ext.eventErrors as { message: string }[])[0].message)).toContain(
      'watchedSeconds',
    );
    expect(await rowCounts(db.dataSource)).toEqual(before);
  });

  const future = new Date(Date.now() + 3600_000).toISOString();
  const cases: [string, () => Record<string, unknown>, string][] = [
    ['an unknown user', () => event({ userId: '999999' }), 'USER_NOT_FOUND'],
    ['a malformed user id', () => event({ userId: 'abc' }), 'USER_NOT_FOUND'],
    ['an unknown title', () => event({ titleId: '999999' }), 'TITLE_NOT_FOUND'],
    ['a cancelled user', () => event({ userId: cancelledId }), 'USER_CANCELLED'],
    ['negative watch time', () => event({ watchedSeconds: -5 }), 'WATCH_TIME_NEGATIVE'],
    [
      'watch time longer than the movie allows',
      () => event({ watchedSeconds: 100 * 60 * 3 }),
      'WATCH_TIME_IMPOSSIBLE',
    ],
    [
      'watch time beyond a session',
      () => event({ titleId: seriesId, watchedSeconds: 50_000 }),
      'WATCH_TIME_IMPOSSIBLE',
    ],
    [
      'a session that ends in the future',
      () => event({ startedAt: new Date(Date.now() - 60_000).toISOString(), watchedSeconds: 3600 }),
      'WATCH_TIME_IMPOSSIBLE',
    ],
    ['completion above 1', () => event({ completion: 1.2 }), 'COMPLETION_OUT_OF_RANGE'],
    ['completion below 0', () => event({ completion: -0.1 }), 'COMPLETION_OUT_OF_RANGE'],
    ['a rating of 6', () => event({ rating: 6 }), 'RATING_OUT_OF_RANGE'],
    [
      'a timestamp in the future',
      () => event({ startedAt: future, watchedSeconds: 0 }),
      'EVENT_IN_FUTURE',
    ],
    [
      'a timestamp before signup',
      () => event({ startedAt: '2025-06-01T00:00:00Z' }),
      'EVENT_BEFORE_SIGNUP',
    ],
    ['an empty clientEventId', () => event({ clientEventId: '' }), 'INVALID_CLIENT_EVENT_ID'],
  ];

  it.each(cases)(
    'rejects %s with its code and writes nothing, even beside good events',
    async (_name, bad, code) => {
      const before = await rowCounts(db.dataSource);
      const res = await gql(app.url, RECORD, { events: [event(), bad(), event()] });
      expect(res.data).toBeNull();
      expect(res.errors).toHaveLength(1);
      const ext = res.errors![0].extensions!;
      expect(ext.code).toBe('INVALID_VIEWING_EVENTS');
      expect(ext.eventErrors).toEqual(
        expect.arrayContaining([expect.objectContaining({ index: 1, code })]),
      );
      expect((ext.eventErrors as { index: number }[]).every((e) => e.index === 1)).toBe(true);
      expect(await rowCounts(db.dataSource)).toEqual(before);
    },
  );

  it('rejects ids repeated inside one batch', async () => {
    const before = await rowCounts(db.dataSource);
    const e = event();
    const res = await gql(app.url, RECORD, { events: [e, event(), { ...e }] });
    expect(res.errors![0].extensions).toMatchObject({
      code: 'INVALID_VIEWING_EVENTS',
      eventErrors: [
        expect.objectContaining({
          index: 2,
          code: 'DUPLICATE_IN_BATCH',
          clientEventId: e.clientEventId,
        }),
      ],
    });
    expect(await rowCounts(db.dataSource)).toEqual(before);
  });

  it('lists every problem of every bad event at once', async () => {
    const res = await gql(app.url, RECORD, {
      events: [event({ completion: 2, watchedSeconds: -1 }), event(), event({ userId: '424242' })],
    });
    const codes = (res.errors![0].extensions!.eventErrors as { index: number; code: string }[]).map(
      (e) => `${e.index}:${e.code}`,
    );
    expect(codes).toEqual([
      '0:WATCH_TIME_NEGATIVE',
      '0:COMPLETION_OUT_OF_RANGE',
      '2:USER_NOT_FOUND',
    ]);
    expect(res.errors![0].message).toMatch(/nothing was written/);
  });

  it('rejects more than 1,000 events and an empty batch', async () => {
    const before = await rowCounts(db.dataSource);
    const big = Array.from({ length: 1001 }, () => event());
    const tooMany = await gql(app.url, RECORD, { events: big });
    expect(tooMany.errors![0].extensions).toMatchObject({
      code: 'BATCH_TOO_LARGE',
      max: 1000,
      received: 1001,
    });
    const empty = await gql(app.url, RECORD, { events: [] });
    expect(empty.errors![0].extensions!.code).toBe('BATCH_EMPTY');
    expect(await rowCounts(db.dataSource)).toEqual(before);
  });

  it('accepts exactly 1,000 events in one transaction', async () => {
    const before = await rowCounts(db.dataSource);
    const res = await gql(app.url, RECORD, {
      events: Array.from({ length: 1000 }, () => event({ watchedSeconds: 60 })),
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.recordViewingEvents.accepted).toBe(1000);
    expect((await rowCounts(db.dataSource)).viewing_events).toBe(before.viewing_events + 1000);
  });

  it('rejects wrongly typed input at the GraphQL layer without writing', async () => {
    const before = await rowCounts(db.dataSource);
    const res = await gql(app.url, RECORD, { events: [event({ device: 'TOASTER' })] });
    expect(res.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const res2 = await gql(app.url, RECORD, { events: [event({ startedAt: 'yesterday' })] });
    expect(res2.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(await rowCounts(db.dataSource)).toEqual(before);
  });

  it('stores each id once when the same batch races itself', async () => {
    const events = Array.from({ length: 20 }, () => event({ watchedSeconds: 30 }));
    const before = await rowCounts(db.dataSource);
    const results = await Promise.all([1, 2, 3, 4].map(() => gql(app.url, RECORD, { events })));
    for (const r of results) expect(r.errors).toBeUndefined();
    const accepted = results.reduce((n, r) => n + r.data!.recordViewingEvents.accepted, 0);
    expect(accepted).toBe(20);
    expect((await rowCounts(db.dataSource)).viewing_events).toBe(before.viewing_events + 20);
  });

  it('survives concurrent batches over the same users (online feature rows upserted in one order)', async () => {
    const users = [userId];
    for (let i = 0; i < 6; i++) users.push((await createUser(db.dataSource)).id);
    const before = await rowCounts(db.dataSource);
    const batches = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 60 }, (_, i) =>
        event({ userId: users[(i * (b + 1)) % users.length], watchedSeconds: 20 }),
      ),
    );
    const results = await Promise.all(batches.map((events) => gql(app.url, RECORD, { events })));
    for (const r of results) expect(r.errors).toBeUndefined();
    expect((await rowCounts(db.dataSource)).viewing_events).toBe(before.viewing_events + 360);
    const [{ n, sessions }] = await db.dataSource.query(
      `SELECT (SELECT count(*)::int FROM user_feature_state WHERE user_id = ANY($1::bigint[])) AS n,
              (SELECT sum(sessions)::int FROM user_activity_daily WHERE user_id = ANY($1::bigint[])) AS sessions`,
      [users],
    );
    expect(n).toBe(users.length);
    // Every one of the concurrent views is counted once in the daily aggregates.
    const [{ views }] = await db.dataSource.query(
      'SELECT count(*)::int AS views FROM viewing_events WHERE user_id = ANY($1::bigint[])',
      [users],
    );
    expect(sessions).toBe(views);
  });
});
