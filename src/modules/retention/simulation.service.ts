/**
 * Replays a plan in the synthetic world and reports realised against predicted. For every
 * subscriber a policy treats, the world's future from the plan date is replayed with and without
 * the strategy under common random numbers: the expected difference is the truth (true value),
 * one coupled pair of realised futures is what a campaign would have observed. The plan's uplift
 * policy is shown beside its two reference policies at the same budget, and each strategy's
 * targeting (predicted uplift, risk, random) is scored by the area under its true gain curve.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from '../../common/logger';
import { trueGain } from '../../ml/uplift';
import type { AppPubSub } from '../../pubsub/pubsub';
import { RetentionTopic } from './retention.topics';
import type { Treatment } from '../../../seeds/world/retention-effects';
import type { ArmExpectation } from '../../../seeds/world/strategy-replay';
import { retentionNotFound } from './retention.errors';
import type {
  PlanAssignmentRow,
  PlanPolicy,
  PlanRow,
  RetentionRepository,
  RunStatus,
  SimulationRunRow,
} from './retention.repository';
import { strategyByCode, type RetentionStrategyDefinition } from './strategy-catalogue';
import type { WorldBranch, WorldLab } from './world-lab';

export const SIMULATION_REPLAYS = 16;
const POLICIES: PlanPolicy[] = ['UPLIFT', 'RISKIEST', 'RANDOM'];
/** Salt of the realised futures, apart from every campaign's. */
const REALISED_SALT = 0x5eed;

interface Money {
  saved: number;
  valueKept: number;
  cost: number;
  net: number;
}

export interface PolicyOutcome {
  policy: PlanPolicy;
  treated: number;
  predicted: Money & { roi: number };
  truth: Money & { roi: number };
  realised: Money & { roi: number };
}

export interface TargetingOutcome {
  strategy: string;
  candidates: number;
  /** AUUC of the true effects (saved subscribers per candidate) ranked by each score. */
  upliftAuuc: number;
  riskAuuc: number;
  randomAuuc: number;
}

export interface SimulationResult {
  plannedAt: string;
  horizonDays: number;
  replays: number;
  policies: PolicyOutcome[];
  /** The plan's predicted net value and its 95% interval. */
  predictedNet: { mean: number; lower: number; upper: number };
  truthWithinInterval: boolean;
  /** (true net of the uplift plan − that of "treat the riskiest") / |the latter|. */
  upliftOverRiskiest: number;
  targeting: TargetingOutcome[];
  /** Treated subscribers no longer active in the world (left out). */
  skipped: number;
}

