/**
 * The retention module's one entry point for resolvers and the CLI: the strategy catalogue,
 * campaigns (experiments), budgeted plans and their simulations in the world.
 */
import type { DataSource } from 'typeorm';
import type { Logger } from '../../common/logger';
import type { Progress } from '../../common/progress';
import type { AppPubSub } from '../../pubsub/pubsub';
import type { FeatureService } from '../features/feature.service';
import { ExperimentService, type ExperimentInput } from './experiment.service';
import { MonthsOfFeeLifetimeValue, type LifetimeValue } from './lifetime-value';
import { PlanService, type PlanInput } from './plan.service';
import { retentionNotFound } from './retention.errors';
import {
  RetentionRepository,
  type AssignmentRow,
  type ExperimentRow,
  type PlanAssignmentRow,
  type PlanRow,
  type SimulationRunRow,
} from './retention.repository';
import { SimulationService } from './simulation.service';
import { RETENTION_STRATEGIES, type RetentionStrategyDefinition } from './strategy-catalogue';
import { WorldLab } from './world-lab';

export class RetentionService {
  private readonly repository: RetentionRepository;
  private readonly experimentRunner: ExperimentService;
  private readonly planner: PlanService;
  private readonly simulations: SimulationService;

  constructor(
    dataSource: DataSource,
    features: FeatureService,
    pubSub: AppPubSub,
    logger: Logger,
    /** What a retained subscriber is worth; plug a survival-based CLV in here. */
    lifetimeValue: LifetimeValue = new MonthsOfFeeLifetimeValue(12),
  ) {
    this.repository = new RetentionRepository(dataSource);
    const lab = new WorldLab(dataSource);
    this.experimentRunner = new ExperimentService(this.repository, features, lab);
    this.planner = new PlanService(
      this.repository,
      features,
      this.experimentRunner,
      lab,
      lifetimeValue,
    );
    this.simulations = new SimulationService(this.repository, lab, pubSub, logger);
  }

  strategies(): readonly RetentionStrategyDefinition[] {
    return RETENTION_STRATEGIES;
  }

  runExperiment(input: ExperimentInput, progress?: Progress): Promise<ExperimentRow> {
    return this.experimentRunner.run(input, progress);
  }

  experiments(limit?: number): Promise<ExperimentRow[]> {
    return this.repository.experiments(limit);
  }

  async experiment(id: string): Promise<ExperimentRow> {
    const e = await this.repository.findExperiment(id);
    if (!e) throw retentionNotFound('experiment', id);
    return e;
  }

  assignments(experimentId: string): Promise<AssignmentRow[]> {
    return this.repository.assignments(experimentId);
  }

  plan(input: PlanInput, progress?: Progress): Promise<PlanRow> {
    return this.planner.create(input, progress);
  }

  async findPlan(id: string): Promise<PlanRow> {
    const p = await this.repository.findPlan(id);
    if (!p) throw retentionNotFound('plan', id);
    return p;
  }

  planAssignments(planId: string): Promise<PlanAssignmentRow[]> {
    return this.repository.planAssignments(planId);
  }

  startSimulation(planId: string): Promise<SimulationRunRow> {
    return this.simulations.start(planId);
  }

  runSimulationNow(planId: string, onProgress?: (done: number, total: number) => void) {
    return this.simulations.runNow(planId, onProgress);
  }

  simulationRun(id: string): Promise<SimulationRunRow> {
    return this.simulations.findRun(id);
  }

  /** Wait for background simulations (tests, shutdown). */
  idle(): Promise<void> {
    return this.simulations.idle();
  }

  failInterruptedRuns(): Promise<void> {
    return this.simulations.failInterruptedRuns();
  }
}
