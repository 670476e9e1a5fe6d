import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum SubscriptionEventKind {
  SIGNUP = 'SIGNUP',
  PLAN_CHANGE = 'PLAN_CHANGE',
  PAYMENT_FAILED = 'PAYMENT_FAILED',
  PRICE_INCREASE = 'PRICE_INCREASE',
  CANCEL = 'CANCEL',
  REACTIVATE = 'REACTIVATE',
}

/** Billing and lifecycle events; the source of churn labels. */
@Entity({ name: 'subscription_events' })
export class SubscriptionEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'user_id', type: 'bigint' })
  userId!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'enum', enum: SubscriptionEventKind, enumName: 'subscription_event_kind' })
  kind!: SubscriptionEventKind;

  @Column({ type: 'jsonb' })
  detail!: Record<string, unknown>;
}
