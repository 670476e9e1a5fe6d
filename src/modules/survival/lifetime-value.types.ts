import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    "A subscriber's lifetime value: the discounted margin of the monthly payments their survival curve says they will make.",
})
export class LifetimeValue {
  @Field(() => ID, { description: 'The subscriber.' })
  userId!: string;

  @Field(() => Float, {
    description: 'Σ over months m = 1 … horizonMonths of S(30·m) × monthlyMargin / (1 + r)^(m/12).',
  })
  clv!: number;

  @Field(() => Float, { description: 'Margin on one monthly payment (fee × margin rate).' })
  monthlyMargin!: number;

  @Field(() => Float, { description: 'Expected whole days still subscribed.' })
  expectedRemainingDays!: number;

  @Field({ description: 'The survival model version behind the curve.' })
  modelVersion!: string;
}

@ObjectType({ description: 'Lifetime value of a group of active subscribers.' })
export class LifetimeValueGroup {
  @Field({ description: 'A segment id or a plan name.' })
  group!: string;

  @Field({ description: 'The segment label or the plan.' })
  label!: string;

  @Field(() => Int, { description: 'Active subscribers valued.' })
  subscribers!: number;

  @Field(() => Float, { description: 'Sum of their lifetime values.' })
  totalClv!: number;

  @Field(() => Float, { description: 'Mean lifetime value.' })
  meanClv!: number;

  @Field(() => Float, { description: 'Mean expected whole days still subscribed.' })
  meanExpectedRemainingDays!: number;
}

@ObjectType({ description: 'Lifetime value of every active subscriber, in total and by group.' })
export class LifetimeValueOverview {
  @Field({ description: 'The survival model version behind the curves.' })
  modelVersion!: string;

  @Field(() => Int, { description: 'Active subscribers valued.' })
  subscribers!: number;

  @Field(() => Float, { description: 'Sum of their lifetime values.' })
  totalClv!: number;

  @Field(() => Float, { description: 'Mean lifetime value.' })
  meanClv!: number;

  @Field(() => Float, { description: 'Share of the monthly fee that is margin (CLV_MARGIN_RATE).' })
  marginRate!: number;

  @Field(() => Float, { description: 'Annual discount rate (CLV_ANNUAL_DISCOUNT_RATE).' })
  annualDiscountRate!: number;

  @Field(() => Int, { description: 'Monthly payments counted (CLV_HORIZON_MONTHS).' })
  horizonMonths!: number;

  @Field(() => [LifetimeValueGroup], {
    description: 'By segment of the latest segment run (subscribers placed in one).',
  })
  bySegment!: LifetimeValueGroup[];

  @Field(() => [LifetimeValueGroup], { description: 'By current plan.' })
  byPlan!: LifetimeValueGroup[];
}
