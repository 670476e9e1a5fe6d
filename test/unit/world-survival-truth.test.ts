/**
 * The world's true survival curves: replaying each subscriber's future from a snapshot gives
 * curves that start at 1, never rise, agree with the 30-day truth the simulator records at the same
 * snapshot (1 − S(30) estimates the same probability from independent replays), and rank the
 * cancellations that really followed.
 */
import {
  NULL_SINK,
  WorldSimulation,
  rocAuc,
  trueSurvivalCurves,
  type WorldSink,
} from '../../seeds';

const END = new Date('2025-06-01T00:00:00Z');
const OPTIONS = { users: 400, days: 60, seed: 17, end: END, truthReplays: 8 };

describe('true survival curves', () => {
  const truth = new Map<number, number>();
  const cancels: { user: number; at: number }[] = [];
  let sim: WorldSimulation;
  let curves: ReturnType<typeof trueSurvivalCurves>;

  beforeAll(() => {
    const sink: WorldSink = {
      ...NULL_SINK,
      subscription: (_id, user, at, kind) => {
        if (kind === 'CANCEL') cancels.push({ user, at });
      },
      truth: (user, _at, p) => truth.set(user, p),
    };
    sim = new WorldSimulation(OPTIONS, sink);
    sim.run();
    curves = trueSurvivalCurves(OPTIONS, { days: 90, replays: 8 });
  });

  it('covers the subscribers active at the snapshot, with curves that start at 1 and never rise', () => {
    const snapshotDay = OPTIONS.days - 30;
    expect(sim.world.snapshotDays).toContain(snapshotDay);
    expect(curves.snapshotSec).toBe(sim.world.startSec + snapshotDay * 86400);
    // The same subscribers the recorded truth covers at that snapshot (the only one in 60 days).
    expect([...curves.userIds].sort((a, b) => a - b)).toEqual(
      [...truth.keys()].sort((a, b) => a - b),
    );
    let problems = 0;
    for (const c of curves.curves) {
      if (c.length !== 90 || !(c[0] <= 1 && c[0] > 0.8)) problems++;
      for (let t = 1; t < c.length; t++) if (c[t] > c[t - 1] || c[t] < 0) problems++;
    }
    expect(problems).toBe(0);
  });

  it('agrees with the recorded 30-day truth and ranks the cancellations that followed', () => {
    const at30 = curves.curves.map((c) => 1 - c[29]);
    const recorded = curves.userIds.map((u) => truth.get(u)!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean(at30) - mean(recorded))).toBeLessThan(0.01);
    // Both are Monte Carlo estimates from 8 replays each: they agree closely, not exactly.
    expect(correlation(at30, recorded)).toBeGreaterThan(0.9);
    const from = curves.snapshotSec;
    const cancelled = new Set(
      cancels.filter((c) => c.at >= from && c.at < from + 30 * 86400).map((c) => c.user),
    );
    const labels = curves.userIds.map((u) => (cancelled.has(u) ? 1 : 0));
    expect(labels.reduce((a: number, b) => a + b, 0)).toBeGreaterThan(5);
    expect(rocAuc(at30, labels)).toBeGreaterThan(0.75);
  });
});

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, i) => {
    ab += (x - ma) * (b[i] - mb);
    aa += (x - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}
