import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * (user, title) lookups: whether a view is the subscriber's first of a title (online features, on every
 * ingested batch) and a subscriber's history of a title (recommendations). Without it the first-view
 * check scanned every event of the batch's subscribers.
 */
export class ViewingEventsUserTitle1764460800000 implements MigrationInterface {
  name = 'ViewingEventsUserTitle1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX viewing_events_user_title_idx ON viewing_events (user_id, title_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX viewing_events_user_title_idx`);
  }
}
