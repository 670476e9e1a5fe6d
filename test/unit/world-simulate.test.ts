/**
 * The synthetic world behaves like a streaming service and keeps its own books straight: no event
 * outside a subscription spell or at/after the world end, statuses that match the CANCEL events,
 * churn in a plausible band, and a truth that is calibrated and discriminating (oracle AUC).
 */
import {
  NULL_SINK,
  WorldSimulation,
  describeDrivers,
  rocAuc,
  type SubscriptionKind,
  type WorldSink,
  type WorldSummary,
} from '../../seeds';
import { ACTIVE, CANCELLED } from '../../seeds/world/state';

const END = new Date('2025-06-01T00:00:00Z');
const END_SEC = END.getTime() / 1000;

interface Viewing {
  id: number;
  user: number;
  title: number;
  at: number;
  seconds: number;
  completion: number;
  device: number;
  rating: number;
}
interface Subscription {
  id: number;
  user: number;
  at: number;
  kind: SubscriptionKind;
  detail: Record<string, unknown>;
}
interface Truth {
  user: number;
  at: number;
  p: number;
}

interface Collected {
  sim: WorldSimulation;
  summary: WorldSummary;
  viewings: Viewing[];
  subscriptions: Subscription[];
  truths: Truth[];
}

function collect(users: number, days: number, seed: number): Collected {
  const viewings: Viewing[] = [];
  const subscriptions: Subscription[] = [];
  const truths: Truth[] = [];
  const sink: WorldSink = {
    viewing: (id, user, title, at, seconds, completion, device, rating) =>
      viewings.push({ id, user, title, at, seconds, completion, device, rating }),
    subscription: (id, user, at, kind, detail) =>
      subscriptions.push({ id, user, at, kind, detail: JSON.parse(detail) }),
    truth: (user, at, p) => truths.push({ user, at, p }),
  };
  // A few replays suffice for these checks; Math.exp is ~20× slower inside jest's sandbox.
  const sim = new WorldSimulation({ users, days, seed, end: END, truthReplays: 6 }, sink);
  const summary = sim.run();
  return { sim, summary, viewings, subscriptions, truths };
}

/** Subscription spells per user from SIGNUP/REACTIVATE … CANCEL, in event order. */
function spells(subscriptions: Subscription[]): Map<number, [number, number][]> {
  const out = new Map<number, [number, number][]>();
  for (const s of subscriptions) {
    const list = out.get(s.user) ?? [];
    if (s.kind === 'SIGNUP' || s.kind === 'REACTIVATE') list.push([s.at, Infinity]);
    if (s.kind === 'CANCEL') list[list.length - 1][1] = s.at;
    out.set(s.user, list);
  }
  return out;
}

