import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rescoring queue and the live scores' cause without foreign keys. score_outbox rows live for
 * milliseconds, written and deleted on every ingested batch, and users and viewing events are never
 * deleted, so the checks bought nothing and cost an index probe per row; the same holds for the
 * cause of a live score. `IF EXISTS`: databases created by an earlier build of LiveRescoring never had
 * these constraints.
 */
export class LiveQueueWithoutForeignKeys1765065600000 implements MigrationInterface {
  name = 'LiveQueueWithoutForeignKeys1765065600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE score_outbox
        DROP CONSTRAINT IF EXISTS score_outbox_user_id_fkey,
        DROP CONSTRAINT IF EXISTS score_outbox_event_id_fkey`);
    await q.query(
      `ALTER TABLE churn_scores DROP CONSTRAINT IF EXISTS churn_scores_cause_event_id_fkey`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE score_outbox
        ADD CONSTRAINT score_outbox_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
        ADD CONSTRAINT score_outbox_event_id_fkey FOREIGN KEY (event_id) REFERENCES viewing_events (id)`);
    await q.query(`
      ALTER TABLE churn_scores
        ADD CONSTRAINT churn_scores_cause_event_id_fkey FOREIGN KEY (cause_event_id) REFERENCES viewing_events (id)`);
  }
}
