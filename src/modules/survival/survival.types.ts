import {
  Field,
  Float,
  GraphQLISODateTime,
  ID,
  Int,
  ObjectType,
  registerEnumType,
} from 'type-graphql';

@ObjectType({ description: 'One day of a survival curve.' })
export class SurvivalPoint {
  @Field(() => Int, { description: 'Days from now (or from the origin), 1 = the next day.' })
  day!: number;

  @Field(() => Float, { description: 'Probability of still being subscribed after that day.' })
  survival!: number;
}

@ObjectType({
  description:
    "A subscriber's predicted time to cancel, from their features now: the survival curve S(t), the median and the expected remaining days.",
})
export class SubscriberSurvival {
  @Field(() => ID, { description: 'The subscriber.' })
  userId!: string;

  @Field({ description: 'The survival model version that made the curve.' })
  modelVersion!: string;

  @Field(() => GraphQLISODateTime, { description: 'When the curve was computed (its day 0).' })
  asOf!: Date;

  @Field(() => Int, { description: 'Days the curve covers (S(1) … S(horizonDays)).' })
  horizonDays!: number;

  @Field(() => Int, {
    nullable: true,
    description:
      'Median days to cancel: the first day with S(t) ≤ 0.5. Past the curve it is extrapolated with tailHazard held constant; null beyond 10 years.',
  })
  medianDays!: number | null;

  @Field(() => Float, {
    description:
      'Expected whole days still subscribed, Σ S(t) over the curve plus its constant-hazard tail.',
  })
  expectedRemainingDays!: number;

  @Field(() => Float, {
    description: 'Daily hazard that continues the curve past horizonDays (its last period’s).',
  })
  tailHazard!: number;

  /** S(1 … horizonDays); served through `curve(days)`. */
  values!: number[];
}

@ObjectType({ description: 'One day of a Kaplan–Meier curve, with its 95 % interval.' })
export class KaplanMeierPoint {
  @Field(() => Int, { description: 'Days since the curve’s origin.' })
  day!: number;

  @Field(() => Float, { description: 'Share still subscribed after that day.' })
  survival!: number;

  @Field(() => Float, { description: 'Lower end of the pointwise 95 % interval (log-log).' })
  lower!: number;

  @Field(() => Float, { description: 'Upper end of the pointwise 95 % interval (log-log).' })
  upper!: number;
}

@ObjectType({ description: 'The observed survival of one group of subscribers (Kaplan–Meier).' })
export class KaplanMeierCurve {
  @Field({ description: 'The group: a plan name or a segment id.' })
  group!: string;

  @Field({ description: 'How the group is called (the plan, or the segment label).' })
  label!: string;

  @Field(() => Int, { description: 'Subscription spells (or subscribers) in the group.' })
  subscribers!: number;

  @Field(() => Int, { description: 'Cancellations observed.' })
  cancellations!: number;

  @Field(() => Int, { description: 'Last day with any subscriber still observed.' })
  followUpDays!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'First day the share still subscribed falls to one half; null if it never does.',
  })
  medianDays!: number | null;

  @Field(() => [KaplanMeierPoint], {
    description: 'Days 1 … min(days, followUpDays).',
  })
  points!: KaplanMeierPoint[];
}

export enum SurvivalOrigin {
  SIGNUP = 'SIGNUP',
  SNAPSHOT = 'SNAPSHOT',
}
registerEnumType(SurvivalOrigin, {
  name: 'SurvivalOrigin',
  description: 'Where a survival curve’s day 0 is.',
  valuesConfig: {
    SIGNUP: { description: 'Each subscription spell’s start (days = tenure).' },
    SNAPSHOT: { description: 'A snapshot date: subscribers active then, followed from then.' },
  },
});

@ObjectType({ description: 'Kaplan–Meier curves of groups of subscribers, with their origin.' })
export class SurvivalCurveSet {
  @Field(() => SurvivalOrigin, { description: 'Where day 0 is.' })
  origin!: SurvivalOrigin;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'The snapshot date when origin is SNAPSHOT.',
  })
  from!: Date | null;

  @Field(() => GraphQLISODateTime, { description: 'Follow-up ends here (the end of the data).' })
  until!: Date;

  @Field({ description: 'Who is counted and how, in words.' })
  description!: string;

  @Field(() => [KaplanMeierCurve], { description: 'One curve per group.' })
  curves!: KaplanMeierCurve[];
}

@ObjectType({ description: 'Survival metrics of one model (or baseline) on observed follow-up.' })
export class SurvivalMetrics {
  @Field({ description: 'The model or baseline.' })
  name!: string;

  @Field(() => Int, { description: 'Subjects evaluated.' })
  subjects!: number;

  @Field(() => Int, { description: 'Cancellations among them.' })
  events!: number;

  @Field(() => Int, { description: 'Days of follow-up the metrics cover.' })
  tau!: number;

  @Field(() => Float, { description: "Harrell's concordance index." })
  concordance!: number;

  @Field(() => Float, {
    description: 'Integrated Brier score over days 1 … tau (IPCW); lower is better.',
  })
  integratedBrier!: number;

  @Field(() => Float, { description: 'Brier score at day tau (IPCW).' })
  brierAtTau!: number;

  @Field(() => Float, {
    description:
      'Mean |predicted − Kaplan–Meier| survival over five risk bands at three checkpoint days.',
  })
  calibrationError!: number;

  @Field(() => Float, { description: 'Mean predicted S(tau).' })
  meanPredictedSurvival!: number;

  @Field(() => Float, { description: 'Kaplan–Meier S(tau) of everyone evaluated.' })
  observedSurvival!: number;
}

@ObjectType({ description: 'A trained survival (time-to-cancel) model version.' })
export class SurvivalModelVersion {
  @Field({ description: 'Version name (a timestamp and the variant).' })
  version!: string;

  @Field({ description: 'logistic or deep.' })
  variant!: string;

  @Field({ description: 'Whether it serves User.survival and lifetime values.' })
  active!: boolean;

  @Field(() => GraphQLISODateTime, { description: 'When it was trained.' })
  createdAt!: Date;

  @Field(() => Int, { description: 'Days each curve covers.' })
  horizonDays!: number;

  @Field(() => [GraphQLISODateTime], { description: 'Snapshots the training subjects came from.' })
  trainSnapshots!: Date[];

  @Field(() => GraphQLISODateTime, { description: 'The validation snapshot.' })
  validationSnapshot!: Date;

  @Field(() => SurvivalMetrics, {
    description: 'On the evaluation half of the validation snapshot.',
  })
  metrics!: SurvivalMetrics;

  @Field(() => SurvivalMetrics, {
    description: 'Kaplan–Meier per plan (fitted on the training subjects), same subjects.',
  })
  baseline!: SurvivalMetrics;

  @Field(() => [SurvivalMetrics], { description: 'Every variant of the run, same subjects.' })
  compared!: SurvivalMetrics[];
}
