/**
 * Every statement over the survival module's tables: survival_versions (one active) and
 * segment_survival_curves (each segment run's observed curves, computed once).
 */
import type { DataSource } from 'typeorm';
import type { SurvivalMetadata } from './survival-metadata';

export interface SurvivalVersionRow {
  version: string;
  createdAt: Date;
  variant: string;
  active: boolean;
  activatedAt: Date | null;
  metadata: SurvivalMetadata;
}

const COLUMNS = `version, created_at AS "createdAt", variant, active, activated_at AS "activatedAt", metadata`;

export class SurvivalRepository {
  constructor(private readonly db: DataSource) {}

  async insertVersion(metadata: SurvivalMetadata): Promise<void> {
    await this.db.query(
      `INSERT INTO survival_versions (version, created_at, variant, metrics, metadata)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        metadata.version,
        metadata.createdAt,
        metadata.variant,
        JSON.stringify(metadata.metrics),
        JSON.stringify(metadata),
      ],
    );
  }

  /** Make `version` the only active row; false when there is no such version. */
  async activate(version: string): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const found: unknown[] = await m.query('SELECT 1 FROM survival_versions WHERE version = $1', [
        version,
      ]);
      if (found.length === 0) return false;
      await m.query('UPDATE survival_versions SET active = false WHERE active');
      await m.query(
        'UPDATE survival_versions SET active = true, activated_at = now() WHERE version = $1',
        [version],
      );
      return true;
    });
  }

  async activeVersion(): Promise<SurvivalVersionRow | null> {
    const [row] = await this.db.query(`SELECT ${COLUMNS} FROM survival_versions WHERE active`);
    return row ?? null;
  }

  async find(version: string): Promise<SurvivalVersionRow | null> {
    const [row] = await this.db.query(
      `SELECT ${COLUMNS} FROM survival_versions WHERE version = $1`,
      [version],
    );
    return row ?? null;
  }

  /** Every version, newest first. */
  async list(): Promise<SurvivalVersionRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM survival_versions ORDER BY created_at DESC, version DESC`,
    );
  }

  async segmentCurves<T>(segmentRunId: string): Promise<T | null> {
    const [row] = await this.db.query(
      'SELECT curves FROM segment_survival_curves WHERE segment_run_id = $1',
      [segmentRunId],
    );
    return (row?.curves as T) ?? null;
  }

  async saveSegmentCurves(segmentRunId: string, curves: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO segment_survival_curves (segment_run_id, curves) VALUES ($1, $2)
       ON CONFLICT (segment_run_id) DO UPDATE SET curves = excluded.curves, computed_at = now()`,
      [segmentRunId, JSON.stringify(curves)],
    );
  }
}
