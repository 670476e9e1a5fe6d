import { ArgsType, Field, Float, GraphQLISODateTime, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../common/pagination';
import { User } from '../users/user.entity';
import { ChurnScore } from './churn-score.entity';
import { RiskLevel } from '../model-registry/risk-levels';

@ObjectType({ description: 'An active subscriber and their latest churn score.' })
export class AtRiskUser {
  @Field(() => User, { description: 'The subscriber.' })
  user!: User;

  @Field(() => ChurnScore, { description: 'Their latest churn score.' })
  score!: ChurnScore;
}

@ObjectType({ description: 'A page of at-risk subscribers, most likely to churn first.' })
export class AtRiskUserConnection extends Connection(AtRiskUser, 'AtRiskUser') {}

@ArgsType()
export class AtRiskUsersArgs {
  @Field(() => RiskLevel, {
    defaultValue: RiskLevel.HIGH,
    description: 'Lowest risk level to include.',
  })
  minLevel!: RiskLevel;

  @Field(() => Int, { nullable: true, defaultValue: 20, description: '1..100.' })
  first!: number;

  @Field(() => String, {
    nullable: true,
    description: 'endCursor of the previous page; omit for the first page.',
  })
  after?: string | null;
}

@ObjectType({ description: 'Active subscribers at one risk level.' })
export class RiskLevelCount {
  @Field(() => RiskLevel, { description: 'The risk level.' })
  level!: RiskLevel;

  @Field(() => Int, { description: 'Active subscribers whose latest score is at this level.' })
  users!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Their mean latest probability; null when there are none.',
  })
  meanProbability!: number | null;
}

@ObjectType({ description: "Active subscribers' latest scores, by risk level." })
export class ChurnOverview {
  @Field(() => Int, { description: 'Active subscribers with a score.' })
  scoredUsers!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean latest probability; null when none is scored.',
  })
  meanProbability!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'The serving model; null while none is active.',
  })
  activeModelVersion!: string | null;

  @Field(() => [Float], { description: 'Lower bounds of MEDIUM, HIGH and CRITICAL.' })
  thresholds!: number[];

  @Field(() => [RiskLevelCount], {
    description: 'Active subscribers per risk level, LOW to CRITICAL.',
  })
  levels!: RiskLevelCount[];
}

@ObjectType({
  description:
    'Active subscribers at one risk level at one moment: a row of the hourly (and after-batch-scoring) snapshots.',
})
export class RiskLevelSnapshot {
  @Field(() => GraphQLISODateTime, { description: 'When the counts were taken.' })
  takenAt!: Date;

  @Field(() => String, {
    description: 'What took them: "hourly" (time-driven rescoring) or "batch" (batch scoring).',
  })
  reason!: string;

  @Field(() => RiskLevel, { description: 'The risk level counted.' })
  level!: RiskLevel;

  @Field(() => Int, { description: 'Active subscribers whose latest score was at this level.' })
  users!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Their mean latest probability; null when there were none.',
  })
  meanProbability!: number | null;
}
