/**
 * Every statement over the retention tables: experiments and their assignments and outcomes,
 * plans and the subscribers each policy treats, simulation runs.
 */
import type { DataSource, EntityManager } from 'typeorm';

type Runner = Pick<DataSource | EntityManager, 'query'>;

export type PlanPolicy = 'UPLIFT' | 'RISKIEST' | 'RANDOM';
export type RunStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface ExperimentRow {
  id: string;
  strategy: string;
  parameters: Record<string, number>;
  share: number;
  target: Record<string, unknown>;
  /** The latest wave's start; the waves before it came every WAVE_EVERY_DAYS days. */
  campaignAt: Date;
  waves: number;
  horizonDays: number;
  seed: number;
  createdAt: Date;
  summary: ExperimentSummary;
}

/** What an experiment found, stored with it. */
export interface ExperimentSummary {
  treatedRows: number;
  controlRows: number;
  treatedChurnRate: number;
  controlChurnRate: number;
  /** Retention effect (treated − control retention rate) with its 95% interval. */
  effect: number;
  lower: number;
  upper: number;
  /** Share of treated subscribers who accepted the offer (1 for non-offers). */
  acceptance: number;
}

export interface AssignmentRow {
  /** Start of the wave the subscriber was assigned in. */
  campaignAt: Date;
  userId: string;
  treated: boolean;
  churned: boolean | null;
  cancelAfterDays: number | null;
  accepted: boolean | null;
  feeAtEnd: number | null;
}

export interface PlanRow {
  id: string;
  createdAt: Date;
  plannedAt: Date;
  budget: number;
  horizonDays: number;
  strategies: { code: string; parameters: Record<string, number> }[];
  target: Record<string, unknown>;
  experimentIds: string[];
  prediction: Record<string, unknown>;
}

export interface PlanAssignmentRow {
  policy: PlanPolicy;
  userId: string;
  strategy: string;
  risk: number;
  predictedSaved: number;
  predictedNet: number;
  predictedCost: number;
  lifetimeValue: number;
}

/** A candidate's predicted uplift (retention probability) under one strategy, and their risk. */
export interface PlanCandidateRow {
  userId: string;
  strategy: string;
  uplift: number;
  risk: number;
}

export interface SimulationRunRow {
  id: string;
  planId: string;
  status: RunStatus;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  result: Record<string, unknown> | null;
  error: string | null;
}

const EXPERIMENT_COLUMNS = `id::text, strategy, parameters, share, target, campaign_at AS "campaignAt", waves,
  horizon_days AS "horizonDays", seed, created_at AS "createdAt", summary`;
const PLAN_COLUMNS = `id::text, created_at AS "createdAt", planned_at AS "plannedAt", budget,
  horizon_days AS "horizonDays", strategies, target, experiment_ids::text[] AS "experimentIds", prediction`;
const RUN_COLUMNS = `id::text, plan_id::text AS "planId", status, requested_at AS "requestedAt",
  started_at AS "startedAt", finished_at AS "finishedAt", result, error`;

