import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { DomainError, ErrorCode, invalidArgument } from '../../common/domain-error';
import { parseId } from '../../common/ids';
import type { AppContext } from '../../api/context';
import { TrainingRun } from './training-run.entity';
import { TrainModelInput } from './training.inputs';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';

@Resolver(() => TrainingRun)
export class TrainingResolver {
  @Mutation(() => TrainingRun, {
    description:
      'Start a training run in the background; poll trainingRun(id) for its status and result.',
  })
  @Allow(Role.ANALYST)
  async trainModel(
    @Arg('input', () => TrainModelInput, {
      nullable: true,
      description: 'Seed and limits of the run; all optional.',
    })
    input: TrainModelInput | null,
    @Ctx() ctx: AppContext,
  ): Promise<TrainingRun> {
    const seed = input?.seed ?? 42;
    const maxEpochs = input?.maxEpochs ?? 40;
    if (!Number.isInteger(seed) || seed < 0)
      throw invalidArgument('seed must be a non-negative integer', { argument: 'seed' });
    if (maxEpochs < 1 || maxEpochs > 200)
      throw invalidArgument('maxEpochs must be 1..200', { argument: 'maxEpochs' });
    return ctx.services.training.start({
      seed,
      maxEpochs,
      force: input?.force ?? false,
      withSequence: input?.withSequence ?? true,
    });
  }

  @Query(() => TrainingRun, { description: 'A training run by id (poll it after trainModel).' })
  @Allow(Role.READER)
  async trainingRun(
    @Arg('id', () => ID, { description: "The run's id, as trainModel returned it." }) id: string,
    @Ctx() ctx: AppContext,
  ): Promise<TrainingRun> {
    const run = await ctx.services.training.findRun(parseId(id, 'training run'));
    if (!run)
      throw new DomainError(ErrorCode.TRAINING_RUN_NOT_FOUND, `no training run ${id}`, { id });
    return run;
  }
}
