import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live path: an outbox of subscribers to rescore (written in the ingest transaction, deleted in
 * the scoring transaction, so every committed event is scored exactly once even across a crash),
 * the event behind each live score, and persisted risk alerts (ids in commit order: see
 * AlertsService.record).
 */
export class LiveRescoring1764374400000 implements MigrationInterface {
  name = 'LiveRescoring1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE score_outbox (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id      bigint NOT NULL REFERENCES users (id),
        event_id     bigint NOT NULL REFERENCES viewing_events (id),
        enqueued_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX score_outbox_enqueued_idx ON score_outbox (enqueued_at)`);

    // The latest event a live score was computed after; null for batch scores. Unique: an outbox row
    // produces one score, and a retried or concurrent claim can never produce a second.
    await q.query(
      `ALTER TABLE churn_scores ADD COLUMN cause_event_id bigint REFERENCES viewing_events (id)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX churn_scores_cause_event_key ON churn_scores (cause_event_id)
         WHERE cause_event_id IS NOT NULL`,
    );

    await q.query(`CREATE TYPE alert_reason AS ENUM ('LEVEL_CROSSED', 'PROBABILITY_JUMP')`);
    await q.query(`
      CREATE TABLE risk_alerts (
        id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id               bigint NOT NULL REFERENCES users (id),
        score_id              bigint NOT NULL UNIQUE REFERENCES churn_scores (id),
        reason                alert_reason NOT NULL,
        probability           double precision NOT NULL,
        previous_probability  double precision NOT NULL,
        risk_level            risk_level NOT NULL,
        previous_level        risk_level NOT NULL,
        model_version         text NOT NULL,
        cause_event_id        bigint REFERENCES viewing_events (id),
        raised_at             timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX risk_alerts_user_idx ON risk_alerts (user_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE risk_alerts`);
    await q.query(`DROP TYPE alert_reason`);
    await q.query(`DROP INDEX churn_scores_cause_event_key`);
    await q.query(`ALTER TABLE churn_scores DROP COLUMN cause_event_id`);
    await q.query(`DROP TABLE score_outbox`);
  }
}
