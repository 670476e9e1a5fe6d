/**
 * Subscribers' histories as one serving state reads them, kept in memory between requests and
 * checked on every one. Each request still sees the history as committed now: the concurrent
 * requests of a tick send one statement (currentHistoriesOf) that returns each user's online-state
 * stamp, which every stored viewing batch moves, and the full history only of users whose stamp
 * differs from the one held. An unchanged user costs one primary-key lookup and one row instead of
 * their whole history (about 110 rows at 1,000,000 events), and keeps what was derived from it (the
 * fold-in, the content profile) until they watch something.
 *
 * One instance per serving state (item indices are the state's); the oldest-used users are dropped
 * beyond `maxUsers`.
 */
import DataLoader from 'dataloader';
import type { HistoryCheck } from './borrowed-reads';

/** What the store keeps of one user: their history in the state's terms, and what follows from it. */
export interface HeldHistory<H, D> {
  history: H;
  /** Filled by the caller on first use; dropped with the entry when the history changes. */
  derived: D | null;
}

interface Entry<H, D> {
  stamp: string;
  /** The batch that read it: an older batch's answer never replaces it. */
  batch: number;
  held: HeldHistory<H, D>;
}

/** History rows of one user, oldest first. */
export type HistoryRows = readonly Pick<HistoryCheck, 'title_id' | 'completion' | 't'>[];

export class UserHistories<H, D> {
  private readonly entries = new Map<string, Entry<H, D>>();
  private readonly loader: DataLoader<string, HeldHistory<H, D>>;
  private batches = 0;

  constructor(
    /** The one statement per tick (currentHistoriesOf). */
    read: (userIds: readonly string[], known: readonly string[]) => Promise<HistoryCheck[]>,
    /** The state's view of a user's rows. */
    convert: (rows: HistoryRows) => H,
    private readonly maxUsers = 5000,
  ) {
    this.loader = new DataLoader(
      async (asked) => {
        const userIds = [...new Set(asked)];
        const sent = userIds.map((id) => this.entries.get(id));
        const batch = ++this.batches;
        const rows = await read(
          userIds,
          sent.map((e) => e?.stamp ?? ''),
        );
        const answer = new Map<string, HeldHistory<H, D>>();
        let at = 0;
        userIds.forEach((userId, i) => {
          const first = rows[at];
          let end = at;
          while (end < rows.length && rows[end].user_id === userId) end++;
          if (first?.user_id !== userId) throw new Error(`no history check for user ${userId}`);
          const mine = rows.slice(at, end);
          at = end;
          if (!first.fresh) {
            // Unchanged since `sent[i]` was read: serve what was held then.
            answer.set(userId, sent[i]!.held);
            return;
          }
          const held = { history: convert(mine.filter((r) => r.title_id !== null)), derived: null };
          answer.set(userId, held);
          const current = this.entries.get(userId);
          if (current === undefined || current.batch < batch)
            this.hold(userId, first.stamp, batch, held);
        });
        return asked.map((id) => answer.get(id)!);
      },
      { cache: false },
    );
  }

  /** The current history of each user (with what was derived from it, while unchanged). */
  load(userIds: readonly string[]): Promise<HeldHistory<H, D>[]> {
    return this.loader.loadMany(userIds).then((out) =>
      out.map((h) => {
        if (h instanceof Error) throw h;
        return h;
      }),
    );
  }

  private hold(userId: string, stamp: string, batch: number, held: HeldHistory<H, D>): void {
    // Map order is insertion order: re-inserting keeps the most recently read users last.
    this.entries.delete(userId);
    this.entries.set(userId, { stamp, batch, held });
    if (this.entries.size > this.maxUsers) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}
