/**
 * The account side of the synthetic world in real time, for `churn simulate`: payment failures and
 * recoveries, price and plan changes, cancellations and reactivations of the subscribers already in the
 * database, drawn as the day-by-day simulation draws them (account.ts) but compressed in time so that a
 * minute of demo shows what a month of billing would: failures strike disengaged subscribers more,
 * price-sensitive ones trade down, drifting and recently failed ones cancel. It keeps each subscriber's
 * account so every event it emits is valid for the API. Pure: state in, events out, seeded.
 */
import { Random } from './random';
import { PLAN_FEES_CENTS, PLANS, type PlanName } from './vocabulary';

export interface LiveAccount {
  id: string;
  plan: PlanName;
  monthlyFee: number;
  active: boolean;
  /** Latent engagement (1 = typical). */
  engagement: number;
  /** Latent price sensitivity (0..1). */
  priceSensitivity: number;
  /** Time of the subscriber's latest account event (ms): new events never go before it. */
  lastEventAt: number;
}

export interface LiveAccountEvent {
  userId: string;
  kind:
    | 'PAYMENT_FAILED'
    | 'PAYMENT_RECOVERED'
    | 'PRICE_CHANGE'
    | 'PLAN_CHANGE'
    | 'CANCEL'
    | 'REACTIVATE';
  at: Date;
  plan?: PlanName;
  monthlyFee?: number;
}

/** Relative frequencies of the kinds (those that do not apply to the drawn subscriber are redrawn). */
const KIND_WEIGHTS: [LiveAccountEvent['kind'], number][] = [
  ['PAYMENT_FAILED', 0.34],
  ['PAYMENT_RECOVERED', 0.14],
  ['PRICE_CHANGE', 0.14],
  ['PLAN_CHANGE', 0.14],
  ['CANCEL', 0.18],
  ['REACTIVATE', 0.06],
];
/** The price wave's step, as in world.ts. */
const PRICE_STEP = 1.5;
const MAX_DRAWS = 20;

export class LiveAccountFeed {
  private readonly rng: Random;
  private readonly byId: Map<string, LiveAccount>;
  private readonly failed = new Set<string>();

  constructor(
    private readonly accounts: LiveAccount[],
    seed: number,
    /** Whether the viewing feed has this subscriber drifting away now (they cancel more). */
    private readonly drifting: (id: string) => boolean = () => false,
  ) {
    this.rng = new Random(0xacc7, seed);
    this.byId = new Map(accounts.map((a) => [a.id, a]));
  }

  isActive(id: string): boolean {
    return this.byId.get(id)?.active ?? false;
  }

  /** The next account event at `now` (ms), or null when nothing applies. Updates the accounts. */
  next(now: number): LiveAccountEvent | null {
    for (let draw = 0; draw < MAX_DRAWS; draw++) {
      const kind = this.pickKind();
      const a = this.pickAccount(kind);
      if (!a) continue;
      const at = Math.max(now - 1000, a.lastEventAt + 1);
      const event = this.apply(kind, a, at);
      if (!event) continue;
      a.lastEventAt = at;
      return event;
    }
    return null;
  }

  private pickKind(): LiveAccountEvent['kind'] {
    let x = this.rng.next();
    for (const [kind, w] of KIND_WEIGHTS) {
      x -= w;
      if (x <= 0) return kind;
    }
    return 'PAYMENT_FAILED';
  }

  /** A subscriber the kind applies to, weighted as the world weighs it (rejection sampling). */
  private pickAccount(kind: LiveAccountEvent['kind']): LiveAccount | null {
    for (let draw = 0; draw < MAX_DRAWS; draw++) {
      const a = this.accounts[this.rng.int(this.accounts.length)];
      if ((kind === 'REACTIVATE') === a.active) continue;
      if (kind === 'PAYMENT_RECOVERED' && !this.failed.has(a.id)) continue;
      if (this.rng.next() < this.weight(kind, a)) return a;
    }
    return null;
  }

  /** Acceptance probability of subscriber `a` for `kind`, in [0, 1]. */
  private weight(kind: LiveAccountEvent['kind'], a: LiveAccount): number {
    const disengaged = 1 / (1 + Math.exp(2 * (a.engagement - 1)));
    switch (kind) {
      case 'PAYMENT_FAILED':
        return 0.2 + 0.8 * disengaged;
      case 'CANCEL':
        return Math.min(
          1,
          0.05 + (this.drifting(a.id) ? 0.6 : 0) + (this.failed.has(a.id) ? 0.4 : 0),
        );
      case 'PLAN_CHANGE':
        return 0.3 + 0.7 * a.priceSensitivity;
      default:
        return 1;
    }
  }

  private apply(
    kind: LiveAccountEvent['kind'],
    a: LiveAccount,
    at: number,
  ): LiveAccountEvent | null {
    const base = { userId: a.id, kind, at: new Date(at) };
    switch (kind) {
      case 'PAYMENT_FAILED':
        this.failed.add(a.id);
        return base;
      case 'PAYMENT_RECOVERED':
        this.failed.delete(a.id);
        return base;
      case 'PRICE_CHANGE':
        a.monthlyFee = round2(a.monthlyFee + PRICE_STEP);
        return { ...base, monthlyFee: a.monthlyFee };
      case 'PLAN_CHANGE': {
        const from = PLANS.indexOf(a.plan);
        // Price-sensitive subscribers trade down, engaged ones up.
        const up =
          this.rng.next() <
          1 / (1 + Math.exp(-(1.5 * (a.engagement - 1) - 3 * (a.priceSensitivity - 0.4))));
        const to = from + (up ? 1 : -1);
        if (to < 0 || to >= PLANS.length) return null;
        a.plan = PLANS[to];
        a.monthlyFee = PLAN_FEES_CENTS[to] / 100;
        return { ...base, plan: a.plan, monthlyFee: a.monthlyFee };
      }
      case 'CANCEL':
        a.active = false;
        this.failed.delete(a.id);
        return base;
      case 'REACTIVATE':
        a.active = true;
        a.plan = a.plan ?? PLANS[0];
        a.monthlyFee = PLAN_FEES_CENTS[PLANS.indexOf(a.plan)] / 100;
        return { ...base, plan: a.plan, monthlyFee: a.monthlyFee };
    }
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
