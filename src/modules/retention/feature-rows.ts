/**
 * Churn feature rows (FeatureService) as the raw matrix the uplift models take, and the facts the
 * strategy catalogue needs. Numbers become numeric columns, strings categorical ones.
 */
import type { FeatureMatrix } from '../../ml';
import type { FeatureRow } from '../features/feature.service';
import type { SubscriberFacts } from './strategy-catalogue';

/** Shape: rows [n] → numeric [n][p], categorical [n][q]; columns named after the features. */
export function featureMatrixOf(rows: readonly FeatureRow[]): FeatureMatrix {
  const first = rows[0]?.values ?? {};
  const names = Object.keys(first).sort();
  const numericNames = names.filter((k) => typeof first[k] === 'number');
  const categoricalNames = names.filter((k) => typeof first[k] !== 'number');
  return {
    numeric: rows.map((r) => numericNames.map((k) => Number(r.values[k]))),
    numericNames,
    categorical: rows.map((r) => categoricalNames.map((k) => String(r.values[k] ?? ''))),
    categoricalNames,
  };
}

export function factsOf(row: FeatureRow): SubscriberFacts {
  return {
    userId: row.userId,
    plan: String(row.values.plan),
    monthlyFee: Number(row.values.monthly_fee),
    daysSincePaymentFailure: Number(row.values.days_since_payment_failure),
  };
}
