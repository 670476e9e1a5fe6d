/**
 * Churn features at a snapshot, read once per job: a plan's campaigns all start on the same day,
 * and each campaign's rows are read again to fit its model. Lives for one call, never in module
 * state.
 */
import type { FeatureRow, FeatureService } from '../features/feature.service';

export class FeatureSnapshots {
  private readonly snapshots = new Map<string, Promise<FeatureRow[]>>();

  constructor(private readonly features: FeatureService) {}

  /** Every active subscriber's features at `at` (then filtered to `userIds` when given). */
  async at(at: Date, horizonDays: number, userIds?: readonly string[]): Promise<FeatureRow[]> {
    const key = `${at.toISOString()}/${horizonDays}`;
    let rows = this.snapshots.get(key);
    if (!rows) {
      rows = this.features.batchAt(at, horizonDays);
      this.snapshots.set(key, rows);
    }
    const all = await rows;
    if (!userIds) return all;
    const wanted = new Set(userIds);
    return all.filter((r) => wanted.has(r.userId));
  }
}
