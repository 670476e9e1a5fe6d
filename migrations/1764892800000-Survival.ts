import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Survival: the versions of the time-to-cancel model (files under MODEL_DIR/survival/, mirrored here
 * like model_versions, one active) and the observed Kaplan–Meier curves of each segment run's
 * segments, kept once computed (they need the batch features of the run's snapshot).
 */
export class Survival1764892800000 implements MigrationInterface {
  name = 'Survival1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE survival_versions (
        version       text PRIMARY KEY,
        created_at    timestamptz NOT NULL DEFAULT now(),
        variant       text NOT NULL,
        active        boolean NOT NULL DEFAULT false,
        activated_at  timestamptz,
        metrics       jsonb NOT NULL,
        metadata      jsonb NOT NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX survival_versions_one_active ON survival_versions (active) WHERE active`,
    );
    await q.query(`
      CREATE TABLE segment_survival_curves (
        segment_run_id  bigint PRIMARY KEY,
        computed_at     timestamptz NOT NULL DEFAULT now(),
        curves          jsonb NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE segment_survival_curves, survival_versions`);
  }
}
