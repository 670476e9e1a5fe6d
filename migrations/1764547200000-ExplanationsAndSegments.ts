import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why they leave: the attributions stored with each score, global feature importance per model
 * version, and segment runs with their segments and memberships.
 */
export class ExplanationsAndSegments1764547200000 implements MigrationInterface {
  name = 'ExplanationsAndSegments1764547200000';

  async up(q: QueryRunner): Promise<void> {
    // What a score's explanation is relative to, and everything beyond the stored top features, so a
    // stored explanation can be checked for completeness: Σ top + rest = logit − baseline_logit.
    await q.query(`
      ALTER TABLE churn_scores
        ADD COLUMN logit double precision,
        ADD COLUMN baseline_logit double precision,
        ADD COLUMN attribution_method text,
        ADD COLUMN attribution_rest double precision`);

    // The top contributions of each score, written in the scoring transaction: one row per score with
    // the contributions as parallel arrays (rank order), because they are always written and read
    // together with their score; a row per contribution cost five index entries per live score. No
    // foreign key: the row is written in the statement that inserts its score, and never alone.
    await q.query(`
      CREATE TABLE feature_attributions (
        score_id       bigint PRIMARY KEY,
        features       text[] NOT NULL,
        "values"       double precision[] NOT NULL,
        value_texts    text[] NOT NULL,
        contributions  double precision[] NOT NULL
      )`);

    await q.query(`CREATE TYPE importance_kind AS ENUM ('MEAN_ABS_ATTRIBUTION', 'PERMUTATION')`);
    await q.query(`
      CREATE TABLE feature_importance (
        model_version  text NOT NULL REFERENCES model_versions (version) ON DELETE CASCADE,
        kind           importance_kind NOT NULL,
        feature        text NOT NULL,
        importance     double precision NOT NULL,
        spread         double precision,
        signed         double precision,
        rows           integer NOT NULL,
        computed_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model_version, kind, feature)
      )`);

    await q.query(`
      CREATE TABLE segment_runs (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        created_at     timestamptz NOT NULL DEFAULT now(),
        snapshot_at    timestamptz NOT NULL,
        horizon_days   integer NOT NULL,
        model_version  text REFERENCES model_versions (version),
        seed           integer NOT NULL,
        k              integer NOT NULL,
        silhouette     double precision,
        silhouette_by_k jsonb NOT NULL,
        features       text[] NOT NULL,
        standardizer   jsonb NOT NULL,
        fitted_users   integer NOT NULL,
        assigned_users integer NOT NULL,
        timings        jsonb NOT NULL,
        previous_run_id bigint REFERENCES segment_runs (id)
      )`);
    await q.query(`
      CREATE TABLE segments (
        run_id              bigint NOT NULL REFERENCES segment_runs (id) ON DELETE CASCADE,
        id                  integer NOT NULL,
        label               text NOT NULL,
        size                integer NOT NULL,
        share               double precision NOT NULL,
        fitted_size         integer NOT NULL,
        churn_rate          double precision,
        mean_risk           double precision,
        centroid            double precision[] NOT NULL,
        centroid_z          double precision[] NOT NULL,
        traits              jsonb NOT NULL,
        risk_distribution   jsonb NOT NULL,
        patterns            jsonb NOT NULL,
        previous_id         integer,
        match_distance      double precision,
        previous_size       integer,
        previous_churn_rate double precision,
        PRIMARY KEY (run_id, id)
      )`);
    await q.query(`
      CREATE TABLE user_segments (
        run_id      bigint NOT NULL REFERENCES segment_runs (id) ON DELETE CASCADE,
        user_id     bigint NOT NULL REFERENCES users (id),
        segment_id  integer NOT NULL,
        PRIMARY KEY (run_id, user_id)
      )`);
    await q.query(
      `CREATE INDEX user_segments_segment_idx ON user_segments (run_id, segment_id, user_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE user_segments, segments, segment_runs, feature_importance, feature_attributions`,
    );
    await q.query(`DROP TYPE importance_kind`);
    await q.query(`
      ALTER TABLE churn_scores DROP COLUMN logit, DROP COLUMN baseline_logit,
        DROP COLUMN attribution_method, DROP COLUMN attribution_rest`);
  }
}
