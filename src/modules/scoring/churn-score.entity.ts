import { Field, Float, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { RiskLevel } from '../model-registry/risk-levels';

/** One score of one subscriber by one model version. Append-only: the latest is served. */
@ObjectType({ description: 'A calibrated probability that the subscriber cancels within 30 days.' })
@Entity({ name: 'churn_scores' })
export class ChurnScore {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Field(() => ID, { description: 'The scored subscriber.' })
  @Column({ name: 'user_id', type: 'bigint' })
  userId!: string;

  @Field({ description: 'The model version that computed it.' })
  @Column({ name: 'model_version', type: 'text' })
  modelVersion!: string;

  @Field(() => Float, { description: 'Calibrated probability of cancelling within 30 days.' })
  @Column({ type: 'double precision' })
  probability!: number;

  @Field(() => RiskLevel, { description: 'The band of the probability (RISK_THRESHOLDS).' })
  @Column({ name: 'risk_level', type: 'enum', enum: RiskLevel, enumName: 'risk_level' })
  riskLevel!: RiskLevel;

  @Field({ description: 'When it was computed.' })
  @Column({ name: 'scored_at', type: 'timestamptz' })
  scoredAt!: Date;

  /** The event a live rescore followed; null for batch scores. */
  @Column({ name: 'cause_event_id', type: 'bigint', nullable: true })
  causeEventId!: string | null;

  /** The raw model's log-odds (before calibration); null for scores stored without an explanation. */
  @Column({ type: 'double precision', nullable: true })
  logit!: number | null;

  /** The raw model's log-odds at the training-mean subscriber. */
  @Column({ name: 'baseline_logit', type: 'double precision', nullable: true })
  baselineLogit!: number | null;

  @Column({ name: 'attribution_method', type: 'text', nullable: true })
  attributionMethod!: string | null;

  /** Σ of the contributions not stored in feature_attributions. */
  @Column({ name: 'attribution_rest', type: 'double precision', nullable: true })
  attributionRest!: number | null;
}
