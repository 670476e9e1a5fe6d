import { ArgsType, Field, Float, ID, InputType, Int } from 'type-graphql';
import { RetentionStrategyCode } from './retention.types';

@InputType({ description: 'A strategy parameter value.' })
export class StrategyParameterInput {
  @Field({ description: 'Parameter name (see retentionStrategies).' })
  name!: string;

  @Field(() => Float, { description: 'Its value.' })
  value!: number;
}

@InputType({ description: 'A strategy a plan may use, with parameters (defaults otherwise).' })
export class RetentionStrategyInput {
  @Field(() => RetentionStrategyCode, { description: 'The strategy.' })
  code!: RetentionStrategyCode;

  @Field(() => [StrategyParameterInput], { nullable: true, description: 'Parameter values.' })
  parameters?: StrategyParameterInput[] | null;
}

@InputType({ description: 'Who a plan may treat (default: every active subscriber).' })
export class RetentionTargetInput {
  @Field(() => [ID], { nullable: true, description: 'Only these subscribers.' })
  userIds?: string[] | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Only subscribers whose predicted churn within the horizon is at least this.',
  })
  minRisk?: number | null;
}

@ArgsType()
export class RetentionPlanArgs {
  @Field(() => Float, { description: 'Most the plan may spend, in the fee currency.' })
  budget!: number;

  @Field(() => [RetentionStrategyInput], {
    nullable: true,
    description: 'Strategies to choose from (default: the whole catalogue).',
  })
  strategies?: RetentionStrategyInput[] | null;

  @Field(() => Int, { defaultValue: 60, description: 'Horizon in days (7..120).' })
  horizonDays!: number;

  @Field(() => RetentionTargetInput, { nullable: true, description: 'Who may be treated.' })
  target?: RetentionTargetInput | null;

  @Field(() => Int, { defaultValue: 42, description: 'Seed of the models, campaigns and draws.' })
  seed!: number;
}

@InputType({ description: 'A randomised retention campaign to run in the synthetic world.' })
export class RetentionExperimentInput {
  @Field(() => RetentionStrategyCode, { description: 'The strategy to test.' })
  strategy!: RetentionStrategyCode;

  @Field(() => [StrategyParameterInput], { nullable: true, description: 'Parameter values.' })
  parameters?: StrategyParameterInput[] | null;

  @Field(() => Float, { defaultValue: 0.5, description: 'Share of eligible subscribers treated.' })
  share!: number;

  @Field(() => Int, { defaultValue: 60, description: 'Outcome horizon in days (7..120).' })
  horizonDays!: number;

  @Field(() => Int, { defaultValue: 4, description: 'Campaign waves, 15 days apart (1..12).' })
  waves!: number;

  @Field(() => [ID], { nullable: true, description: 'Only these subscribers.' })
  userIds?: string[] | null;

  @Field(() => Int, { defaultValue: 42, description: 'Seed of the assignment and the outcomes.' })
  seed!: number;
}

/** [{name, value}] → {name: value}. */
export function parameterMap(
  list: readonly StrategyParameterInput[] | null | undefined,
): Record<string, number> {
  return Object.fromEntries((list ?? []).map((p) => [p.name, p.value]));
}
