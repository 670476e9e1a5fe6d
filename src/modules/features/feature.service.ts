import type { DataSource } from 'typeorm';
import { type Queryable } from '../../common/prepared-query';
import type { Progress } from '../../common/progress';
import { GENRE_CATALOGUE_SQL, batchFeaturesSql, sequenceFromJson } from './batch-features';
import { FEATURES, type FeatureValues } from './feature-definitions';
import { FeaturesRepository, type StoredView } from './features.repository';
import { featureRowFrom, type FeatureRow, type OnlineRow } from './online-rows';
import { readOnlineRows } from './online-read-sql';

export type { FeatureRow } from './online-rows';
export type { StoredView as ViewForFeatures } from './features.repository';

export interface LabelledFeatureRow extends FeatureRow {
  label: number;
}

const REBUILD_USERS_PER_CHUNK = 5000;
const CATALOGUE_TTL_MS = 60_000;

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
    return this.repository.dataSpan();
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
    const rows = await readOnlineRows(runner, userIds, t);
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
