import {
  Field,
  Float,
  GraphQLISODateTime,
  ID,
  Int,
  ObjectType,
  registerEnumType,
} from 'type-graphql';

export enum RetentionStrategyCode {
  DISCOUNT = 'DISCOUNT',
  CONTENT_PUSH = 'CONTENT_PUSH',
  REENGAGEMENT_MESSAGE = 'REENGAGEMENT_MESSAGE',
  DOWNGRADE_OFFER = 'DOWNGRADE_OFFER',
  PAYMENT_RECOVERY = 'PAYMENT_RECOVERY',
}
registerEnumType(RetentionStrategyCode, {
  name: 'RetentionStrategyCode',
  description: 'A strategy of the retention catalogue.',
  valuesConfig: {
    DISCOUNT: { description: 'x% off the fee for n months.' },
    CONTENT_PUSH: { description: 'A personalised recommendation message.' },
    REENGAGEMENT_MESSAGE: { description: 'A "we miss you" message.' },
    DOWNGRADE_OFFER: { description: 'The plan below at its price instead of cancelling.' },
    PAYMENT_RECOVERY: { description: 'A card-update nudge after a failed payment.' },
  },
});

export enum RetentionPolicy {
  UPLIFT = 'UPLIFT',
  RISKIEST = 'RISKIEST',
  RANDOM = 'RANDOM',
}
registerEnumType(RetentionPolicy, {
  name: 'RetentionPolicy',
  description: 'Who a plan treats.',
  valuesConfig: {
    UPLIFT: { description: 'The optimised plan: the best expected net value under the budget.' },
    RISKIEST: {
      description:
        'Reference: the riskiest subscribers first, each given the best strategy on average.',
    },
    RANDOM: { description: 'Reference: subscribers in random order, the same strategy choice.' },
  },
});

export enum RetentionRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(RetentionRunStatus, {
  name: 'RetentionRunStatus',
  description: 'Where a retention simulation run is.',
  valuesConfig: {
    QUEUED: { description: 'Waiting for the runs before it.' },
    RUNNING: { description: 'Replaying the world.' },
    SUCCEEDED: { description: 'Done: the result is set.' },
    FAILED: { description: 'Stopped: the error says why.' },
  },
});

@ObjectType({ description: 'A tunable parameter of a retention strategy.' })
export class RetentionStrategyParameter {
  @Field({ description: 'Parameter name, e.g. percent.' })
  name!: string;

  @Field({ description: 'What it sets.' })
  description!: string;

  @Field(() => Float, { description: 'Value used when none is given.' })
  defaultValue!: number;

  @Field(() => Float, { description: 'Smallest allowed value.' })
  min!: number;

  @Field(() => Float, { description: 'Largest allowed value.' })
  max!: number;
}

@ObjectType({ description: 'A strategy parameter and its value.' })
export class StrategyParameterValue {
  @Field({ description: 'Parameter name.' })
  name!: string;

  @Field(() => Float, { description: 'Its value.' })
  value!: number;
}

@ObjectType({ description: 'An entry of the retention strategy catalogue.' })
export class RetentionStrategy {
  @Field(() => RetentionStrategyCode, { description: 'Its code.' })
  code!: RetentionStrategyCode;

  @Field({ description: 'Display name.' })
  name!: string;

  @Field({ description: 'What the strategy does.' })
  description!: string;

  @Field(() => [RetentionStrategyParameter], { description: 'Its parameters with defaults.' })
  parameters!: RetentionStrategyParameter[];

  @Field(() => Float, { description: 'Cost of one contact, in the fee currency.' })
  contactCost!: number;

  @Field({ description: 'How its expected cost is computed.' })
  costModel!: string;

  @Field({ description: 'Who may receive it.' })
  eligibility!: string;
}

@ObjectType({ description: 'An estimate with its 95% interval.' })
export class Estimate {
  @Field(() => Float, { description: 'Point estimate (the mean of the Monte Carlo draws).' })
  mean!: number;

  @Field(() => Float, { description: 'Lower end of the 95% interval.' })
  lower!: number;

  @Field(() => Float, { description: 'Upper end of the 95% interval.' })
  upper!: number;
}

@ObjectType({ description: 'How many subscribers a policy gives one strategy.' })
export class StrategyCount {
  @Field(() => RetentionStrategyCode, { description: 'The strategy.' })
  strategy!: RetentionStrategyCode;

  @Field(() => Int, { description: 'Subscribers given it.' })
  subscribers!: number;
}

@ObjectType({ description: 'A randomised retention campaign and what it found.' })
export class RetentionExperiment {
  @Field(() => ID, { description: 'Experiment id.' })
  id!: string;

  @Field(() => RetentionStrategyCode, { description: 'The strategy tested.' })
  strategy!: RetentionStrategyCode;

  @Field(() => [StrategyParameterValue], { description: 'Its parameters.' })
  parameters!: StrategyParameterValue[];

  @Field(() => Float, { description: 'Share of the eligible subscribers treated in each wave.' })
  share!: number;

