/**
 * The world's state at chosen days, for branching futures off it (experiments, plans, their
 * truth). The main trajectory is deterministic in the world options, so a stored world is rebuilt
 * in memory from its `sim.worlds` row and run to the days asked for; the truth snapshots use their
 * own random streams, so running them with one replay changes nothing but the time it takes.
 */
import { NULL_SINK } from './event-log';
import { WorldSimulation } from './simulate';
import { UserState, copyUser } from './state';
import type { World, WorldOptions } from './world';

/** The world and its subscribers' states at 00:00 of each requested day (before it is simulated). */
export interface WorldBranches {
  world: World;
  /** Day (relative to the world start) → every subscriber's state at its start. */
  states: Map<number, UserState>;
}

/**
 * Run the world of `options` and copy every subscriber's state at the start of each of `days`
 * (1..options.days; `options.days` = the world end). `onDay` reports progress.
 */
export function branchWorld(
  options: WorldOptions,
  days: readonly number[],
  onDay?: (done: number, total: number) => void,
): WorldBranches {
  const run = branchSteps(options, days);
  for (let r = run.next(); ; r = run.next()) {
    if (r.done) return r.value;
    onDay?.(r.value.done, r.value.total);
  }
}

/**
 * The same, pausing every `every` simulated days (e.g. to let a server's event loop answer
 * requests while a world of thousands of subscribers is rebuilt).
 */
export async function branchWorldPausing(
  options: WorldOptions,
  days: readonly number[],
  pause: () => Promise<void>,
  every = 5,
): Promise<WorldBranches> {
  const run = branchSteps(options, days);
  for (let r = run.next(); ; r = run.next()) {
    if (r.done) return r.value;
    if (r.value.done % every === 0) await pause();
  }
}

function* branchSteps(
  options: WorldOptions,
  days: readonly number[],
): Generator<{ done: number; total: number }, WorldBranches> {
  for (const d of days) {
    if (!Number.isInteger(d) || d < 1 || d > options.days)
      throw new Error(`Branch day must be within 1..${options.days}, got ${d}`);
  }
  const sim = new WorldSimulation({ ...options, truthReplays: 1 }, NULL_SINK);
  const wanted = new Set(days);
  const states = new Map<number, UserState>();
  const last = Math.max(...days);
  while (sim.daysDone < last) {
    sim.step();
    if (wanted.has(sim.daysDone))
      states.set(sim.daysDone, snapshotState(sim.state, sim.world.catalog.count));
    yield { done: sim.daysDone, total: last };
  }
  return { world: sim.world, states };
}

function snapshotState(state: UserState, titles: number): UserState {
  const copy = new UserState(state.capacity, titles);
  for (let u = 0; u < state.capacity; u++) copyUser(state, u, copy, u);
  return copy;
}
