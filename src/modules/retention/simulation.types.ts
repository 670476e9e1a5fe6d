import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import {
  Estimate,
  RetentionPolicy,
  RetentionRunStatus,
  RetentionStrategyCode,
} from './retention.types';

@ObjectType({ description: 'Money and subscribers of one policy on one scale.' })
export class PolicyMoney {
  @Field(() => Float, { description: 'Subscribers saved.' })
  saved!: number;

  @Field(() => Float, { description: 'Value kept.' })
  valueKept!: number;

  @Field(() => Float, { description: 'Cost.' })
  cost!: number;

  @Field(() => Float, { description: 'Net value.' })
  net!: number;

  @Field(() => Float, { description: 'Net value over cost.' })
  roi!: number;
}

@ObjectType({
  description: 'A policy as predicted, as the world truly values it, and as realised.',
})
export class PolicyOutcome {
  @Field(() => RetentionPolicy, { description: 'The policy.' })
  policy!: RetentionPolicy;

  @Field(() => Int, { description: 'Subscribers treated.' })
  treated!: number;

  @Field(() => PolicyMoney, { description: 'What the plan predicted.' })
  predicted!: PolicyMoney;

  @Field(() => PolicyMoney, {
    description: 'The truth: the expected difference over replays of the world with and without.',
  })
  truth!: PolicyMoney;

  @Field(() => PolicyMoney, { description: 'One realised pair of futures per subscriber.' })
  realised!: PolicyMoney;
}

@ObjectType({ description: "How well a score ranks subscribers by a strategy's true effect." })
export class TargetingOutcome {
  @Field(() => RetentionStrategyCode, { description: 'The strategy.' })
  strategy!: RetentionStrategyCode;

  @Field(() => Int, { description: 'Eligible candidates ranked.' })
  candidates!: number;

  @Field(() => Float, { description: 'AUUC of the true effects ranked by predicted uplift.' })
  upliftAuuc!: number;

  @Field(() => Float, { description: 'AUUC ranked by predicted risk.' })
  riskAuuc!: number;

  @Field(() => Float, { description: 'Expected AUUC of random targeting.' })
  randomAuuc!: number;
}

@ObjectType({ description: 'What a retention simulation found.' })
export class RetentionSimulationResult {
  @Field(() => [PolicyOutcome], { description: 'The plan and its two reference policies.' })
  policies!: PolicyOutcome[];

  @Field(() => Estimate, { description: "The plan's predicted net value and its 95% interval." })
  predictedNet!: Estimate;

  @Field({ description: "Whether the true net value lies within the plan's interval." })
  truthWithinInterval!: boolean;

  @Field(() => Float, {
    description:
      '(True net value of the plan − that of "treat the riskiest") / |that of "treat the riskiest"|.',
  })
  upliftOverRiskiest!: number;

  @Field(() => [TargetingOutcome], { description: 'Targeting quality per strategy.' })
  targeting!: TargetingOutcome[];

  @Field(() => Int, { description: 'Replays per subscriber and arm.' })
  replays!: number;
}

@ObjectType({ description: 'One replay of a plan in the synthetic world.' })
export class RetentionSimulationRun {
  @Field(() => ID, { description: 'Run id.' })
  id!: string;

  @Field(() => ID, { description: 'The plan replayed.' })
  planId!: string;

  @Field(() => RetentionRunStatus, { description: 'Where the run is.' })
  status!: RetentionRunStatus;

  @Field(() => GraphQLISODateTime, { description: 'When it was asked for.' })
  requestedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it started.' })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it finished.' })
  finishedAt!: Date | null;

  @Field(() => RetentionSimulationResult, { nullable: true, description: 'Set once SUCCEEDED.' })
  result!: RetentionSimulationResult | null;

  @Field(() => String, { nullable: true, description: 'Why it FAILED.' })
  error!: string | null;
}

@ObjectType({ description: 'Progress of a retention simulation run.' })
export class RetentionSimulationProgress {
  @Field(() => ID, { description: 'The run.' })
  runId!: string;

  @Field(() => ID, { description: 'Its plan.' })
  planId!: string;

  @Field(() => RetentionRunStatus, { description: 'Where the run is.' })
  status!: RetentionRunStatus;

  @Field(() => Int, { description: 'Replays done.' })
  done!: number;

  @Field(() => Int, { description: 'Replays to do.' })
  total!: number;

  @Field({ description: 'What it is doing, or the summary once done.' })
  message!: string;
}