  @Field(() => Int, { description: 'Campaign waves (15 days apart).' })
  waves!: number;

  @Field(() => GraphQLISODateTime, { description: 'Start of the latest wave.' })
  campaignAt!: Date;

  @Field(() => Int, { description: 'Days over which outcomes were observed.' })
  horizonDays!: number;

  @Field(() => Int, { description: 'Treated assignments.' })
  treatedRows!: number;

  @Field(() => Int, { description: 'Control assignments.' })
  controlRows!: number;

  @Field(() => Float, { description: 'Share of treated subscribers who cancelled.' })
  treatedChurnRate!: number;

  @Field(() => Float, { description: 'Share of control subscribers who cancelled.' })
  controlChurnRate!: number;

  @Field(() => Estimate, {
    description: 'Retention effect (treated minus control retention rate) with its 95% interval.',
  })
  effect!: Estimate;

  @Field(() => Float, { description: 'Share of treated subscribers who accepted (offers).' })
  acceptance!: number;

  @Field(() => GraphQLISODateTime, { description: 'When it was run.' })
  createdAt!: Date;
}

@ObjectType({ description: 'A plan policy in point estimates.' })
export class ReferencePolicy {
  @Field(() => RetentionPolicy, { description: 'The policy.' })
  policy!: RetentionPolicy;

  @Field(() => Int, { description: 'Subscribers treated.' })
  treated!: number;

  @Field(() => [StrategyCount], { description: 'Subscribers per strategy.' })
  strategyMix!: StrategyCount[];

  @Field(() => Float, { description: 'Expected subscribers saved.' })
  saved!: number;

  @Field(() => Float, { description: 'Expected cost.' })
  cost!: number;

  @Field(() => Float, { description: 'Expected net value (value kept minus cost).' })
  netValue!: number;
}

@ObjectType({ description: 'The uplift model a plan used for one strategy.' })
export class StrategyModelSummary {
  @Field(() => RetentionStrategyCode, { description: 'The strategy.' })
  strategy!: RetentionStrategyCode;

  @Field(() => ID, { description: 'The campaign it learned from.' })
  experimentId!: string;

  @Field(() => Int, { description: 'Campaign rows it learned from.' })
  rows!: number;

  @Field(() => Float, { description: 'Average retention effect measured by the campaign.' })
  averageEffect!: number;

  @Field(() => Float, {
    description:
      'Share of the model’s predicted heterogeneity that held out of fold (1 = all of it, 0 = none).',
  })
  calibrationSlope!: number;
}

@ObjectType({ description: 'One subscriber a plan policy treats.' })
export class PlanAssignment {
  @Field(() => ID, { description: 'The subscriber.' })
  userId!: string;

  @Field(() => RetentionStrategyCode, { description: 'The strategy given.' })
  strategy!: RetentionStrategyCode;

  @Field(() => Float, { description: 'Predicted churn within the horizon without any action.' })
  risk!: number;

  @Field(() => Float, { description: 'Predicted reduction in churn probability.' })
  predictedSaved!: number;

  @Field(() => Float, { description: 'Predicted net value.' })
  predictedNet!: number;

  @Field(() => Float, { description: 'Predicted cost.' })
  predictedCost!: number;
}

@ObjectType({
  description:
    'A budgeted retention plan: at most one strategy per subscriber to maximise expected net value.',
})
export class RetentionPlan {
  @Field(() => ID, { description: 'Plan id (pass it to runRetentionSimulation).' })
  id!: string;

  @Field(() => GraphQLISODateTime, { description: 'The instant the plan starts from.' })
  plannedAt!: Date;

  @Field(() => Float, { description: 'Most the plan may spend.' })
  budget!: number;

  @Field(() => Int, { description: 'Horizon in days.' })
  horizonDays!: number;

  @Field({ description: 'How a retained subscriber was valued.' })
  lifetimeValue!: string;

  @Field(() => Int, { description: 'Subscribers considered.' })
  candidates!: number;

  @Field(() => Int, { description: 'Subscribers treated.' })
  treated!: number;

  @Field(() => [StrategyCount], { description: 'Subscribers per strategy.' })
  strategyMix!: StrategyCount[];

  @Field(() => Estimate, { description: 'Expected subscribers saved.' })
  saved!: Estimate;

  @Field(() => Estimate, { description: 'Expected value kept (revenue of saved subscribers).' })
  valueKept!: Estimate;

  @Field(() => Estimate, { description: 'Expected cost.' })
  cost!: Estimate;

  @Field(() => Estimate, { description: 'Net value over cost.' })
  roi!: Estimate;

  @Field(() => Estimate, { description: 'Expected net value: value kept minus cost.' })
  netValue!: Estimate;

  @Field(() => [ReferencePolicy], {
    description: '"Treat the riskiest" and "treat at random" at the same budget.',
  })
  references!: ReferencePolicy[];

  @Field(() => [StrategyModelSummary], { description: 'The uplift model of each strategy.' })
  models!: StrategyModelSummary[];
}
