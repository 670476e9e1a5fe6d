import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recommendations: the versions of the collaborative model (files under MODEL_DIR/recommenders/,
 * mirrored here like model_versions) and every recommendation served, as impressions that later
 * viewing events are attributed to.
 */
export class Recommendations1764633600000 implements MigrationInterface {
  name = 'Recommendations1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recommender_versions (
        version       text PRIMARY KEY,
        created_at    timestamptz NOT NULL DEFAULT now(),
        active        boolean NOT NULL DEFAULT false,
        activated_at  timestamptz,
        metrics       jsonb NOT NULL,
        metadata      jsonb NOT NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX recommender_versions_one_active ON recommender_versions (active) WHERE active`,
    );
    await q.query(`
      CREATE TABLE recommendation_impressions (
        id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        list_id              uuid NOT NULL,
        user_id              bigint NOT NULL REFERENCES users (id),
        title_id             bigint NOT NULL REFERENCES titles (id),
        rank                 smallint NOT NULL,
        source               text NOT NULL,
        score                double precision NOT NULL,
        reasons              text[] NOT NULL,
        risk_level           risk_level,
        recommender_version  text,
        served_at            timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX recommendation_impressions_user_title_idx ON recommendation_impressions (user_id, title_id, served_at)`,
    );
    await q.query(
      `CREATE INDEX recommendation_impressions_served_idx ON recommendation_impressions (served_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE recommendation_impressions, recommender_versions`);
  }
}
