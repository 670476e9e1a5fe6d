import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-day viewing aggregates of the online features, one narrow row per (subscriber, UTC day), updated
 * by an additive upsert in the ingest transaction. They used to live inside the user_features jsonb,
 * which made every batch rewrite ~1.4 kB per subscriber; the jsonb keeps only the genre and decay state.
 */
export class UserActivityDaily1764288000000 implements MigrationInterface {
  name = 'UserActivityDaily1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_activity_daily (
        user_id         bigint NOT NULL REFERENCES users (id),
        day             integer NOT NULL,
        sessions        integer NOT NULL,
        seconds         double precision NOT NULL,
        completion_sum  double precision NOT NULL,
        abandoned       integer NOT NULL,
        devices         integer NOT NULL,
        PRIMARY KEY (user_id, day)
      )`);
    // Older states carry their own daily arrays: mark them stale so the next start rebuilds both.
    await q.query(`UPDATE user_features SET state = state - 'version'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_activity_daily`);
  }
}
