import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { AlertQuality } from './alert-quality';

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

@ObjectType({
  description: 'What alerts were worth over a replay of the world, for one alert rule.',
})
export class AlertQualityFigures {
  @Field(() => Int, {
    description:
      'Alerts opened early enough in the replay for their 30-day horizon to be observed.',
  })
  evaluatedAlerts!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of those alerts whose subscriber cancelled within 30 days.',
  })
  precision!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of active subscribers cancelling within 30 days, averaged over the days.',
  })
  baseRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'precision / baseRate.' })
  lift!: number | null;

  @Field(() => Int, { description: 'Subscribers who cancelled at least 7 days into the replay.' })
  churners!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of those churners alerted between 30 and 7 days before they cancelled.',
  })
  churnersAlertedEarly!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Median days from a churner’s first alert (within 30 days) to the cancellation.',
  })
  medianLeadDays!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Alerts opened per 1,000 active subscribers per day.',
  })
  alertsPer1000PerDay!: number | null;
}

@ObjectType({ description: 'One point of the trade-off curve: alerts at a probability threshold.' })
export class AlertQualityPoint extends AlertQualityFigures {
  @Field(() => Float, {
    description: 'The threshold as the share of subscribers above it at the start of the replay.',
  })
  topShare!: number;

  @Field(() => Float, { description: 'The calibrated probability an alert opens at.' })
  threshold!: number;
}

@ObjectType({
  description:
    'The latest alert-quality replay (`churn alert-quality`): the world’s last days sent through the alert code path.',
})
export class AlertQualityRun {
  @Field({ description: 'When the replay finished.' })
  createdAt!: Date;

  @Field({ description: 'Start of the replayed period.' })
  from!: Date;

  @Field({ description: 'End of the replayed period (the world’s end).' })
  to!: Date;

  @Field(() => Int, { description: 'Subscribers active at the start.' })
  subscribers!: number;

  @Field({ description: 'The churn model trained before the replay.' })
  modelVersion!: string;

  @Field({ description: 'ALERT_MIN_LEVEL during the replay.' })
  minLevel!: string;

  @Field(() => [Float], {
    description: 'Lower bounds of MEDIUM, HIGH and CRITICAL during the replay.',
  })
  thresholds!: number[];

  @Field(() => AlertQualityFigures, { description: 'What the service’s own alerts did.' })
  served!: AlertQualityFigures;

  @Field(() => [AlertQualityPoint], {
    description: 'The same figures at other thresholds, from the same score histories.',
  })
  curve!: AlertQualityPoint[];
}

export function toFigures(q: AlertQuality): AlertQualityFigures {
  return {
    evaluatedAlerts: q.evaluatedAlerts,
    precision: finiteOrNull(q.precision),
    baseRate: finiteOrNull(q.baseRate),
    lift: finiteOrNull(q.lift),
    churners: q.churners,
    churnersAlertedEarly: finiteOrNull(q.churnersAlertedEarly),
    medianLeadDays: finiteOrNull(q.medianLeadDays),
    alertsPer1000PerDay: finiteOrNull(q.alertsPer1000PerDay),
  };
}
