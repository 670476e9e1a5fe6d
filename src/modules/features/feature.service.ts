import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery, type Queryable } from '../../db/prepared-query';
import type { Progress } from '../../common/progress';
import {
  compareIds,
  dailyDeltas,
  dailyParams,
  dailyRowsOf,
  dailyUpsertSql,
  statesParams,
  statesUpsertSql,
  toView,
  withDaily,
  withScratchDaily,
  type DailyJson,
  type DailyRow,
  type ViewForFeatures,
} from './online-rows';

import {
  ACCOUNT_AS_OF_SQL,
  GENRE_CATALOGUE_SQL,
  batchFeaturesSql,
  sequenceFromJson,
} from './batch-features';
import {
  FEATURES,
  onlineFeatureValues,
  onlineSequence,
  type FeatureValues,
} from './feature-definitions';
import {
  applyView,
  WINDOW_DAYS,
  windowDay,
  emptyState,
  STATE_VERSION,
  upgradeState,
  type OnlineState,
} from './online-state';

export type { ViewForFeatures } from './online-rows';

export interface FeatureRow {
  userId: string;
  values: FeatureValues;
  /** Shape: [28][3], oldest day first. */
  sequence: number[][];
}

export interface LabelledFeatureRow extends FeatureRow {
  label: number;
}

const REBUILD_USERS_PER_CHUNK = 2000;

const CATALOGUE_TTL_MS = 60_000;

export class FeatureService {
  private catalogue: { at: number; value: Record<string, number> } | null = null;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Fold newly stored events into their users' online state, inside the caller's transaction
   * (recordViewingEvents), so events and features commit together. The events must already be
   * stored in that transaction: whether one is a subscriber's first view of its title is read
   * from the stored events.
   */
  async applyEvents(
    manager: EntityManager,
    events: readonly ViewForFeatures[],
    genresByTitle: ReadonlyMap<string, readonly string[]>,
  ): Promise<void> {
    if (events.length === 0) return;
    // Numeric order, the same as the FOR UPDATE below and the upsert: concurrent batches lock rows
    // in one global order.
    const userIds = [...new Set(events.map((e) => e.userId))].sort(compareIds);
    const rows: { user_id: string; state: OnlineState }[] = await preparedQuery(
      manager,
      `SELECT user_id, state FROM user_features WHERE user_id = ANY($1::bigint[]) ORDER BY user_id FOR UPDATE`,
      [userIds],
    );
    // After the row locks, so a concurrent batch for the same user has committed and is counted.
    const firsts = await this.firstViewsOfTitles(manager, events);
    // The stored jsonb has no daily arrays (they are in user_activity_daily and get added below as
    // deltas): applyView gets scratch arrays here and only its non-daily effects are kept.
    const states = new Map(rows.map((r) => [String(r.user_id), withScratchDaily(r.state)]));
    events.forEach((e, i) => {
      const state = states.get(e.userId) ?? emptyState();
      applyView(state, toView(e, genresByTitle.get(e.titleId) ?? [], firsts.has(i)));
      states.set(e.userId, state);
    });
    await this.writeStatesAndDaily(
      manager,
      userIds,
      userIds.map((id) => states.get(id)!),
      dailyDeltas(events),
    );
  }

