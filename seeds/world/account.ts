import type { EventLog } from './event-log';
import type { Random } from './random';
import type { UserState } from './state';
import { PLANS } from './vocabulary';
import { type World, listFeeCents } from './world';

const BILLING_CYCLE_DAYS = 30;
/** Billing runs overnight; plan changes happen while people are awake. */
const BILLING_WINDOW: [number, number] = [2 * 3600, 6 * 3600];
const PLAN_CHANGE_WINDOW: [number, number] = [8 * 3600, 23 * 3600];

function fee(cents: number): number {
  return cents / 100;
}

/**
 * The account side of one day for active row `i`: on its billing day the price wave catches up
 * (PRICE_INCREASE) and the charge may fail (PAYMENT_FAILED, rarer for engaged subscribers); on
 * any day the plan may change (up for the engaged, down for the price-sensitive). Returns the
 * second of the day of the last event, or −1, so a same-day cancellation can follow it.
 */
export function accountDay(
  world: World,
  st: UserState,
  i: number,
  day: number,
  rng: Random,
  log: EventLog | null,
): number {
  const b = world.behaviour;
  const u = st.ref[i];
  let last = -1;
  const sinceAnchor = day - st.billingAnchor[i];
  if (sinceAnchor > 0 && sinceAnchor % BILLING_CYCLE_DAYS === 0) {
    const second = log ? BILLING_WINDOW[0] + rng.int(BILLING_WINDOW[1] - BILLING_WINDOW[0]) : 0;
    const plan = st.plan[i];
    const list = listFeeCents(world, plan, day);
    if (st.feeCents[i] < list) {
      const old = st.feeCents[i];
      st.feeCents[i] = list;
      st.priceIncreaseDay[i] = day;
      st.engagement[i] = Math.max(
        0.05,
        st.engagement[i] - b.priceIncreaseHit * world.subs.priceSensitivity[u],
      );
      if (log) {
        log.subscription(
          u,
          day,
          second,
          'PRICE_INCREASE',
          `{"plan":"${PLANS[plan]}","oldFee":${fee(old)},"newFee":${fee(list)}}`,
        );
        last = second;
      }
    }
    const pFail =
      b.paymentFailure * Math.exp(-b.paymentFailureEngagementSlope * (st.engagement[i] - 1));
    if (rng.next() < pFail) {
      st.lastPaymentFailDay[i] = day;
      st.engagement[i] = Math.max(0.05, st.engagement[i] - b.paymentFailureHit);
      if (log) {
        log.subscription(u, day, second + 1, 'PAYMENT_FAILED', `{"amount":${fee(st.feeCents[i])}}`);
        last = second + 1;
      }
    }
  }

  if (rng.next() < b.planChangeDaily) {
    const from = st.plan[i];
    // Engaged subscribers trade up, price-sensitive ones trade down.
    const up =
      rng.next() <
      1 /
        (1 +
          Math.exp(-(1.5 * (st.engagement[i] - 1) - 3 * (world.subs.priceSensitivity[u] - 0.4))));
    const to = up ? from + 1 : from - 1;
    if (to >= 0 && to < PLANS.length) {
      const old = st.feeCents[i];
      st.plan[i] = to;
      st.feeCents[i] = listFeeCents(world, to, day);
      if (log) {
        const second =
          PLAN_CHANGE_WINDOW[0] + rng.int(PLAN_CHANGE_WINDOW[1] - PLAN_CHANGE_WINDOW[0]);
        log.subscription(
          u,
          day,
          second,
          'PLAN_CHANGE',
          `{"from":"${PLANS[from]}","to":"${PLANS[to]}","oldFee":${fee(old)},"newFee":${fee(st.feeCents[i])}}`,
        );
        last = Math.max(last, second);
      }
    }
  }
  return last;
}
