import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live path designed around the database: the online feature state as columns that set-based
 * upserts can fold new events into (no read-modify-write of a jsonb row from Node), the subscriber's
 * latest risk and the per-level totals maintained as scores are written, a leased outbox that also
 * carries account events and time-driven rescores, account events with client ids, and alerts with a
 * lifecycle (one open alert per subscriber).
 *
 * Decayed sums are stored in log space: log Σ exp(t_i / τ) with t_i in days since the epoch, so a
 * late event adds its own term (the sum is order-independent), nothing overflows, and the value at
 * time T is exp(L − T / τ).
 */
export class SetBasedLivePath1764720000000 implements MigrationInterface {
  name = 'SetBasedLivePath1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION logaddexp(a float8, b float8) RETURNS float8
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a
                    WHEN a = '-Infinity' THEN b WHEN b = '-Infinity' THEN a
                    ELSE greatest(a, b) + ln(1 + exp(-abs(a - b))) END
      $$`);
    await q.query(`CREATE AGGREGATE logsumexp(float8) (SFUNC = logaddexp, STYPE = float8)`);

    await this.featureState(q);
    await this.riskState(q);
    await this.outbox(q);
    await this.accountEvents(q);
    await this.alertLifecycle(q);
  }

  /** Online features: per subscriber, per (subscriber, genre) and per (subscriber, title). */
  private async featureState(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_feature_state (
        user_id        bigint PRIMARY KEY,
        last_view_at   timestamptz,
        views_log_7d   float8,
        views_log_90d  float8,
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    // weight_log: log Σ (watched s / genres of the title) · exp(t_i / 30 d); titles: distinct titles
    // started, 1 for the primary genre and 0.5 for the others.
    await q.query(`
      CREATE TABLE user_genre_state (
        user_id     bigint NOT NULL,
        genre       text NOT NULL,
        weight_log  float8,
        titles      float8 NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, genre)
      )`);
    // One row per title a subscriber ever started: its insert (ON CONFLICT DO NOTHING … RETURNING)
    // says, race-free, which views of a batch are first views.
    await q.query(`
      CREATE TABLE user_titles (
        user_id   bigint NOT NULL,
        title_id  bigint NOT NULL,
        first_at  timestamptz NOT NULL,
        PRIMARY KEY (user_id, title_id)
      )`);
    await q.query(`DROP TABLE user_features`);
  }

  /** The latest score of each active subscriber, and the per-level totals of those. */
  private async riskState(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_risk (
        user_id        bigint PRIMARY KEY,
        score_id       bigint NOT NULL,
        probability    float8 NOT NULL,
        risk_level     risk_level NOT NULL,
        model_version  text NOT NULL,
        scored_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX user_risk_scored_idx ON user_risk (scored_at)`);
    await q.query(
      `CREATE INDEX user_risk_level_idx ON user_risk (risk_level, probability DESC, user_id)`,
    );
    await q.query(`
      INSERT INTO user_risk
      SELECT DISTINCT ON (s.user_id) s.user_id, s.id, s.probability, s.risk_level, s.model_version, s.scored_at
        FROM churn_scores s JOIN users u ON u.id = s.user_id AND u.status = 'ACTIVE'
       ORDER BY s.user_id, s.scored_at DESC, s.id DESC`);
    await q.query(`
      CREATE TABLE risk_level_totals (
        risk_level        risk_level PRIMARY KEY,
        users             integer NOT NULL,
        probability_sum   float8 NOT NULL
      )`);
    await q.query(`
      INSERT INTO risk_level_totals
      SELECT l, count(r.user_id)::int, coalesce(sum(r.probability), 0)
        FROM unnest(enum_range(NULL::risk_level)) AS l LEFT JOIN user_risk r ON r.risk_level = l
       GROUP BY l`);
    // Counts per level over time: one row per level each hour and after each batch scoring.
    await q.query(`
      CREATE TABLE risk_level_snapshots (
        taken_at          timestamptz NOT NULL,
        reason            text NOT NULL,
        risk_level        risk_level NOT NULL,
        users             integer NOT NULL,
        mean_probability  float8,
        PRIMARY KEY (taken_at, risk_level)
      )`);
    await q.query(`ALTER TABLE churn_scores ADD COLUMN cause_account_event_id bigint`);
    await q.query(
      `CREATE UNIQUE INDEX churn_scores_cause_account_event_key ON churn_scores (cause_account_event_id)
         WHERE cause_account_event_id IS NOT NULL`,
    );
  }

  /**
   * The outbox carries three causes: a viewing event, an account event, or time passing. A claim
   * leases rows (no transaction is held while the model runs); the statement that stores the
   * scores deletes them, so each row still becomes one score.
   */
  private async outbox(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE score_cause AS ENUM ('VIEWING', 'ACCOUNT', 'TIME')`);
    await q.query(`
      ALTER TABLE score_outbox
        ADD COLUMN cause score_cause NOT NULL DEFAULT 'VIEWING',
        ADD COLUMN account_event_id bigint,
        ADD COLUMN lease_token uuid,
        ADD COLUMN lease_until timestamptz,
        ALTER COLUMN event_id DROP NOT NULL`);
    await q.query(`CREATE INDEX score_outbox_user_idx ON score_outbox (user_id)`);
  }

  private async accountEvents(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE subscription_event_kind ADD VALUE IF NOT EXISTS 'PAYMENT_RECOVERED'`);
    await q.query(`ALTER TYPE subscription_event_kind ADD VALUE IF NOT EXISTS 'PRICE_DECREASE'`);
    await q.query(`
      ALTER TABLE subscription_events
        ADD COLUMN client_event_id text,
        ADD COLUMN ingested_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(
      `CREATE UNIQUE INDEX subscription_events_client_event_id_key ON subscription_events (client_event_id)
         WHERE client_event_id IS NOT NULL`,
    );
  }

  /** One open alert per subscriber, OPEN → ACKNOWLEDGED → RESOLVED, in raise order. */
  private async alertLifecycle(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE alert_status AS ENUM ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')`);
    await q.query(
      `CREATE TYPE alert_resolution AS ENUM ('RISK_FELL', 'CHURNED', 'RETAINED', 'MANUAL', 'SUPERSEDED')`,
    );
    await q.query(`ALTER TYPE alert_reason ADD VALUE IF NOT EXISTS 'HIGH_RISK'`);
    await q.query(`CREATE SEQUENCE risk_alert_raise_seq`);
    await q.query(`
      ALTER TABLE risk_alerts
        DROP CONSTRAINT risk_alerts_cause_event_id_fkey,
        ALTER COLUMN previous_probability DROP NOT NULL,
        ALTER COLUMN previous_level DROP NOT NULL,
        ADD COLUMN cause_account_event_id bigint,
        ADD COLUMN status alert_status NOT NULL DEFAULT 'OPEN',
        ADD COLUMN resolution alert_resolution,
        ADD COLUMN raised_seq bigint,
        ADD COLUMN level_reached_at timestamptz,
        ADD COLUMN opened_level risk_level,
        ADD COLUMN current_level risk_level,
        ADD COLUMN current_probability float8,
        ADD COLUMN peak_probability float8,
        ADD COLUMN updated_at timestamptz,
        ADD COLUMN acknowledged_at timestamptz,
        ADD COLUMN acknowledged_by text,
        ADD COLUMN resolved_at timestamptz,
        ADD COLUMN resolved_by text,
        ADD COLUMN note text`);
    await q.query(`
      UPDATE risk_alerts SET raised_seq = id, level_reached_at = raised_at, opened_level = risk_level,
             current_level = risk_level,
             current_probability = probability, peak_probability = probability, updated_at = raised_at`);
    await q.query(
      `SELECT setval('risk_alert_raise_seq', greatest(1, (SELECT max(id) FROM risk_alerts)))`,
    );
    // Alerts stacked before the lifecycle existed: the latest per subscriber stays open.
    await q.query(`
      UPDATE risk_alerts a SET status = 'RESOLVED', resolution = 'SUPERSEDED', resolved_at = a.raised_at
       WHERE EXISTS (SELECT 1 FROM risk_alerts b WHERE b.user_id = a.user_id AND b.id > a.id)`);
    await q.query(`
      ALTER TABLE risk_alerts
        ALTER COLUMN raised_seq SET NOT NULL,
        ALTER COLUMN raised_seq SET DEFAULT nextval('risk_alert_raise_seq'),
        ALTER COLUMN level_reached_at SET NOT NULL,
        ALTER COLUMN opened_level SET NOT NULL,
        ALTER COLUMN current_level SET NOT NULL,
        ALTER COLUMN current_probability SET NOT NULL,
        ALTER COLUMN peak_probability SET NOT NULL,
        ALTER COLUMN updated_at SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX risk_alerts_raised_seq_key ON risk_alerts (raised_seq)`);
    await q.query(
      `CREATE UNIQUE INDEX risk_alerts_one_open ON risk_alerts (user_id) WHERE status <> 'RESOLVED'`,
    );
    await q.query(`CREATE INDEX risk_alerts_status_idx ON risk_alerts (status, raised_seq)`);
    await q.query(`
      CREATE TABLE alert_quality_runs (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        created_at  timestamptz NOT NULL DEFAULT now(),
        params      jsonb NOT NULL,
        result      jsonb NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_quality_runs`);
    await q.query(
      `DROP INDEX risk_alerts_status_idx, risk_alerts_one_open, risk_alerts_raised_seq_key`,
    );
    await q.query(`
      ALTER TABLE risk_alerts
        DROP COLUMN cause_account_event_id, DROP COLUMN status, DROP COLUMN resolution,
        DROP COLUMN raised_seq, DROP COLUMN level_reached_at, DROP COLUMN opened_level,
        DROP COLUMN current_level,
        DROP COLUMN current_probability, DROP COLUMN peak_probability, DROP COLUMN updated_at,
        DROP COLUMN acknowledged_at, DROP COLUMN acknowledged_by, DROP COLUMN resolved_at,
        DROP COLUMN resolved_by, DROP COLUMN note`);
    await q.query(`DROP SEQUENCE risk_alert_raise_seq`);
    await q.query(`DROP TYPE alert_resolution, alert_status`);
    await q.query(`DROP INDEX subscription_events_client_event_id_key`);
    await q.query(
      `ALTER TABLE subscription_events DROP COLUMN client_event_id, DROP COLUMN ingested_at`,
    );
    await q.query(`DELETE FROM score_outbox WHERE event_id IS NULL`);
    await q.query(`DROP INDEX score_outbox_user_idx`);
    await q.query(`
      ALTER TABLE score_outbox DROP COLUMN cause, DROP COLUMN account_event_id,
        DROP COLUMN lease_token, DROP COLUMN lease_until, ALTER COLUMN event_id SET NOT NULL`);
    await q.query(`DROP TYPE score_cause`);
    await q.query(`DROP INDEX churn_scores_cause_account_event_key`);
    await q.query(`ALTER TABLE churn_scores DROP COLUMN cause_account_event_id`);
    await q.query(`DROP TABLE risk_level_snapshots, risk_level_totals, user_risk`);
    await q.query(`
      CREATE TABLE user_features (
        user_id     bigint PRIMARY KEY REFERENCES users (id),
        state       jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`DROP TABLE user_titles, user_genre_state, user_feature_state`);
    await q.query(`DROP AGGREGATE logsumexp(float8)`);
    await q.query(`DROP FUNCTION logaddexp(float8, float8)`);
  }
}