export class SimulationService {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repository: RetentionRepository,
    private readonly lab: WorldLab,
    private readonly pubSub: AppPubSub,
    private readonly logger: Logger,
  ) {}

  /** Queue a run and start it in the background; progress is published per run id. */
  async start(planId: string): Promise<SimulationRunRow> {
    const plan = await this.repository.findPlan(planId);
    if (!plan) throw retentionNotFound('plan', planId);
    await this.lab.span(); // WORLD_NOT_AVAILABLE before a run is queued
    const run = await this.repository.insertRun(planId);
    const job = this.running.then(() => this.execute(run.id, plan));
    this.running = job.catch(() => undefined);
    return run;
  }

  /** Run now and return the result (the CLI). */
  async runNow(planId: string, onProgress?: (done: number, total: number) => void) {
    const run = await this.start(planId);
    const unsubscribe = this.watch(run.id, onProgress);
    try {
      await this.running;
    } finally {
      unsubscribe();
    }
    return (await this.repository.findRun(run.id))!;
  }

  async findRun(id: string): Promise<SimulationRunRow> {
    const run = await this.repository.findRun(id);
    if (!run) throw retentionNotFound('simulation run', id);
    return run;
  }

  /** Wait for background runs (tests, shutdown). */
  async idle(): Promise<void> {
    await this.running;
  }

  failInterruptedRuns(): Promise<void> {
    return this.repository.failInterruptedRuns();
  }

  private watch(runId: string, onProgress?: (done: number, total: number) => void): () => void {
    if (!onProgress) return () => undefined;
    const iterator = this.pubSub.subscribe(RetentionTopic.RETENTION_SIMULATION_PROGRESSED, runId);
    const it = iterator[Symbol.asyncIterator]();
    void (async () => {
      for (let r = await it.next(); !r.done; r = await it.next())
        onProgress(r.value.done, r.value.total);
    })();
    return () => void it.return?.();
  }

  private async execute(runId: string, plan: PlanRow): Promise<void> {
    const publish = (status: RunStatus, done: number, total: number, message: string) =>
      this.pubSub.publish(RetentionTopic.RETENTION_SIMULATION_PROGRESSED, runId, {
        runId,
        planId: plan.id,
        status,
        done,
        total,
        message,
      });
    try {
      await this.repository.markRun(runId, 'RUNNING');
      publish('RUNNING', 0, 1, 'rebuilding the world');
      const result = await this.simulate(plan, (done, total) =>
        publish('RUNNING', done, total, 'replaying'),
      );
      await this.repository.markRun(runId, 'SUCCEEDED', {
        result: result as unknown as Record<string, unknown>,
      });
      publish('SUCCEEDED', 1, 1, summaryLine(result));
    } catch (error) {
      const message = (error as Error).message;
      this.logger.error(`retention simulation ${runId} failed`, { error: message });
      await this.repository.markRun(runId, 'FAILED', { error: message });
      publish('FAILED', 0, 1, message);
    }
  }

  private async simulate(
    plan: PlanRow,
    onProgress: (done: number, total: number) => void,
  ): Promise<SimulationResult> {
    const plannedAt = new Date(plan.plannedAt);
    const assignments = await this.repository.planAssignments(plan.id);
    const candidates = await this.repository.planCandidates(plan.id);
    const branch = await this.lab.branch([plannedAt]);
    const replay = new Replay(branch, plannedAt, plan);
    const total = assignments.length + candidates.length;
    let done = 0;
    const tick = async () => {
      // Let the server answer requests between short bursts of replays; report every 200.
      if (++done % 20 === 0) await yieldToLoop();
      if (done % 200 === 0) onProgress(done, total);
    };
    const policies: PolicyOutcome[] = [];
    let skipped = 0;
    for (const policy of POLICIES) {
      const rows = assignments.filter((a) => a.policy === policy);
      const sums = { predicted: zero(), truth: zero(), realised: zero() };
      for (const a of rows) {
        const outcome = replay.assignment(a);
        await tick();
        if (!outcome) {
          skipped++;
          continue;
        }
        add(sums.predicted, {
          saved: a.predictedSaved,
          valueKept: a.predictedNet + a.predictedCost,
          cost: a.predictedCost,
          net: a.predictedNet,
        });
        add(sums.truth, outcome.truth);
        add(sums.realised, outcome.realised);
      }
      policies.push({
        policy,
        treated: rows.length,
        predicted: withRoi(sums.predicted),
        truth: withRoi(sums.truth),
        realised: withRoi(sums.realised),
      });
    }
    const targeting: TargetingOutcome[] = [];
    for (const strategy of [...new Set(candidates.map((c) => c.strategy))]) {
      const rows = candidates.filter((c) => c.strategy === strategy);
      const effects: number[] = [];
      const kept: typeof rows = [];
      for (const c of rows) {
        const e = replay.trueEffect(c.userId, strategy);
        await tick();
        if (e === null) continue;
        effects.push(e);
        kept.push(c);
      }
      const uplift = trueGain(
        kept.map((c) => c.uplift),
        effects,
      );
      targeting.push({
        strategy,
        candidates: kept.length,
        upliftAuuc: uplift.auuc,
        riskAuuc: trueGain(
          kept.map((c) => c.risk),
          effects,
        ).auuc,
        randomAuuc: uplift.randomAuuc,
      });
    }
    onProgress(total, total);
    const interval = (plan.prediction as { uplift: { intervals: { net: PredictedNet } } }).uplift
      .intervals.net;
    const [uplift, riskiest] = policies;
    return {
      plannedAt: plannedAt.toISOString(),
      horizonDays: plan.horizonDays,
      replays: SIMULATION_REPLAYS,
      policies,
      predictedNet: interval,
      truthWithinInterval: uplift.truth.net >= interval.lower && uplift.truth.net <= interval.upper,
      // Relative to the size of the reference, so a reference that loses money reads sensibly.
      upliftOverRiskiest:
        riskiest.truth.net !== 0
          ? (uplift.truth.net - riskiest.truth.net) / Math.abs(riskiest.truth.net)
          : Number.NaN,
      targeting,
      skipped,
    };
  }
}

type PredictedNet = { mean: number; lower: number; upper: number };

/** The replays of one plan: the untreated future of each subscriber is computed once. */
class Replay {
  private readonly control = new Map<number, ArmExpectation>();
  private readonly day: number;

  constructor(
    private readonly branch: WorldBranch,
    private readonly at: Date,
    private readonly plan: PlanRow,
  ) {
    this.day = branch.dayOf(at);
  }

