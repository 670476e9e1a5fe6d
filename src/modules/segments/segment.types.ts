import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { RiskLevel } from '../scoring/risk-levels';

@ObjectType({ description: 'A feature on which a segment stands out from the average subscriber.' })
export class SegmentTrait {
  @Field()
  feature!: string;

  @Field()
  label!: string;

  @Field(() => Float, { description: 'Standard deviations from the average subscriber.' })
  z!: number;

  @Field({ description: 'high or low.' })
  direction!: string;

  @Field(() => Float, { description: "The segment's centre, in the feature's units." })
  value!: number;

  @Field(() => Float, {
    description:
      'The average subscriber, in the same units (for counts, the geometric-style mean of log1p).',
  })
  average!: number;
}

@ObjectType()
export class SegmentRiskCount {
  @Field(() => RiskLevel)
  level!: RiskLevel;

  @Field(() => Int)
  users!: number;
}

@ObjectType({ description: 'How the segment moved since the run its id was carried over from.' })
export class SegmentDrift {
  @Field(() => ID, { nullable: true })
  previousRunId!: string | null;

  @Field(() => Int, { nullable: true })
  previousSize!: number | null;

  @Field(() => Int, { nullable: true })
  sizeChange!: number | null;

  @Field(() => Float, { nullable: true })
  previousChurnRate!: number | null;

  @Field(() => Float, { nullable: true })
  churnRateChange!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Distance between the two centroids (z units).',
  })
  centroidDistance!: number | null;
}

@ObjectType()
export class ChurnGroup {
  @Field()
  group!: string;

  @Field(() => Int)
  users!: number;

  @Field(() => Int)
  churned!: number;

  @Field(() => Float)
  churnRate!: number;
}

@ObjectType({
  description: 'A feature whose attributions differ most between churners and stayers.',
})
export class SeparatingFeature {
  @Field()
  feature!: string;

  @Field()
  label!: string;

  @Field(() => Float, { description: "Mean contribution to churners' log-odds." })
  churnerMean!: number;

  @Field(() => Float)
  stayerMean!: number;

  @Field(() => Float)
  difference!: number;
}

@ObjectType({
  description: 'Observed churn inside a segment, over the horizon after the run snapshot.',
})
export class ChurnPatterns {
  @Field(() => [ChurnGroup])
  byPlan!: ChurnGroup[];

  @Field(() => [ChurnGroup], { description: '0–3 months, 3–12 months, 1 year +.' })
  byTenure!: ChurnGroup[];

  @Field(() => [ChurnGroup], {
    description: 'Watch-time trend of the last two weeks: declining, steady, growing.',
  })
  byTrend!: ChurnGroup[];

  @Field(() => [SeparatingFeature])
  separatingFeatures!: SeparatingFeature[];

  @Field(() => Int)
  explainedRows!: number;
}

@ObjectType({
  description: 'A behaviour segment of the subscriber base, from the latest segment run.',
})
export class Segment {
  @Field(() => ID, {
    description: 'Stable across runs: a new run inherits the id of the segment it matches.',
  })
  id!: string;

  @Field(() => ID)
  runId!: string;

  @Field()
  label!: string;

  @Field(() => Int, { description: 'Active subscribers in the segment now.' })
  size!: number;

  @Field(() => Float)
  share!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Share of the segment (at the run snapshot) that cancelled within the horizon after it.',
  })
  churnRate!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "Mean of the members' latest churn probability.",
  })
  meanRisk!: number | null;

  @Field(() => [SegmentTrait])
  traits!: SegmentTrait[];

  @Field(() => [SegmentRiskCount])
  riskDistribution!: SegmentRiskCount[];

  @Field(() => ChurnPatterns)
  churnPatterns!: ChurnPatterns;

  @Field(() => SegmentDrift, { nullable: true, description: 'Null for a segment new in this run.' })
  drift!: SegmentDrift | null;
}

@ObjectType()
export class KSilhouette {
  @Field(() => Int)
  k!: number;

  @Field(() => Float)
  silhouette!: number;
}

@ObjectType({ description: 'One clustering of the subscriber base.' })
export class SegmentRun {
  @Field(() => ID)
  id!: string;

  @Field()
  createdAt!: Date;

  @Field({
    description: 'Segments were fitted on behaviour as of this instant (churn observed after it).',
  })
  snapshotAt!: Date;

  @Field(() => Int)
  horizonDays!: number;

  @Field(() => String, { nullable: true })
  modelVersion!: string | null;

  @Field(() => Int)
  k!: number;

  @Field(() => Float, { nullable: true })
  silhouette!: number | null;

  @Field(() => [KSilhouette])
  silhouetteByK!: KSilhouette[];

  @Field(() => [String])
  features!: string[];

  @Field(() => Int)
  fittedUsers!: number;

  @Field(() => Int)
  assignedUsers!: number;

  @Field(() => Int)
  seed!: number;

  @Field(() => Float, { description: 'Seconds the run took.' })
  seconds!: number;
}
