/**
 * The two feature paths against real PostgreSQL on a small seeded world: batch SQL at a snapshot and
 * the online state must give the same value for every feature, for the same users at the same
 * moment, both after a rebuild and after events ingested through applyEvents. And a snapshot never
 * sees an event at or after T; its label counts only a CANCEL in (T, T + 30 d].
 */
import type { EntityManager } from 'typeorm';
import { seedWorld, todayUtc } from '../../seeds';
import { FEATURES, type FeatureValues } from '../../src/modules/features/feature-definitions';
import {
  FeatureService,
  type FeatureRow,
  type ViewForFeatures,
} from '../../src/modules/features/feature.service';
import { SECONDARY_GENRE_WEIGHT, type OnlineState } from '../../src/modules/features/online-state';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const HORIZON = 30;

let db: TestDatabase;
let features: FeatureService;
/** World end (exclusive), a few days back so every instant the tests use lies in the past. */
const end = new Date(todayUtc().getTime() - 3 * DAY);
let eventSeq = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedWorld(db.pool, { users: 300, days: 90, seed: 7, end }, { silent: true });
  features = new FeatureService(db.dataSource);
  await features.rebuildAll();
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Every feature and sequence cell of `online` equals `batch`, user by user; lists what differs. */
function mismatches(batch: readonly FeatureRow[], online: readonly FeatureRow[]): string[] {
  const out: string[] = [];
  const byUser = new Map(online.map((r) => [r.userId, r]));
  if (online.length !== batch.length)
    out.push(`rows: batch ${batch.length}, online ${online.length}`);
  for (const b of batch) {
    const o = byUser.get(b.userId);
    if (!o) {
      out.push(`user ${b.userId}: no online row`);
      continue;
    }
    for (const f of FEATURES) {
      const [x, y] = [b.values[f.name], o.values[f.name]];
      const same = f.kind === 'numeric' ? close(Number(x), Number(y)) : x === y;
      if (!same) out.push(`user ${b.userId} ${f.name}: batch ${x}, online ${y}`);
    }
    b.sequence.forEach((day, d) =>
      day.forEach((v, c) => {
        if (!close(v, o.sequence[d][c])) {
          out.push(`user ${b.userId} sequence[${d}][${c}]: batch ${v}, online ${o.sequence[d][c]}`);
        }
      }),
    );
  }
  return out;
}

async function expectPathsAgree(t: Date): Promise<FeatureRow[]> {
  const batch = await features.batchAt(t, HORIZON);
  const online = await features.onlineAt(
    batch.map((r) => r.userId),
    t,
  );
  expect(mismatches(batch, online)).toEqual([]);
  return batch;
}

interface NewView {
  userId: string;
  titleId: string;
  startedAt: Date;
  watchedSeconds?: number;
  completion?: number;
  device?: string;
}

/** Store views and fold them into the online state in one transaction, as recordViewingEvents does. */
async function ingest(views: readonly NewView[]): Promise<void> {
  await db.dataSource.transaction(async (manager) => {
    const stored = await insertViews(manager, views);
    const titles: { id: string; genres: string[] }[] = await manager.query(
      'SELECT id::text, genres FROM titles WHERE id = ANY($1::bigint[])',
      [stored.map((v) => v.titleId)],
    );
    await features.applyEvents(manager, stored, new Map(titles.map((t) => [t.id, t.genres])));
  });
}

