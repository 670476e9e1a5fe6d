import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum Plan {
  BASIC = 'BASIC',
  STANDARD = 'STANDARD',
  PREMIUM = 'PREMIUM',
}
registerEnumType(Plan, {
  name: 'Plan',
  description: 'Subscription plan.',
  valuesConfig: {
    BASIC: { description: 'The entry plan: one stream, standard definition.' },
    STANDARD: { description: 'Two streams in HD.' },
    PREMIUM: { description: 'Four streams in UHD.' },
  },
});

export enum UserStatus {
  ACTIVE = 'ACTIVE',
  CANCELLED = 'CANCELLED',
}
registerEnumType(UserStatus, {
  name: 'UserStatus',
  description: 'Whether a subscriber still pays.',
  valuesConfig: {
    ACTIVE: { description: 'A paying subscriber.' },
    CANCELLED: { description: 'Cancelled; cancelledAt says when.' },
  },
});

/** numeric columns arrive from pg as strings; fees are small, so a JS number is exact enough. */
const numericToNumber = {
  to: (v: number) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

@ObjectType({ description: 'A subscriber.' })
@Entity({ name: 'users' })
export class User {
  @Field(() => ID, { description: "The subscriber's id." })
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Field({ description: "The streaming platform's own id for this subscriber." })
  @Column({ name: 'external_id', type: 'text', unique: true })
  externalId!: string;

  @Field({ description: 'When the subscription started.' })
  @Column({ name: 'signup_at', type: 'timestamptz' })
  signupAt!: Date;

  @Field({ description: 'ISO 3166-1 alpha-2 country code.' })
  @Column({ type: 'char', length: 2 })
  country!: string;

  @Field({ description: 'Age band, e.g. "25-34".' })
  @Column({ name: 'age_band', type: 'text' })
  ageBand!: string;

  @Field(() => Plan, { description: 'Current plan.' })
  @Column({ type: 'enum', enum: Plan, enumName: 'plan' })
  plan!: Plan;

  @Field(() => Float, { description: 'Current monthly fee in the account currency.' })
  @Column({
    name: 'monthly_fee',
    type: 'numeric',
    precision: 6,
    scale: 2,
    transformer: numericToNumber,
  })
  monthlyFee!: number;

  @Field(() => UserStatus, { description: 'Active or cancelled.' })
  @Column({ type: 'enum', enum: UserStatus, enumName: 'user_status' })
  status!: UserStatus;

  @Field(() => Date, {
    nullable: true,
    description: 'When the subscriber cancelled; null while active.',
  })
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;
}