  /** Truth and one realised pair of futures for a treated subscriber; null if not active. */
  assignment(a: PlanAssignmentRow): { truth: Money; realised: Money } | null {
    const row = this.branch.rowOf(a.userId);
    if (!this.branch.isActive(a.userId, this.at)) return null;
    const { def, treatment, parameters } = this.strategy(a.strategy);
    const state = this.branch.stateAt(this.at);
    const options = { horizonDays: this.plan.horizonDays, replays: SIMULATION_REPLAYS };
    const without = this.untreated(row);
    const withIt = this.branch.replayer.expect(state, row, this.day, treatment, options);
    const feeCents = state.feeCents[row];
    const facts = {
      userId: a.userId,
      plan: '',
      monthlyFee: feeCents / 100,
      daysSincePaymentFailure: 0,
    };
    const perFee = a.lifetimeValue / feeCents;
    const truthCost = def.realisedCost({
      facts,
      parameters,
      discountedCharges: withIt.discountedCharges,
    });
    const truthKept = perFee * (withIt.retainedFeeCents - without.retainedFeeCents);
    const r0 = this.branch.replayer.realise(
      state,
      row,
      this.day,
      null,
      this.plan.horizonDays,
      REALISED_SALT,
    );
    const r1 = this.branch.replayer.realise(
      state,
      row,
      this.day,
      treatment,
      this.plan.horizonDays,
      REALISED_SALT,
    );
    const realisedCost = def.realisedCost({
      facts,
      parameters,
      discountedCharges: r1.discountedCharges,
    });
    const realisedKept = perFee * (r1.feeCentsAtEnd - r0.feeCentsAtEnd);
    return {
      truth: {
        saved: without.churn - withIt.churn,
        valueKept: truthKept,
        cost: truthCost,
        net: truthKept - truthCost,
      },
      realised: {
        saved: (r0.churned ? 1 : 0) - (r1.churned ? 1 : 0),
        valueKept: realisedKept,
        cost: realisedCost,
        net: realisedKept - realisedCost,
      },
    };
  }

  /** True reduction in churn probability from `strategy` for a candidate; null if not active. */
  trueEffect(userId: string, strategy: string): number | null {
    if (!this.branch.isActive(userId, this.at)) return null;
    const row = this.branch.rowOf(userId);
    const { treatment } = this.strategy(strategy);
    const options = { horizonDays: this.plan.horizonDays, replays: SIMULATION_REPLAYS };
    const state = this.branch.stateAt(this.at);
    const withIt = this.branch.replayer.expect(state, row, this.day, treatment, options);
    return this.untreated(row).churn - withIt.churn;
  }

  private untreated(row: number): ArmExpectation {
    let e = this.control.get(row);
    if (!e) {
      e = this.branch.replayer.expect(this.branch.stateAt(this.at), row, this.day, null, {
        horizonDays: this.plan.horizonDays,
        replays: SIMULATION_REPLAYS,
      });
      this.control.set(row, e);
    }
    return e;
  }

  private strategy(code: string): {
    def: RetentionStrategyDefinition;
    treatment: Treatment;
    parameters: Record<string, number>;
  } {
    const def = strategyByCode(code);
    if (!def) throw new Error(`plan ${this.plan.id} names unknown strategy ${code}`);
    const parameters = this.plan.strategies.find((s) => s.code === code)?.parameters ?? {};
    return { def, treatment: def.toTreatment(parameters), parameters };
  }
}

function zero(): Money {
  return { saved: 0, valueKept: 0, cost: 0, net: 0 };
}

function add(to: Money, v: Money): void {
  to.saved += v.saved;
  to.valueKept += v.valueKept;
  to.cost += v.cost;
  to.net += v.net;
}

function withRoi(m: Money): Money & { roi: number } {
  return { ...m, roi: m.cost > 0 ? m.net / m.cost : 0 };
}

/** One line for the final progress message and the CLI. */
export function summaryLine(r: SimulationResult): string {
  const [uplift, riskiest, random] = r.policies;
  const f = (x: number) => x.toFixed(0);
  return (
    `uplift plan: predicted net ${f(r.predictedNet.mean)} [${f(r.predictedNet.lower)}, ${f(r.predictedNet.upper)}], ` +
    `true ${f(uplift.truth.net)} (${r.truthWithinInterval ? 'within' : 'outside'} the interval); ` +
    `riskiest ${f(riskiest.truth.net)}, random ${f(random.truth.net)}`
  );
}
