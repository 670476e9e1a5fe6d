import { ArgsType, Field, Float, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../common/pagination';
import { User } from '../users/user.entity';
import { ChurnScore } from './churn-score.entity';
import { RiskLevel } from './risk-levels';

@ObjectType({ description: 'An active subscriber and their latest churn score.' })
export class AtRiskUser {
  @Field(() => User)
  user!: User;

  @Field(() => ChurnScore)
  score!: ChurnScore;
}

@ObjectType()
export class AtRiskUserConnection extends Connection(AtRiskUser, 'AtRiskUser') {}

@ArgsType()
export class AtRiskUsersArgs {
  @Field(() => RiskLevel, { defaultValue: RiskLevel.HIGH })
  minLevel!: RiskLevel;

  @Field(() => Int, { nullable: true, defaultValue: 20, description: '1..100.' })
  first!: number;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@ObjectType()
export class RiskLevelCount {
  @Field(() => RiskLevel)
  level!: RiskLevel;

  @Field(() => Int)
  users!: number;

  @Field(() => Float, { nullable: true })
  meanProbability!: number | null;
}

@ObjectType({ description: "Active subscribers' latest scores, by risk level." })
export class ChurnOverview {
  @Field(() => Int)
  scoredUsers!: number;

  @Field(() => Float, { nullable: true })
  meanProbability!: number | null;

  @Field(() => String, { nullable: true })
  activeModelVersion!: string | null;

  @Field(() => [Float], { description: 'Lower bounds of MEDIUM, HIGH and CRITICAL.' })
  thresholds!: number[];

  @Field(() => [RiskLevelCount])
  levels!: RiskLevelCount[];
}
