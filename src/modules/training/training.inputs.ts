import { Field, InputType, Int } from 'type-graphql';

@InputType({ description: 'Options of a training run.' })
export class TrainModelInput {
  @Field(() => Int, { nullable: true, defaultValue: 42, description: 'Random seed (0..2^31-1).' })
  seed!: number;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Activate even if it does not beat the active model.',
  })
  force!: boolean;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 40,
    description: 'Most epochs for the deep model (1..200).',
  })
  maxEpochs!: number;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: 'Also try the 28-day sequence branch.',
  })
  withSequence!: boolean;
}
