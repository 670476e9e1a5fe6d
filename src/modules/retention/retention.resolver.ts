import {
  Arg,
  Args,
  Ctx,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { parseId } from '../../common/ids';
import { type RetentionSimulationProgressPayload, RetentionTopic } from './retention.topics';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';
import type { AppContext } from '../../api/context';
import { invalidArgument } from '../../common/domain-error';
import { parameterMap, RetentionExperimentInput, RetentionPlanArgs } from './retention.inputs';
import { retentionExperimentFrom, retentionPlanFrom, simulationRunFrom } from './retention.mapping';
import {
  RetentionExperiment,
  RetentionPlan,
  RetentionRunStatus,
  RetentionStrategy,
  RetentionStrategyCode,
} from './retention.types';
import { RetentionSimulationProgress, RetentionSimulationRun } from './simulation.types';

@Resolver()
export class RetentionResolver {
  @Query(() => [RetentionStrategy], { description: 'The retention strategy catalogue.' })
  @Allow(Role.READER)
  retentionStrategies(@Ctx() ctx: AppContext): RetentionStrategy[] {
    return ctx.services.retention.strategies().map((s) => ({
      ...s,
      code: s.code as RetentionStrategyCode,
    }));
  }

  @Query(() => RetentionPlan, {
    description:
      'Compute and store a budgeted plan: each eligible subscriber gets at most one strategy to maximise ' +
      'expected net value (uplift × lifetime value − cost), with 95% intervals. Strategies without a ' +
      'campaign at this horizon get one first. Slow (tens of seconds).',
  })
  @Allow(Role.ANALYST)
  async retentionPlan(
    @Args() args: RetentionPlanArgs,
    @Ctx() ctx: AppContext,
  ): Promise<RetentionPlan> {
    const plan = await ctx.services.retention.plan({
      budget: args.budget,
      strategies: args.strategies?.map((s) => ({
        code: s.code,
        parameters: parameterMap(s.parameters),
      })),
      horizonDays: args.horizonDays,
      target: {
        userIds: args.target?.userIds ?? undefined,
        minRisk: args.target?.minRisk ?? undefined,
      },
      seed: args.seed,
    });
    return retentionPlanFrom(plan);
  }

  @Mutation(() => RetentionSimulationRun, {
    description:
      'Replay a plan in the synthetic world in the background, beside "treat the riskiest" and "treat at ' +
      'random" at the same budget; follow retentionSimulationProgressed and read retentionSimulation(id).',
  })
  @Allow(Role.ANALYST)
  async runRetentionSimulation(
    @Arg('plan', () => ID, { description: 'The plan id (from retentionPlan).' }) plan: string,
    @Ctx() ctx: AppContext,
  ): Promise<RetentionSimulationRun> {
    return simulationRunFrom(
      await ctx.services.retention.startSimulation(parseId(plan, 'retention plan')),
    );
  }

  @Query(() => RetentionSimulationRun, {
    description: 'A retention simulation run and its result.',
  })
  @Allow(Role.READER)
  async retentionSimulation(
    @Arg('id', () => ID, { description: 'Run id.' }) id: string,
    @Ctx() ctx: AppContext,
  ): Promise<RetentionSimulationRun> {
    return simulationRunFrom(
      await ctx.services.retention.simulationRun(parseId(id, 'simulation run')),
    );
  }

  @Subscription(() => RetentionSimulationProgress, {
    description: 'Progress of one retention simulation run, ending with SUCCEEDED or FAILED.',
    subscribe: ({ args, context }) =>
      (context as AppContext).services.pubSub.subscribe(
        RetentionTopic.RETENTION_SIMULATION_PROGRESSED,
        String(args.runId),
      ),
  })
  @Allow(Role.ANALYST)
  retentionSimulationProgressed(
    @Root() payload: RetentionSimulationProgressPayload,
    @Arg('runId', () => ID, { description: 'The run to follow.' }) _runId: string,
  ): RetentionSimulationProgress {
    return { ...payload, status: payload.status as RetentionRunStatus };
  }

  @Mutation(() => RetentionExperiment, {
    description:
      'Run a randomised retention campaign in the synthetic world and store its assignments and outcomes.',
  })
  @Allow(Role.ANALYST)
  async runRetentionExperiment(
    @Arg('input', () => RetentionExperimentInput, { description: 'The campaign.' })
    input: RetentionExperimentInput,
    @Ctx() ctx: AppContext,
  ): Promise<RetentionExperiment> {
    const e = await ctx.services.retention.runExperiment({
      strategy: input.strategy,
      parameters: parameterMap(input.parameters),
      share: input.share,
      horizonDays: input.horizonDays,
      waves: input.waves,
      seed: input.seed,
      userIds: input.userIds ?? undefined,
    });
    return retentionExperimentFrom(e);
  }

  @Query(() => [RetentionExperiment], { description: 'Retention campaigns, latest first.' })
  @Allow(Role.READER)
  async retentionExperiments(
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many (1..100).' }) first: number,
    @Ctx() ctx: AppContext,
  ): Promise<RetentionExperiment[]> {
    if (first < 1 || first > 100)
      throw invalidArgument('first must be 1..100', { argument: 'first' });
    return (await ctx.services.retention.experiments(first)).map(retentionExperimentFrom);
  }

  @Query(() => RetentionExperiment, { description: 'One retention campaign and its results.' })
  @Allow(Role.READER)
  async retentionExperiment(
    @Arg('id', () => ID, { description: 'Experiment id.' }) id: string,
    @Ctx() ctx: AppContext,
  ): Promise<RetentionExperiment> {
    return retentionExperimentFrom(
      await ctx.services.retention.experiment(parseId(id, 'retention experiment')),
    );
  }
}
