import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum TrainingStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(TrainingStatus, {
  name: 'TrainingStatus',
  description: 'Where a training run is in its life.',
  valuesConfig: {
    QUEUED: { description: 'Accepted, waiting to start.' },
    RUNNING: { description: 'Fitting and evaluating.' },
    SUCCEEDED: { description: 'Finished: modelVersion names the model it registered.' },
    FAILED: { description: 'Stopped with an error (see error).' },
  },
});

@ObjectType({
  description: 'One run of the training pipeline (trainModel, `churn train`, or the first start).',
})
@Entity({ name: 'training_runs' })
export class TrainingRun {
  @Field(() => ID, { description: "The run's id." })
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Field(() => TrainingStatus, { description: 'Queued, running, succeeded or failed.' })
  @Column({ type: 'enum', enum: TrainingStatus, enumName: 'training_status' })
  status!: TrainingStatus;

  @Column({ type: 'jsonb' })
  params!: Record<string, unknown>;

  @Field(() => GraphQLISODateTime, { description: 'When the run was asked for.' })
  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When fitting began; null while queued.',
  })
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When it succeeded or failed; null until then.',
  })
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The best model this run registered.' })
  @Column({ name: 'model_version', type: 'text', nullable: true })
  modelVersion!: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether that model became the active one.',
  })
  @Column({ type: 'boolean', nullable: true })
  activated!: boolean | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: TrainingResult | null;

  @Field(() => String, { nullable: true, description: 'Why it failed; null otherwise.' })
  @Column({ type: 'text', nullable: true })
  error!: string | null;
}

/** What a finished run records (and `churn train` prints). */
export interface TrainingResult {
  versions: string[];
  winner: string;
  activated: boolean;
  reason: string;
  activeBefore: { version: string; rocAuc: number } | null;
  scored: number;
  /** The survival models registered by the run. */
  survival?: { versions: string[]; winner: string; activated: boolean; reason: string } | null;
}