/** Store views without touching the online state (what a snapshot must not see). */
async function insertViews(
  manager: EntityManager,
  views: readonly NewView[],
): Promise<ViewForFeatures[]> {
  const rows = views.map((v) => ({
    userId: v.userId,
    titleId: v.titleId,
    startedAt: v.startedAt,
    watchedSeconds: v.watchedSeconds ?? 1500,
    // Stored as real: hand on what a later read returns.
    completion: Math.fround(v.completion ?? 0.63),
    device: v.device ?? 'TABLET',
  }));
  for (const r of rows) {
    await manager.query(
      `INSERT INTO viewing_events
         (client_event_id, user_id, title_id, started_at, watched_seconds, completion, device)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        `features-test-${++eventSeq}`,
        r.userId,
        r.titleId,
        r.startedAt.toISOString(),
        r.watchedSeconds,
        r.completion,
        r.device,
      ],
    );
  }
  return rows;
}

/** The per-genre titles started, as stored. */
async function stateOf(userId: string): Promise<Pick<OnlineState, 'genreTitles'>> {
  const rows: { genre: string; titles: number }[] = await db.dataSource.query(
    'SELECT genre, titles FROM user_genre_state WHERE user_id = $1 AND titles > 0',
    [userId],
  );
  return { genreTitles: Object.fromEntries(rows.map((r) => [r.genre, r.titles])) };
}

/** A title the user has never started whose primary genre is `genre`. */
async function unwatchedTitle(
  userId: string,
  genre: string,
): Promise<{ id: string; genres: string[] }> {
  const [row] = await db.dataSource.query(
    `SELECT id::text, genres FROM titles t
     WHERE t.genres[1] = $2 AND cardinality(t.genres) > 1
       AND NOT EXISTS (SELECT 1 FROM viewing_events e WHERE e.user_id = $1 AND e.title_id = t.id)
     ORDER BY id LIMIT 1`,
    [userId, genre],
  );
  return row;
}

async function watchedTitle(userId: string): Promise<string> {
  const [row] = await db.dataSource.query(
    'SELECT title_id::text AS id FROM viewing_events WHERE user_id = $1 ORDER BY started_at LIMIT 1',
    [userId],
  );
  return row.id;
}

function favouriteGenre(state: Pick<OnlineState, 'genreTitles'>): string {
  return Object.entries(state.genreTitles).sort((a, b) => b[1] - a[1])[0][0];
}

describe('batch and online features agree', () => {
  it('at the world end, after rebuildAll', async () => {
    const rows = await expectPathsAgree(end);
    expect(rows.length).toBeGreaterThan(100);
    // The comparison means something only if the features vary.
    for (const name of ['genre_exhaustion', 'views_decayed_7d', 'watch_decline_14d']) {
      expect(new Set(rows.map((r) => r.values[name])).size).toBeGreaterThan(10);
    }
    expect(rows.some((r) => Number(r.values.days_since_payment_failure) < 120)).toBe(true);
  });

  it('mid-day, after events ingested through applyEvents (out of order, repeats, new titles)', async () => {
    const rows = await features.batchAt(end, HORIZON);
    const watchers = rows.filter((r) => Number(r.values.sessions_30d) >= 5).slice(0, 3);
    expect(watchers).toHaveLength(3);
    const [a, b, c] = watchers.map((r) => r.userId);

    const before = await stateOf(a);
    const fav = favouriteGenre(before);
    const fresh = await unwatchedTitle(a, fav);
    const seen = await watchedTitle(a);
    // One batch: a new title twice (counts once), a title seen before, and an event older than the
    // subscriber's latest view (lands in its own day, not today's).
    await ingest([
      { userId: a, titleId: fresh.id, startedAt: new Date(end.getTime() + 1 * HOUR) },
      { userId: a, titleId: fresh.id, startedAt: new Date(end.getTime() + 2 * HOUR) },
      { userId: a, titleId: seen, startedAt: new Date(end.getTime() + 3 * HOUR), device: 'WEB' },
      { userId: b, titleId: seen, startedAt: new Date(end.getTime() - 9 * DAY + 5 * HOUR) },
      { userId: b, titleId: seen, startedAt: new Date(end.getTime() + 4 * HOUR), completion: 0.1 },
    ]);
    // A second batch: the same new title again, and a late event for c from 20 days back.
    await ingest([
      { userId: a, titleId: fresh.id, startedAt: new Date(end.getTime() + 5 * HOUR) },
      { userId: c, titleId: seen, startedAt: new Date(end.getTime() - 20 * DAY), completion: 0.9 },
    ]);
    // Account events are read through the shared SQL by both paths.
    await db.dataSource.query(
      `INSERT INTO subscription_events (user_id, at, kind, detail) VALUES
         ($1, $3, 'PAYMENT_FAILED', '{"amount": 9.99}'),
         ($2, $3, 'PRICE_INCREASE', '{"plan": "STANDARD", "oldFee": 12.99, "newFee": 14.99}')`,
      [b, c, new Date(end.getTime() + 2 * HOUR).toISOString()],
    );

    const after = await stateOf(a);
    expect(after.genreTitles[fav]).toBe(before.genreTitles[fav] + 1);
    for (const g of fresh.genres.slice(1)) {
      expect(after.genreTitles[g]).toBe((before.genreTitles[g] ?? 0) + SECONDARY_GENRE_WEIGHT);
    }

    const t = new Date(end.getTime() + 10 * HOUR + 17 * 60_000 + 123);
    const now = await expectPathsAgree(t);
    const valuesOf = (id: string): FeatureValues => now.find((r) => r.userId === id)!.values;
    expect(valuesOf(b).days_since_payment_failure).toBeCloseTo(
      (8 * HOUR + 17 * 60_000 + 123) / DAY,
      9,
    );
    expect(valuesOf(c).monthly_fee).toBe(14.99);
  });

  it('online state from applyEvents equals a rebuild from the stored events', async () => {
    const t = new Date(end.getTime() + 12 * HOUR);
    const ids = (await features.batchAt(t, HORIZON)).map((r) => r.userId);
    const incremental = await features.onlineAt(ids, t);
    await features.rebuildAll();
    const rebuilt = await features.onlineAt(ids, t);
    expect(mismatches(rebuilt, incremental)).toEqual([]);
  });

  it('gives every subscriber a state row, so a start after a rebuild does not rebuild again', async () => {
    const { users, states } = await features.counts();
    expect(states).toBe(users);
  });
});

describe('a snapshot reads only the past', () => {
  const T = new Date(end.getTime() - 40 * DAY);

  async function userActiveAt(): Promise<{ id: string; values: FeatureValues; label: number }> {
    const rows = await features.batchAt(T, HORIZON);
    const row = rows.find((r) => r.label === 0 && Number(r.values.sessions_30d) > 0)!;
    return { id: row.userId, values: row.values, label: row.label };
  }

  it('ignores events at or after T', async () => {
    const user = await userActiveAt();
    const [before] = await features.batchAt(T, HORIZON, [user.id]);
    const title = await unwatchedTitle(user.id, favouriteGenre(await stateOf(user.id)));
    await db.dataSource.transaction(async (m) => {
      await insertViews(m, [
        { userId: user.id, titleId: title.id, startedAt: T },
        { userId: user.id, titleId: title.id, startedAt: new Date(T.getTime() + HOUR) },
      ]);
      await m.query(
        `INSERT INTO subscription_events (user_id, at, kind, detail) VALUES
           ($1, $2, 'PAYMENT_FAILED', '{"amount": 9.99}'),
           ($1, $3, 'PRICE_INCREASE', '{"plan": "BASIC", "oldFee": 8.99, "newFee": 99.99}'),
           ($1, $3, 'PLAN_CHANGE', '{"from": "BASIC", "to": "PREMIUM", "newFee": 19.99}')`,
        [user.id, T.toISOString(), new Date(T.getTime() + HOUR).toISOString()],
      );
    });
    const [after] = await features.batchAt(T, HORIZON, [user.id]);
    expect(mismatches([before], [after])).toEqual([]);
    expect(after.label).toBe(before.label);
  });

  it('labels only a CANCEL in (T, T + 30 d]', async () => {
    const { id } = await userActiveAt();
    const labelWithCancelAt = async (at: Date): Promise<number | undefined> => {
      const [inserted] = await db.dataSource.query(
        `INSERT INTO subscription_events (user_id, at, kind, detail)
         VALUES ($1, $2, 'CANCEL', '{}') RETURNING id`,
        [id, at.toISOString()],
      );
      try {
        return (await features.batchAt(T, HORIZON, [id]))[0]?.label;
      } finally {
        await db.dataSource.query('DELETE FROM subscription_events WHERE id = $1', [inserted.id]);
      }
    };
    expect(await labelWithCancelAt(T)).toBe(0);
    expect(await labelWithCancelAt(new Date(T.getTime() + HORIZON * DAY))).toBe(1);
    expect(await labelWithCancelAt(new Date(T.getTime() + HORIZON * DAY + 1000))).toBe(0);
    // Just before T the subscriber has already left: not in the snapshot at all.
    expect(await labelWithCancelAt(new Date(T.getTime() - 1000))).toBeUndefined();
  });
});
