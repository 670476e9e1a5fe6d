import type { DataSource } from 'typeorm';
import { preparedQuery, type Queryable } from '../../common/prepared-query';
import type { Progress } from '../../common/progress';
import {
  ACCOUNT_AS_OF_SQL,
  GENRE_CATALOGUE_SQL,
  batchFeaturesSql,
  sequenceFromJson,
} from './batch-features';
import { FEATURES, type FeatureValues } from './feature-definitions';
import {
  FeaturesRepository,
  ONLINE_STATE_COLUMNS,
  onlineStateJoins,
  type StoredView,
} from './features.repository';
import { featureRowFrom, type FeatureRow, type OnlineRow } from './online-rows';
import { windowDay } from './online-state';
import { ACCOUNT_EVENTS, VIEWING_EVENTS } from '../events/event-sql';
import { USERS } from '../users/user-sql';

export type { FeatureRow } from './online-rows';
export type { StoredView as ViewForFeatures } from './features.repository';

export interface LabelledFeatureRow extends FeatureRow {
  label: number;
}

const REBUILD_USERS_PER_CHUNK = 5000;
const CATALOGUE_TTL_MS = 60_000;

/**
 * The online read at an instant (a timestamptz parameter) and its window day (an int parameter):
 * account columns as of t and the stored online state. Composable after the users relation aliased `u`.
 */
export const ONLINE_READ_SELECT = `u.id::text AS id, u.signup_at, u.country, u.age_band,
  ${ONLINE_STATE_COLUMNS}, acct.*`;
export function onlineReadJoins(timeParam: string, endParam: string): string {
  return `CROSS JOIN (SELECT ${timeParam}::timestamptz AS t) p
  ${onlineStateJoins(endParam)}
  ${ACCOUNT_AS_OF_SQL}`;
}

export class FeatureService {
  private catalogue: { at: number; value: Record<string, number> } | null = null;
  private readonly repository: FeaturesRepository;

  constructor(private readonly dataSource: DataSource) {
    this.repository = new FeaturesRepository(dataSource);
  }

  /**
   * Fold stored views into their subscribers' online state in one statement (the ingest path folds
   * with the same CTEs inside its own write statement; see EventsRepository).
   */
  async applyEvents(
    runner: Queryable,
    views: readonly StoredView[],
    genresByTitle: ReadonlyMap<string, readonly string[]>,
  ): Promise<void> {
    await this.repository.foldViews(runner, views, genresByTitle);
  }

  /** First signup and the latest event of any kind: the span snapshots are planned over. */
  async dataSpan(): Promise<{ start: Date | null; last: Date | null }> {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT min(signup_at) FROM ${USERS} users) AS start,
              greatest((SELECT max(started_at) FROM ${VIEWING_EVENTS} viewing_events), (SELECT max(at) FROM ${ACCOUNT_EVENTS} subscription_events)) AS last`,
    );
    return row;
  }

  /** Subscribers, and how many have an online state (fewer: a rebuild is due). */
  counts(): Promise<{ users: number; states: number }> {
    return this.repository.counts();
  }

  /** Recompute every subscriber's online state from their full event history (after seeding or import). */
  async rebuildAll(progress?: Progress): Promise<number> {
    const maxId = await this.repository.maxUserId();
    let users = 0;
    for (let from = 1; from <= maxId; from += REBUILD_USERS_PER_CHUNK) {
      const to = from + REBUILD_USERS_PER_CHUNK;
      const n = await this.dataSource.transaction((m) => this.repository.rebuildRange(m, from, to));
      users += n;
      progress?.tick(n);
    }
    this.invalidateCatalogue();
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

  /** Online features at `t` (default now) for the given users that are ACTIVE, in id order. */
  async onlineAt(
    userIds: readonly string[],
    t: Date = new Date(),
    runner: Queryable = this.dataSource,
  ): Promise<FeatureRow[]> {
    if (userIds.length === 0) return [];
    const rows: OnlineRow[] = await preparedQuery(
      runner,
      `SELECT ${ONLINE_READ_SELECT} FROM ${USERS} u ${onlineReadJoins('$2', '$3')}
        WHERE u.id = ANY($1::bigint[]) AND u.status = 'ACTIVE' ORDER BY u.id`,
      [userIds, t.toISOString(), windowDay(t.getTime())],
    );
    return this.featureRows(rows, t, runner);
  }

  /** Feature vectors from rows of the online read (ONLINE_READ_SELECT), at `t`. */
  async featureRows(
    rows: readonly OnlineRow[],
    t: Date,
    runner: Queryable = this.dataSource,
  ): Promise<FeatureRow[]> {
    if (rows.length === 0) return [];
    const catalogue = await this.genreCatalogue(runner);
    const at = t.getTime();
    return rows.map((r) => featureRowFrom(r, at, catalogue));
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