  /** First signup and the latest event of any kind: the span snapshots are planned over. */
  async dataSpan(): Promise<{ start: Date | null; last: Date | null }> {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT min(signup_at) FROM users) AS start,
              greatest((SELECT max(started_at) FROM viewing_events), (SELECT max(at) FROM subscription_events)) AS last`,
    );
    return row;
  }

  /** Users, and online states of the current shape (older ones need rebuildAll, see STATE_VERSION). */
  async counts(): Promise<{ users: number; features: number }[]> {
    return this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM users) AS users,
              (SELECT count(*)::int FROM user_features WHERE state->'version' = to_jsonb($1::int)) AS features`,
      [STATE_VERSION],
    );
  }

  /** Recompute every subscriber's online state from their full event history (after seeding or import). */
  async rebuildAll(progress?: Progress): Promise<number> {
    const [{ max }] = await this.dataSource.query(
      'SELECT coalesce(max(id), 0)::bigint AS max FROM users',
    );
    const maxId = Number(max);
    let users = 0;
    for (let from = 1; from <= maxId; from += REBUILD_USERS_PER_CHUNK) {
      const to = from + REBUILD_USERS_PER_CHUNK;
      const events: (ViewForFeatures & { genres: string[] })[] = await this.dataSource.query(
        `SELECT e.user_id::text AS "userId", e.title_id::text AS "titleId", e.started_at AS "startedAt",
                e.watched_seconds AS "watchedSeconds", e.completion, e.device, t.genres
         FROM viewing_events e JOIN titles t ON t.id = e.title_id
         WHERE e.user_id >= $1 AND e.user_id < $2 ORDER BY e.user_id, e.started_at, e.id`,
        [from, to],
      );
      const ids: string[] = (
        await this.dataSource.query('SELECT id::text FROM users WHERE id >= $1 AND id < $2', [
          from,
          to,
        ])
      ).map((r: { id: string }) => r.id);
      const states = new Map(ids.map((id) => [id, emptyState()]));
      // Only for the chunk being replayed: the stored state keeps per-genre counts, not titles.
      const seen = new Set<string>();
      for (const e of events) {
        const key = `${e.userId}:${e.titleId}`;
        const first = !seen.has(key);
        seen.add(key);
        applyView(states.get(e.userId)!, toView(e, e.genres, first));
      }
      await this.dataSource.transaction(async (m) => {
        await this.writeStates(
          m,
          ids,
          ids.map((id) => states.get(id)!),
        );
        await m.query('DELETE FROM user_activity_daily WHERE user_id >= $1 AND user_id < $2', [
          from,
          to,
        ]);
        await this.addDaily(
          m,
          ids.flatMap((id) => dailyRowsOf(id, states.get(id)!)),
        );
      });
      users += ids.length;
      progress?.tick(ids.length);
    }
    return users;
  }

  /** Batch features and labels at snapshot T for subscribers active at T (optionally only `userIds`). */
  async batchAt(
    t: Date,
    horizonDays: number,
    userIds?: readonly string[],
  ): Promise<LabelledFeatureRow[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(batchFeaturesSql(), [
      t.toISOString(),
      userIds ?? null,
      horizonDays,
    ]);
    return rows.map((r) => ({
      userId: String(r.user_id),
      values: valuesFrom(r),
      sequence: sequenceFromJson(r.sequence as Record<string, [number, number, number]>),
      label: Number(r.label),
    }));
  }

  /**
   * Online features at `t` (default now) for the given users that are ACTIVE. `runner` lets the
   * rescorer read them inside its scoring transaction.
   */
  async onlineAt(
    userIds: readonly string[],
    t: Date = new Date(),
    runner: Queryable = this.dataSource,
  ): Promise<FeatureRow[]> {
    if (userIds.length === 0) return [];
    const end = windowDay(t.getTime());
    // One round trip: account state as of t and the daily rows of the window, per user (the live
    // rescorer calls this for every batch).
    const rows: {
      id: string;
      signup_at: Date;
      country: string;
      age_band: string;
      state: OnlineState | null;
      daily: DailyJson[] | null;
      plan: string;
      monthly_fee: number;
      payment_failures_90d: number;
      price_increases_90d: number;
      days_since_payment_failure: number;
      days_since_price_increase: number;
    }[] = await preparedQuery(
      runner,
      `SELECT u.id::text AS id, u.signup_at, u.country, u.age_band, f.state, d.daily, acct.*
         FROM users u CROSS JOIN (SELECT $2::timestamptz AS t) p
         LEFT JOIN user_features f ON f.user_id = u.id
         LEFT JOIN LATERAL (
           SELECT json_agg(json_build_array(a.day, a.sessions, a.seconds, a.completion_sum, a.abandoned,
                                            a.devices)) AS daily
             FROM user_activity_daily a
            WHERE a.user_id = u.id AND a.day <= $3 AND a.day > $3 - ${WINDOW_DAYS}
         ) d ON true
         ${ACCOUNT_AS_OF_SQL}
         WHERE u.id = ANY($1::bigint[]) AND u.status = 'ACTIVE'
         ORDER BY u.id`,
      [userIds, t.toISOString(), end],
    );
    const genreCatalogue = await this.genreCatalogue(runner);
    const at = t.getTime();
    return rows.map((r) => {
      const state = r.state ? upgradeState(r.state) : emptyState();
      withDaily(state, end, r.daily ?? []);
      return {
        userId: r.id,
        values: onlineFeatureValues({
          t: at,
          signupAt: new Date(r.signup_at).getTime(),
          country: r.country,
          ageBand: r.age_band,
          plan: r.plan,
          monthlyFee: Number(r.monthly_fee),
          paymentFailures90d: Number(r.payment_failures_90d),
          priceIncreases90d: Number(r.price_increases_90d),
          daysSincePaymentFailure: Number(r.days_since_payment_failure),
          daysSincePriceIncrease: Number(r.days_since_price_increase),
          genreCatalogue,
          state,
        }),
        sequence: onlineSequence(state, at),
      };
    });
  }

  /**
   * Membership-weighted titles per genre. Cached for CATALOGUE_TTL_MS: it only changes when titles
   * are added (seeding, imports), and every live rescore needs it.
   */
  private async genreCatalogue(runner: Queryable): Promise<Record<string, number>> {
    const now = Date.now();
    if (this.catalogue && now - this.catalogue.at < CATALOGUE_TTL_MS) return this.catalogue.value;
    const rows: { genre: string; titles: number }[] = await runner.query(GENRE_CATALOGUE_SQL);
    const value = Object.fromEntries(rows.map((r) => [r.genre, Number(r.titles)]));
    this.catalogue = { at: now, value };
    return value;
  }

  /** Forget the cached genre catalogue (after titles were added in this process). */
  invalidateCatalogue(): void {
    this.catalogue = null;
  }

  /**
   * Indices of the events that are their user's first stored view of the title: one event (any:
   * the per-genre counts do not depend on which) of each (user, title) with no stored event
   * outside this batch. The batch is stored already, so it is part of the count.
   */
  private async firstViewsOfTitles(
    manager: EntityManager,
    events: readonly ViewForFeatures[],
  ): Promise<Set<number>> {
    const key = (userId: string, titleId: string) => `${userId}:${titleId}`;
    const inBatch = new Map<string, { first: number; count: number }>();
    events.forEach((e, i) => {
      const k = key(e.userId, e.titleId);
      const seen = inBatch.get(k);
      if (seen) seen.count += 1;
      else inBatch.set(k, { first: i, count: 1 });
    });
    // One probe of viewing_events_user_title_idx per distinct (user, title) of the batch.
    const pairs = [...inBatch.keys()].map((k) => k.split(':'));
    const stored: { user_id: string; title_id: string; n: number }[] = await preparedQuery(
      manager,
      `SELECT p.u::text AS user_id, p.t::text AS title_id,
              (SELECT count(*) FROM viewing_events e WHERE e.user_id = p.u AND e.title_id = p.t)::int AS n
         FROM unnest($1::bigint[], $2::bigint[]) AS p(u, t)`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    const storedCount = new Map(stored.map((r) => [key(r.user_id, r.title_id), r.n]));
    const firsts = new Set<number>();
    for (const [k, { first, count }] of inBatch) {
      if ((storedCount.get(k) ?? 0) <= count) firsts.add(first);
    }
    return firsts;
  }

  private async writeStates(
    manager: EntityManager,
    userIds: readonly string[],
    states: readonly OnlineState[],
  ): Promise<void> {
    if (userIds.length === 0) return;
    await preparedQuery(manager, statesUpsertSql(1), statesParams(userIds, states));
  }

  /** States and daily deltas in one statement (one round trip for every batch ingested). */
  private async writeStatesAndDaily(
    manager: EntityManager,
    userIds: readonly string[],
    states: readonly OnlineState[],
    daily: DailyRow[],
  ): Promise<void> {
    if (daily.length === 0) return this.writeStates(manager, userIds, states);
    await preparedQuery(
      manager,
      `WITH states AS (${statesUpsertSql(1)} RETURNING 1) ${dailyUpsertSql(3)}`,
      [...statesParams(userIds, states), ...dailyParams(daily)],
    );
  }

  /** Add per-(user, day) aggregates; rows in (user_id, day) order, so concurrent batches lock alike. */
  private async addDaily(manager: EntityManager, rows: DailyRow[]): Promise<void> {
    if (rows.length === 0) return;
    await preparedQuery(manager, dailyUpsertSql(1), dailyParams(rows));
  }
}

function valuesFrom(row: Record<string, unknown>): FeatureValues {
  const out: FeatureValues = {};
  for (const f of FEATURES) {
    const v = row[f.name];
    out[f.name] =
      f.kind === 'categorical'
        ? String(v ?? '')
        : v === null || v === undefined
          ? Number.NaN
          : Number(v);
  }
  return out;
}