export class RetentionRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async insertExperiment(
    m: Runner,
    e: Omit<ExperimentRow, 'id' | 'createdAt'>,
    assignments: readonly AssignmentRow[],
  ): Promise<string> {
    const [{ id }] = await m.query(
      `INSERT INTO retention_experiments (strategy, parameters, share, target, campaign_at, waves, horizon_days, seed, summary)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id::text`,
      [
        e.strategy,
        JSON.stringify(e.parameters),
        e.share,
        JSON.stringify(e.target),
        e.campaignAt.toISOString(),
        e.waves,
        e.horizonDays,
        e.seed,
        JSON.stringify(e.summary),
      ],
    );
    await m.query(
      `INSERT INTO retention_assignments (experiment_id, campaign_at, user_id, treated, churned, cancel_after_days, accepted, fee_at_end)
       SELECT $1, * FROM unnest($2::timestamptz[], $3::bigint[], $4::boolean[], $5::boolean[], $6::int[], $7::boolean[], $8::numeric[])`,
      [
        id,
        assignments.map((a) => a.campaignAt.toISOString()),
        assignments.map((a) => a.userId),
        assignments.map((a) => a.treated),
        assignments.map((a) => a.churned),
        assignments.map((a) => a.cancelAfterDays),
        assignments.map((a) => a.accepted),
        assignments.map((a) => a.feeAtEnd),
      ],
    );
    return id;
  }

  async experiments(limit = 100): Promise<ExperimentRow[]> {
    const rows = await this.db.query(
      `SELECT ${EXPERIMENT_COLUMNS} FROM retention_experiments ORDER BY retention_experiments.id DESC LIMIT $1`,
      [limit],
    );
    return rows.map(experimentFrom);
  }

  async findExperiment(id: string): Promise<ExperimentRow | null> {
    const [row] = await this.db.query(
      `SELECT ${EXPERIMENT_COLUMNS} FROM retention_experiments WHERE id = $1`,
      [id],
    );
    return row ? experimentFrom(row) : null;
  }

  /** The latest experiment of a strategy at a horizon with exactly these parameters. */
  async latestExperiment(
    strategy: string,
    horizonDays: number,
    parameters: Record<string, number>,
  ): Promise<ExperimentRow | null> {
    const [row] = await this.db.query(
      `SELECT ${EXPERIMENT_COLUMNS} FROM retention_experiments
        WHERE strategy = $1 AND horizon_days = $2 AND parameters = $3::jsonb
        ORDER BY retention_experiments.id DESC LIMIT 1`,
      [strategy, horizonDays, JSON.stringify(parameters)],
    );
    return row ? experimentFrom(row) : null;
  }

  async assignments(experimentId: string): Promise<AssignmentRow[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT campaign_at AS "campaignAt", user_id::text AS "userId", treated, churned,
              cancel_after_days AS "cancelAfterDays", accepted, fee_at_end AS "feeAtEnd"
         FROM retention_assignments WHERE experiment_id = $1 ORDER BY campaign_at, user_id`,
      [experimentId],
    );
    return rows.map((r) => ({
      campaignAt: new Date(r.campaignAt as string),
      userId: String(r.userId),
      treated: Boolean(r.treated),
      churned: r.churned === null ? null : Boolean(r.churned),
      cancelAfterDays: r.cancelAfterDays === null ? null : Number(r.cancelAfterDays),
      accepted: r.accepted === null ? null : Boolean(r.accepted),
      feeAtEnd: r.feeAtEnd === null ? null : Number(r.feeAtEnd),
    }));
  }

  async insertPlan(
    m: Runner,
    plan: Omit<PlanRow, 'id' | 'createdAt'>,
    assignments: readonly PlanAssignmentRow[],
  ): Promise<string> {
    const [{ id }] = await m.query(
      `INSERT INTO retention_plans (planned_at, budget, horizon_days, strategies, target, experiment_ids, prediction)
       VALUES ($1, $2, $3, $4, $5, $6::bigint[], $7) RETURNING id::text`,
      [
        plan.plannedAt.toISOString(),
        plan.budget,
        plan.horizonDays,
        JSON.stringify(plan.strategies),
        JSON.stringify(plan.target),
        plan.experimentIds,
        JSON.stringify(plan.prediction),
      ],
    );
    await m.query(
      `INSERT INTO retention_plan_assignments (plan_id, policy, user_id, strategy, risk, predicted_saved,
                                               predicted_net, predicted_cost, lifetime_value)
       SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[], $5::float8[], $6::float8[],
                                $7::float8[], $8::float8[], $9::float8[])`,
      [
        id,
        assignments.map((a) => a.policy),
        assignments.map((a) => a.userId),
        assignments.map((a) => a.strategy),
        assignments.map((a) => a.risk),
        assignments.map((a) => a.predictedSaved),
        assignments.map((a) => a.predictedNet),
        assignments.map((a) => a.predictedCost),
        assignments.map((a) => a.lifetimeValue),
      ],
    );
    return id;
  }

  async insertCandidates(
    m: Runner,
    planId: string,
    rows: readonly PlanCandidateRow[],
  ): Promise<void> {
    await m.query(
      `INSERT INTO retention_plan_candidates (plan_id, user_id, strategy, uplift, risk)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::float8[], $5::float8[])`,
      [
        planId,
        rows.map((r) => r.userId),
        rows.map((r) => r.strategy),
        rows.map((r) => r.uplift),
        rows.map((r) => r.risk),
      ],
    );
  }

  async planCandidates(planId: string): Promise<PlanCandidateRow[]> {
    return this.db.query(
      `SELECT user_id::text AS "userId", strategy, uplift, risk
         FROM retention_plan_candidates WHERE plan_id = $1 ORDER BY strategy, user_id`,
      [planId],
    );
  }

  async findPlan(id: string): Promise<PlanRow | null> {
    const [row] = await this.db.query(`SELECT ${PLAN_COLUMNS} FROM retention_plans WHERE id = $1`, [
      id,
    ]);
    return row ? { ...row, budget: Number(row.budget) } : null;
  }

  async planAssignments(planId: string): Promise<PlanAssignmentRow[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT policy, user_id::text AS "userId", strategy, risk, predicted_saved AS "predictedSaved",
              predicted_net AS "predictedNet", predicted_cost AS "predictedCost",
              lifetime_value AS "lifetimeValue"
         FROM retention_plan_assignments WHERE plan_id = $1 ORDER BY policy, user_id`,
      [planId],
    );
    return rows as unknown as PlanAssignmentRow[];
  }

  async insertRun(planId: string): Promise<SimulationRunRow> {
    const [row] = await this.db.query(
      `INSERT INTO simulation_runs (plan_id, status) VALUES ($1, 'QUEUED') RETURNING ${RUN_COLUMNS}`,
      [planId],
    );
    return row;
  }

  async markRun(
    id: string,
    status: RunStatus,
    fields: { result?: Record<string, unknown>; error?: string } = {},
  ): Promise<void> {
    await this.db.query(
      `UPDATE simulation_runs
          SET status = $2::retention_run_status,
              started_at = CASE WHEN $2::text = 'RUNNING' THEN now() ELSE started_at END,
              finished_at = CASE WHEN $2::text IN ('SUCCEEDED', 'FAILED') THEN now() ELSE finished_at END,
              result = coalesce($3::jsonb, result),
              error = coalesce($4, error)
        WHERE id = $1`,
      [id, status, fields.result ? JSON.stringify(fields.result) : null, fields.error ?? null],
    );
  }

  async findRun(id: string): Promise<SimulationRunRow | null> {
    const [row] = await this.db.query(`SELECT ${RUN_COLUMNS} FROM simulation_runs WHERE id = $1`, [
      id,
    ]);
    return row ?? null;
  }

  /** Runs a previous process left open (it stopped mid-run) are marked FAILED. */
  async failInterruptedRuns(): Promise<void> {
    await this.db.query(
      `UPDATE simulation_runs SET status = 'FAILED', finished_at = now(),
              error = 'interrupted: the service stopped during the run'
        WHERE status IN ('QUEUED', 'RUNNING')`,
    );
  }
}

function experimentFrom(r: Record<string, unknown>): ExperimentRow {
  return {
    ...(r as unknown as ExperimentRow),
    share: Number(r.share),
    waves: Number(r.waves),
    horizonDays: Number(r.horizonDays),
    seed: Number(r.seed),
  };
}
