/** Every statement over feature_importance: each model version's global importance, by kind. */
import type { DataSource } from 'typeorm';
import type { ImportanceKind } from './explanation.types';

export interface ImportanceRow {
  kind: ImportanceKind;
  feature: string;
  importance: number;
  spread: number | null;
  signed: number | null;
  rows: number;
  computed_at: Date;
}

/** One feature's importance as stored (spread and signed where the kind has them). */
export interface ImportanceEntryInput {
  feature: string;
  importance: number;
  spread: number | null;
  signed: number | null;
}

export class ExplanationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A version's importance rows, every kind, strongest first within a kind. */
  importance(version: string): Promise<ImportanceRow[]> {
    return this.dataSource.query(
      `SELECT kind, feature, importance, spread, signed, rows, computed_at FROM feature_importance
        WHERE model_version = $1 ORDER BY kind, importance DESC, feature`,
      [version],
    );
  }

  /** Replace one kind of a version's importance in one transaction. */
  async replaceImportance(
    version: string,
    kind: ImportanceKind,
    entries: readonly ImportanceEntryInput[],
    rows: number,
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await m.query('DELETE FROM feature_importance WHERE model_version = $1 AND kind = $2', [
        version,
        kind,
      ]);
      if (entries.length === 0) return;
      await m.query(
        `INSERT INTO feature_importance (model_version, kind, feature, importance, spread, signed, rows)
         SELECT $1, $2, * FROM unnest($3::text[], $4::float8[], $5::float8[], $6::float8[], $7::int[])`,
        [
          version,
          kind,
          entries.map((e) => e.feature),
          entries.map((e) => e.importance),
          entries.map((e) => e.spread),
          entries.map((e) => e.signed),
          entries.map(() => rows),
        ],
      );
    });
  }
}
