/**
 * What one subscriber's action is worth. A retained subscriber is worth their lifetime value
 * (LTV, currency); an action changes the chance they are still subscribed at the horizon and may
 * change the fee they then pay (a downgrade), and it costs money (contact, revenue given up).
 *
 *   value kept = LTV · [(1 − p_s) · feeRatio_s − (1 − p_0)]
 *   net        = value kept − cost
 *
 * with p_0 and p_s the probabilities of churning within the horizon without and with the action.
 */

export interface ActionEconomics {
  /** Lifetime value of the subscriber if retained at today's fee, currency. */
  ltv: number;
  /** P(churn within the horizon) without the action. */
  churnWithout: number;
  /** P(churn within the horizon) with it. */
  churnWith: number;
  /** Expected fee afterwards / fee today (1 unless the action changes the plan). */
  feeRatio: number;
  /** Expected cost of the action, currency. */
  cost: number;
}

export interface ActionValue {
  /** Subscribers saved: p_0 − p_s (negative when the action drives them away). */
  saved: number;
  valueKept: number;
  cost: number;
  net: number;
}

export function actionValue(e: ActionEconomics): ActionValue {
  const valueKept = e.ltv * ((1 - e.churnWith) * e.feeRatio - (1 - e.churnWithout));
  return {
    saved: e.churnWithout - e.churnWith,
    valueKept,
    cost: e.cost,
    net: valueKept - e.cost,
  };
}
