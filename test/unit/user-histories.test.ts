import type { HistoryCheck } from '../../src/modules/recommendations/borrowed-reads';
import { UserHistories } from '../../src/modules/recommendations/user-histories';

/** A fake database: each user's stamp and rows; answers as currentHistoriesOf does. */
function fakeDb() {
  const users = new Map<string, { stamp: string; titles: string[] }>();
  const calls: { userIds: string[]; known: string[] }[] = [];
  const read = async (userIds: readonly string[], known: readonly string[]) => {
    calls.push({ userIds: [...userIds], known: [...known] });
    const rows: HistoryCheck[] = [];
    userIds.forEach((id, i) => {
      const u = users.get(id) ?? { stamp: 'none', titles: [] };
      const fresh = u.stamp !== known[i];
      const base = { user_id: id, stamp: u.stamp, fresh };
      if (!fresh || u.titles.length === 0) {
        rows.push({ ...base, title_id: null, completion: null, t: null });
      } else {
        u.titles.forEach((t, k) => rows.push({ ...base, title_id: t, completion: 1, t: k }));
      }
    });
    return rows;
  };
  return { users, calls, read };
}

const titlesOf = (rows: readonly { title_id: string | null }[]) => rows.map((r) => r.title_id!);

describe('UserHistories', () => {
  it('reads each history once, then only checks its stamp while it is unchanged', async () => {
    const db = fakeDb();
    db.users.set('1', { stamp: 'a', titles: ['10', '11'] });
    const held = new UserHistories<string[], number>(db.read, titlesOf);
    const [first] = await held.load(['1']);
    expect(first.history).toEqual(['10', '11']);
    first.derived = 42;
    const [again] = await held.load(['1']);
    expect(again).toBe(first);
    expect(again.derived).toBe(42);
    expect(db.calls.map((c) => c.known)).toEqual([[''], ['a']]);
  });

  it('re-reads a user whose stamp moved, and drops what was derived', async () => {
    const db = fakeDb();
    db.users.set('1', { stamp: 'a', titles: ['10'] });
    const held = new UserHistories<string[], number>(db.read, titlesOf);
    (await held.load(['1']))[0].derived = 1;
    db.users.set('1', { stamp: 'b', titles: ['10', '12'] });
    const [after] = await held.load(['1']);
    expect(after.history).toEqual(['10', '12']);
    expect(after.derived).toBeNull();
  });

  it('serves the concurrent requests of a tick with one read, duplicates included', async () => {
    const db = fakeDb();
    db.users.set('1', { stamp: 'a', titles: ['10'] });
    db.users.set('2', { stamp: 'b', titles: [] });
    const held = new UserHistories<string[], number>(db.read, titlesOf);
    const [a, b, c] = await Promise.all([
      held.load(['1']),
      held.load(['2', '1']),
      held.load(['3']),
    ]);
    expect(db.calls).toHaveLength(1);
    expect(db.calls[0].userIds).toEqual(['1', '2', '3']);
    expect(a[0].history).toEqual(['10']);
    expect(b.map((h) => h.history)).toEqual([[], ['10']]);
    expect(c[0].history).toEqual([]);
  });

  it('keeps at most maxUsers, dropping the one read longest ago', async () => {
    const db = fakeDb();
    const held = new UserHistories<string[], number>(db.read, titlesOf, 2);
    for (const id of ['1', '2', '3']) await held.load([id]);
    db.calls.length = 0;
    await held.load(['1', '3']);
    expect(db.calls[0].known).toEqual(['', 'none']);
  });

  it('never lets an older read replace a newer one', async () => {
    const db = fakeDb();
    db.users.set('1', { stamp: 'a', titles: ['10'] });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    const slowFirst = async (ids: readonly string[], known: readonly string[]) => {
      const rows = await db.read(ids, known);
      if (first) {
        first = false;
        await gate;
      }
      return rows;
    };
    const held = new UserHistories<string[], number>(slowFirst, titlesOf);
    const old = held.load(['1']);
    await new Promise((r) => setImmediate(r));
    db.users.set('1', { stamp: 'b', titles: ['10', '11'] });
    expect((await held.load(['1']))[0].history).toEqual(['10', '11']);
    release();
    expect((await old)[0].history).toEqual(['10']);
    db.calls.length = 0;
    await held.load(['1']);
    expect(db.calls[0].known).toEqual(['b']);
  });
});
