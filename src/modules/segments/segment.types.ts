import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { RiskLevel } from '../model-registry/risk-levels';

@ObjectType({ description: 'A feature on which a segment stands out from the average subscriber.' })
export class SegmentTrait {
  @Field({ description: 'Feature name.' })
  feature!: string;

  @Field({ description: 'Human label of the feature.' })
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

  @Field(() => String, {
    nullable: true,
    description: "Unit of median and everyoneMedian, e.g. 'h/week', 'days active of 30', 'months'.",
  })
  unit!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: "The members' median, in plain units (see unit); null when none has a value.",
  })
  median!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'The median over every subscriber clustered, in the same plain units.',
  })
  everyoneMedian!: number | null;

  @Field({
    description: "The trait in words and plain units, e.g. '6.2 h/week (everyone: 2.3 h/week)'.",
  })
  summary!: string;
}

@ObjectType({ description: 'Members of a segment at one risk level.' })
export class SegmentRiskCount {
  @Field(() => RiskLevel, { description: 'The risk level.' })
  level!: RiskLevel;

  @Field(() => Int, { description: 'Active members at this level.' })
  users!: number;
}

@ObjectType({ description: 'How the segment moved since the run its id was carried over from.' })
export class SegmentDrift {
  @Field(() => ID, { nullable: true, description: 'The earlier run the segment was matched to.' })
  previousRunId!: string | null;

  @Field(() => Int, { nullable: true, description: 'Its size in that run.' })
  previousSize!: number | null;

  @Field(() => Int, { nullable: true, description: 'size minus previousSize.' })
  sizeChange!: number | null;

  @Field(() => Float, { nullable: true, description: 'Its churn rate in that run.' })
  previousChurnRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'churnRate minus previousChurnRate.' })
  churnRateChange!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Distance between the two centroids (z units).',
  })
  centroidDistance!: number | null;
}

@ObjectType({ description: "Churn within one group of a segment's members." })
export class ChurnGroup {
  @Field({ description: 'The group: a plan, a tenure band or a trend.' })
  group!: string;

  @Field(() => Int, { description: 'Members in the group.' })
  users!: number;

  @Field(() => Int, { description: 'Of them, those who cancelled within the horizon.' })
  churned!: number;

  @Field(() => Float, { description: 'churned / users.' })
  churnRate!: number;
}

@ObjectType({
  description:
    "A feature that separates a segment's churners from its stayers, as each group's median in plain units.",
})
export class SeparatingFeature {
  @Field({ description: 'Feature name.' })
  feature!: string;

  @Field({ description: 'Human label of the feature.' })
  label!: string;

  @Field(() => String, {
    nullable: true,
    description: "Unit of the medians, e.g. 'h/week', 'days active of 30'.",
  })
  unit!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Median among members who cancelled within the horizon (plain units).',
  })
  churnerMedian!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Median among members who stayed (plain units).',
  })
  stayerMedian!: number | null;

  @Field(() => String, {
    nullable: true,
    description: "In words, e.g. 'churners: 0.8 h/week median, stayers 2.6 h/week'.",
  })
  summary!: string | null;
}

@ObjectType({
  description: 'Observed churn inside a segment, over the horizon after the run snapshot.',
})
export class ChurnPatterns {
  @Field(() => [ChurnGroup], {
    description: 'Churn by plan, in plan order (BASIC, STANDARD, PREMIUM).',
  })
  byPlan!: ChurnGroup[];

  @Field(() => [ChurnGroup], {
    description: 'Churn by tenure band, shortest first: 0–3 months, 3–12 months, 1 year +.',
  })
  byTenure!: ChurnGroup[];

  @Field(() => [ChurnGroup], {
    description:
      'Churn by watch-time trend of the last two weeks, in order: declining, steady, growing.',
  })
  byTrend!: ChurnGroup[];

  @Field(() => [SeparatingFeature], {
    description:
      "Features that separate churners from stayers most (by the model's attributions), shown as medians.",
  })
  separatingFeatures!: SeparatingFeature[];

  @Field(() => Int, { description: 'Members with stored explanations behind separatingFeatures.' })
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

  @Field(() => ID, { description: 'The segment run it belongs to.' })
  runId!: string;

  @Field({ description: 'Name, from the traits it stands out on.' })
  label!: string;

  @Field(() => Int, { description: 'Active subscribers in the segment now.' })
  size!: number;

  @Field(() => Float, { description: "Share of the run's assigned subscribers (0..1)." })
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

  @Field(() => [SegmentTrait], { description: 'Features on which it stands out, strongest first.' })
  traits!: SegmentTrait[];

  @Field(() => [SegmentRiskCount], { description: 'Active members per risk level.' })
  riskDistribution!: SegmentRiskCount[];

  @Field(() => ChurnPatterns, {
    description: 'Who churns in this segment, and what separates churners from stayers.',
  })
  churnPatterns!: ChurnPatterns;

  @Field(() => SegmentDrift, { nullable: true, description: 'Null for a segment new in this run.' })
  drift!: SegmentDrift | null;
}

@ObjectType({
  description: 'How one candidate number of segments scored on the criterion that chooses k.',
})
export class KSilhouette {
  @Field(() => Int, { description: 'Number of segments.' })
  k!: number;

  @Field(() => Float, { description: 'Mean silhouette (-1..1; higher means better separated).' })
  silhouette!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Share (0..1) of the subscribers in the smallest segment at this k; null for runs stored before it was recorded.',
  })
  smallestShare!: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Whether the smallest segment was big enough for this k to be chosen (see SegmentRun.kCriterion).',
  })
  eligible!: boolean | null;
}

@ObjectType({ description: 'One clustering of the subscriber base.' })
export class SegmentRun {
  @Field(() => ID, { description: "The run's id." })
  id!: string;

  @Field({ description: 'When it ran.' })
  createdAt!: Date;

  @Field({
    description: 'Segments were fitted on behaviour as of this instant (churn observed after it).',
  })
  snapshotAt!: Date;

  @Field(() => Int, { description: 'Churn horizon of its churn rates, in days.' })
  horizonDays!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Model whose scores and explanations it used; null if none.',
  })
  modelVersion!: string | null;

  @Field(() => Int, { description: 'Number of segments chosen.' })
  k!: number;

  @Field({ description: 'How k was chosen, in words (the scores per k are in silhouetteByK).' })
  kCriterion!: string;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean silhouette at the chosen k.',
  })
  silhouette!: number | null;

  @Field(() => [KSilhouette], {
    description: 'Every k tried, with its silhouette and smallest segment share.',
  })
  silhouetteByK!: KSilhouette[];

  @Field(() => [String], { description: 'Behaviour features clustered on.' })
  features!: string[];

  @Field(() => Int, { description: 'Subscribers the clusters were fitted on.' })
  fittedUsers!: number;

  @Field(() => Int, { description: 'Subscribers assigned to a segment.' })
  assignedUsers!: number;

  @Field(() => Int, { description: 'Random seed of the clustering.' })
  seed!: number;

  @Field(() => Float, { description: 'Seconds the run took.' })
  seconds!: number;
}
