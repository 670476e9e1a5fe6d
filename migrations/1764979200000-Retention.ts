import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention: randomised campaigns (experiments) with each subscriber's assignment and outcome,
 * budgeted plans with the subscribers each policy treats and every candidate's predicted uplift
 * per strategy, and simulation runs that replay a plan in the synthetic world.
 */
export class Retention1764979200000 implements MigrationInterface {
  name = 'Retention1764979200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE retention_run_status AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')`,
    );
    await q.query(`
      CREATE TABLE retention_experiments (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        strategy      text NOT NULL,
        parameters    jsonb NOT NULL,
        share         double precision NOT NULL CHECK (share > 0 AND share < 1),
        target        jsonb NOT NULL,
        campaign_at   timestamptz NOT NULL,
        waves         integer NOT NULL CHECK (waves > 0),
        horizon_days  integer NOT NULL CHECK (horizon_days > 0),
        seed          integer NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        summary       jsonb NOT NULL
      )`);
    await q.query(
      `CREATE INDEX retention_experiments_strategy_idx ON retention_experiments (strategy, horizon_days, id)`,
    );
    await q.query(`
      CREATE TABLE retention_assignments (
        experiment_id      bigint NOT NULL REFERENCES retention_experiments (id) ON DELETE CASCADE,
        campaign_at        timestamptz NOT NULL,
        user_id            bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        treated            boolean NOT NULL,
        churned            boolean,
        cancel_after_days  integer,
        accepted           boolean,
        fee_at_end         numeric(8, 2),
        PRIMARY KEY (experiment_id, campaign_at, user_id)
      )`);
    await q.query(`
      CREATE TABLE retention_plans (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        created_at      timestamptz NOT NULL DEFAULT now(),
        planned_at      timestamptz NOT NULL,
        budget          double precision NOT NULL,
        horizon_days    integer NOT NULL,
        strategies      jsonb NOT NULL,
        target          jsonb NOT NULL,
        experiment_ids  bigint[] NOT NULL,
        prediction      jsonb NOT NULL
      )`);
    await q.query(`
      CREATE TABLE retention_plan_assignments (
        plan_id          bigint NOT NULL REFERENCES retention_plans (id) ON DELETE CASCADE,
        policy           text NOT NULL CHECK (policy IN ('UPLIFT', 'RISKIEST', 'RANDOM')),
        user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        strategy         text NOT NULL,
        risk             double precision NOT NULL,
        predicted_saved  double precision NOT NULL,
        predicted_net    double precision NOT NULL,
        predicted_cost   double precision NOT NULL,
        lifetime_value   double precision NOT NULL,
        PRIMARY KEY (plan_id, policy, user_id)
      )`);
    await q.query(`
      CREATE TABLE retention_plan_candidates (
        plan_id   bigint NOT NULL REFERENCES retention_plans (id) ON DELETE CASCADE,
        user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        strategy  text NOT NULL,
        uplift    double precision NOT NULL,
        risk      double precision NOT NULL,
        PRIMARY KEY (plan_id, strategy, user_id)
      )`);
    await q.query(`
      CREATE TABLE simulation_runs (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        plan_id       bigint NOT NULL REFERENCES retention_plans (id) ON DELETE CASCADE,
        status        retention_run_status NOT NULL,
        requested_at  timestamptz NOT NULL DEFAULT now(),
        started_at    timestamptz,
        finished_at   timestamptz,
        result        jsonb,
        error         text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE simulation_runs, retention_plan_candidates, retention_plan_assignments, retention_plans, retention_assignments, retention_experiments`,
    );
    await q.query(`DROP TYPE retention_run_status`);
  }
}
