/**
 * The world's true response to retention strategies. Each strategy changes a replayed
 * subscriber's latent state and/or adds a term to the daily hazard's log-odds, and the response
 * differs by subscriber, mostly through latent traits a model can only see through proxies:
 *
 * - DISCOUNT helps in proportion to the square of the latent price sensitivity while it runs, then
 *   the price returning to normal counts as a price increase (the hazard's own term);
 * - CONTENT_PUSH finds new titles for genre-exhausted subscribers (exhaustion falls, engagement rises);
 * - REENGAGEMENT_MESSAGE may end a "drifting away" spell and lifts engagement;
 * - DOWNGRADE_OFFER is accepted more by the price-sensitive; acceptors pay less and churn less;
 * - PAYMENT_RECOVERY usually clears a recent payment failure's risk.
 *
 * "Sleeping dogs": a long-tenured subscriber who has barely watched for two weeks is reminded by a
 * marketing contact that they still pay, and is more likely to cancel for the next weeks.
 * That is the group "treat the riskiest" picks first.
 */
import type { Random } from './random';
import { NEVER, type UserState } from './state';
import { type World, listFeeCents } from './world';

export const STRATEGY_CODES = [
  'DISCOUNT',
  'CONTENT_PUSH',
  'REENGAGEMENT_MESSAGE',
  'DOWNGRADE_OFFER',
  'PAYMENT_RECOVERY',
] as const;
export type StrategyCode = (typeof STRATEGY_CODES)[number];

/** A strategy with its parameters, as the world receives it. */
export interface Treatment {
  code: StrategyCode;
  /** DISCOUNT: percent off the fee (1..100). */
  percent?: number;
  /** DISCOUNT: months the discount runs. */
  months?: number;
}

/** The effect parameters, documented in docs/retention.md and recorded for reproducibility. */
export const EFFECT_PARAMS = {
  /** Hazard log-odds × price sensitivity² × percent / 20 while a discount runs. */
  discountPerPriceSensitivity: -2.2,
  /** Content push: exhaustion × (1 − relief); engagement + lift × exhaustion. */
  contentExhaustionRelief: 0.4,
  contentEngagementLift: 0.15,
  /** Re-engagement: P(ending a drifting spell), engagement lift × base engagement. */
  reengageRecover: 0.5,
  reengageEngagementLift: 0.1,
  /** Downgrade: P(accept) = base + slope × price sensitivity; acceptors' hazard × sensitivity. */
  downgradeAcceptBase: 0.05,
  downgradeAcceptSlope: 0.7,
  downgradeRelief: -1.4,
  /** Payment recovery: P(the card is updated), which clears the failure's hazard term. */
  paymentRecoverySuccess: 0.7,
  /**
   * Sleeping dogs: at most this many views in the last 14 days and at least this tenure; a contact
   * adds reminder × contact weight to the hazard's log-odds for reminderDays.
   */
  sleepingMaxViews14: 3,
  sleepingTenureDays: 90,
  sleepingReminder: 1.5,
  sleepingReminderDays: 30,
} as const;

/** How strongly each strategy's contact reminds a sleeping dog (0 = not a marketing contact). */
const CONTACT_WEIGHT: Record<StrategyCode, number> = {
  DISCOUNT: 0.3,
  CONTENT_PUSH: 1,
  REENGAGEMENT_MESSAGE: 1,
  DOWNGRADE_OFFER: 0.6,
  PAYMENT_RECOVERY: 0,
};

/** What a treatment did to one replayed subscriber, fixed when it is applied. */
export interface AppliedTreatment {
  /** Days the hazard offset lasts from the treatment day, and the offset (log-odds). */
  offsetDays: number;
  offset: number;
  /** Sleeping-dog reminder: days and log-odds (0 when not a sleeping dog). */
  reminderDays: number;
  reminder: number;
  /** Day offset at which a discount ends (its price returns: a price increase), or −1. */
  discountEndsAfter: number;
  /** Whether an offer was accepted (DOWNGRADE_OFFER; true for the others). */
  accepted: boolean;
}

/** True when a contact today would remind row `i` that they still pay. */
export function isSleepingDog(st: UserState, i: number, day: number): boolean {
  return (
    st.views14[i] <= EFFECT_PARAMS.sleepingMaxViews14 &&
    day - st.tenureStart[i] >= EFFECT_PARAMS.sleepingTenureDays
  );
}

/**
 * Apply `treatment` to row `i` of `st` at the start of `day`, drawing what is random (acceptance,
 * success, a spell ending) from `rng`, a stream separate from the daily ones so the arms stay
 * coupled day by day. Mutates the row's state; returns the hazard terms the replay adds.
 */
export function applyTreatment(
  world: World,
  st: UserState,
  i: number,
  day: number,
  treatment: Treatment,
  rng: Random,
): AppliedTreatment {
  const p = EFFECT_PARAMS;
  const u = st.ref[i];
  const ps = world.subs.priceSensitivity[u];
  const out: AppliedTreatment = {
    offsetDays: 0,
    offset: 0,
    reminderDays: 0,
    reminder: 0,
    discountEndsAfter: -1,
    accepted: true,
  };
  const draw = rng.next(); // one draw per treatment whatever its kind, so streams stay aligned
  if (isSleepingDog(st, i, day)) {
    out.reminderDays = p.sleepingReminderDays;
    out.reminder = p.sleepingReminder * CONTACT_WEIGHT[treatment.code];
  }
  switch (treatment.code) {
    case 'DISCOUNT': {
      const days = 30 * (treatment.months ?? 3);
      out.offsetDays = days;
      out.offset = (p.discountPerPriceSensitivity * ps * ps * (treatment.percent ?? 20)) / 20;
      out.discountEndsAfter = days;
      break;
    }
    case 'CONTENT_PUSH': {
      const ex = st.exhaustion[i];
      st.exhaustion[i] = ex * (1 - p.contentExhaustionRelief);
      st.engagement[i] = Math.min(4, st.engagement[i] + p.contentEngagementLift * ex);
      break;
    }
    case 'REENGAGEMENT_MESSAGE': {
      if (st.drifting[i] === 1 && draw < p.reengageRecover) st.drifting[i] = 0;
      st.engagement[i] = Math.min(
        4,
        st.engagement[i] + p.reengageEngagementLift * world.subs.baseEngagement[u],
      );
      break;
    }
    case 'DOWNGRADE_OFFER': {
      out.accepted = st.plan[i] > 0 && draw < p.downgradeAcceptBase + p.downgradeAcceptSlope * ps;
      if (out.accepted) {
        st.plan[i] -= 1;
        st.feeCents[i] = listFeeCents(world, st.plan[i], day);
        out.offsetDays = Number.MAX_SAFE_INTEGER;
        out.offset = p.downgradeRelief * ps;
      }
      break;
    }
    case 'PAYMENT_RECOVERY': {
      if (day - st.lastPaymentFailDay[i] <= 30 && draw < p.paymentRecoverySuccess) {
        st.lastPaymentFailDay[i] = NEVER;
        st.engagement[i] = Math.min(4, st.engagement[i] + world.behaviour.paymentFailureHit);
      }
      break;
    }
  }
  return out;
}

/** Log-odds the treatment adds to the hazard `k` days after it was applied. */
export function treatmentOffset(applied: AppliedTreatment, k: number): number {
  let x = 0;
  if (k < applied.offsetDays) x += applied.offset;
  if (k < applied.reminderDays) x += applied.reminder;
  return x;
}