describe('synthetic world simulation', () => {
  let small: Collected;
  let medium: Collected;

  beforeAll(() => {
    small = collect(300, 90, 3);
    medium = collect(1500, 120, 21);
  });

  it('numbers every row 1..n in generation order', () => {
    for (const w of [small, medium]) {
      expect(w.viewings.every((v, i) => v.id === i + 1)).toBe(true);
      expect(w.subscriptions.every((s, i) => s.id === i + 1)).toBe(true);
      expect(w.summary.viewingEvents).toBe(w.viewings.length);
      expect(w.summary.subscriptionEvents).toBe(w.subscriptions.length);
    }
  });

  it('gives every subscriber exactly one SIGNUP, some before the window opens', () => {
    const { subscriptions, sim } = medium;
    const signups = subscriptions.filter((s) => s.kind === 'SIGNUP');
    expect(signups).toHaveLength(1500);
    expect(new Set(signups.map((s) => s.user)).size).toBe(1500);
    expect(signups.some((s) => s.at < sim.world.startSec)).toBe(true);
    expect(signups.some((s) => s.at >= sim.world.startSec)).toBe(true);
  });

  it('keeps every event inside the window and inside a subscription spell', () => {
    // Plain checks collected into one list: a million expect() calls would take most of a minute.
    const problems: string[] = [];
    for (const { viewings, subscriptions, sim } of [small, medium]) {
      const bySpell = spells(subscriptions);
      const { catalog, startSec } = sim.world;
      for (const s of subscriptions)
        if (s.at >= END_SEC) problems.push(`subscription ${s.id} at/after end`);
      for (const v of viewings) {
        if (v.at < startSec || v.at >= END_SEC) problems.push(`viewing ${v.id} outside the window`);
        if (!(v.completion >= 0 && v.completion <= 1)) problems.push(`viewing ${v.id} completion`);
        if (v.seconds < 0 || v.seconds > catalog.runtimeMinutes[v.title - 1] * 60) {
          problems.push(`viewing ${v.id} watched ${v.seconds}s`);
        }
        if (!Number.isInteger(v.rating) || v.rating < 0 || v.rating > 5)
          problems.push(`viewing ${v.id} rating`);
        const inSpell = (bySpell.get(v.user) ?? []).some(([from, to]) => v.at >= from && v.at < to);
        if (!inSpell) problems.push(`viewing ${v.id} of user ${v.user} outside a subscription`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('matches final statuses with the CANCEL and REACTIVATE events', () => {
    for (const { subscriptions, sim } of [small, medium]) {
      const bySpell = spells(subscriptions);
      for (let u = 0; u < sim.world.subs.count; u++) {
        const list = bySpell.get(u + 1) ?? [];
        const last = list[list.length - 1];
        const status = sim.state.status[u];
        expect([ACTIVE, CANCELLED]).toContain(status);
        if (status === CANCELLED) {
          expect(last[1]).toBe(sim.cancelledAtSec[u]); // cancelled_at = the last CANCEL
        } else {
          expect(last[1]).toBe(Infinity);
          expect(sim.cancelledAtSec[u]).toBe(-1);
        }
      }
    }
  });

  it('applies the price wave to one plan, upward, with old and new fees', () => {
    const { subscriptions, sim } = medium;
    const increases = subscriptions.filter((s) => s.kind === 'PRICE_INCREASE');
    expect(increases.length).toBeGreaterThan(0);
    const waveAt = sim.world.startSec + sim.world.priceWave.day * 86400;
    for (const s of increases) {
      expect(s.at).toBeGreaterThanOrEqual(waveAt);
      expect(s.detail.newFee as number).toBeGreaterThan(s.detail.oldFee as number);
    }
    expect(new Set(increases.map((s) => s.detail.plan)).size).toBe(1);
    expect(new Set(increases.map((s) => s.user)).size).toBe(increases.length);
  });

  it('emits the other lifecycle events a service sees', () => {
    const kinds = new Set(medium.subscriptions.map((s) => s.kind));
    for (const kind of ['SIGNUP', 'CANCEL', 'PAYMENT_FAILED', 'PLAN_CHANGE', 'PRICE_INCREASE']) {
      expect(kinds).toContain(kind);
    }
  });

  it('records truth only for subscribers active at each snapshot, as probabilities', () => {
    const problems: string[] = [];
    for (const { truths, subscriptions, sim } of [small, medium]) {
      const bySpell = spells(subscriptions);
      const snapshots = new Set(sim.world.snapshotDays.map((d) => sim.world.startSec + d * 86400));
      expect(truths.length).toBeGreaterThan(0);
      for (const t of truths) {
        if (!snapshots.has(t.at)) problems.push(`truth for ${t.user} at ${t.at}: not a snapshot`);
        if (!(t.p >= 0 && t.p <= 1)) problems.push(`truth for ${t.user}: p = ${t.p}`);
        const active = (bySpell.get(t.user) ?? []).some(([from, to]) => from < t.at && t.at < to);
        if (!active) problems.push(`truth for ${t.user} at ${t.at}: not active then`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('churns at a plausible monthly rate and rarely reactivates', () => {
    const s = medium.summary;
    expect(s.monthlyChurnRate).toBeGreaterThan(0.02);
    expect(s.monthlyChurnRate).toBeLessThan(0.08);
    expect(s.reactivations).toBeLessThan(0.1 * s.cancellations);
  });

  it('has a truth that is calibrated and discriminating (oracle AUC)', () => {
    const s = medium.summary;
    expect(s.oracleAuc).toBeGreaterThan(0.7);
    expect(s.oracleAuc).toBeLessThan(0.97);
    // Honest probabilities: on average they match how many actually cancelled.
    expect(Math.abs(s.meanTruth - s.realisedRate)).toBeLessThan(0.015);
  });

  it('watches titles by taste: favourite-genre titles get more views and better completion', () => {
    const { viewings, sim } = medium;
    const { subs, catalog } = sim.world;
    let favViews = 0;
    let favCompletion = 0;
    let otherCompletion = 0;
    for (const v of viewings) {
      const fav = catalog.genres[(v.title - 1) * 3] === subs.favGenre[v.user - 1];
      if (fav) {
        favViews++;
        favCompletion += v.completion;
      } else {
        otherCompletion += v.completion;
      }
    }
    expect(favViews / viewings.length).toBeGreaterThan(0.3);
    expect(favCompletion / favViews).toBeGreaterThan(
      otherCompletion / (viewings.length - favViews),
    );
  });
});

describe('hazard drivers', () => {
  it('decompose the daily hazard exactly into the drivers recorded in the world params', () => {
    const sim = new WorldSimulation(
      { users: 400, days: 75, seed: 8, end: END, truthReplays: 2 },
      NULL_SINK,
    );
    sim.run();
    const { hazard, subs } = sim.world;
    const p = hazard.params;
    const drivers = describeDrivers(p);
    const values = new Float64Array(drivers.length);
    let checked = 0;
    for (let u = 0; u < subs.count; u++) {
      if (sim.state.status[u] !== ACTIVE) continue;
      hazard.values(sim.state, u, 75, subs, values);
      let logit = p.intercept + p.plan[1];
      drivers.forEach((d, k) => (logit += d.coefficient * values[k]));
      expect(1 / (1 + Math.exp(-logit))).toBeCloseTo(hazard.daily(sim.state, u, 75, subs), 12);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
    const ranked = sim.drivers.describe(p);
    expect(ranked.map((d) => d.rank).sort((a, b) => a - b)).toEqual(drivers.map((_, k) => k + 1));
  });
});

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0.5 for ties, and averages tied ranks', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([0.1, 0.2], [0, 0])).toBeNaN();
  });
});
