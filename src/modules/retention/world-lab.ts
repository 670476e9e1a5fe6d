/**
 * The synthetic world as a laboratory: rebuilt in memory from its stored options, branched at the
 * days a campaign or plan starts, so its futures can be replayed under any strategy. Database user
 * id u is world row u − 1 (the loader writes them in generation order).
 */
import { readWorldOptions, type RowSource } from '../../../seeds/world-store';
import { ACTIVE, type UserState } from '../../../seeds/world/state';
import { StrategyReplayer } from '../../../seeds/world/strategy-replay';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { branchWorldPausing } from '../../../seeds/world/world-branch';
import type { World } from '../../../seeds/world/world';
import { invalidArgument } from '../../common/domain-error';
import { worldNotAvailable } from './retention.errors';

const DAY_MS = 86_400_000;

/** The stored world's span, without running it. */
export interface WorldSpan {
  start: Date;
  end: Date;
  days: number;
}

/** The world branched at some days. */
export class WorldBranch {
  readonly replayer: StrategyReplayer;

  constructor(
    readonly world: World,
    private readonly span: WorldSpan,
    private readonly states: Map<number, UserState>,
  ) {
    this.replayer = new StrategyReplayer(world);
  }

  /** Day index (from the world start) of an instant at 00:00 UTC. */
  dayOf(at: Date): number {
    return Math.round((at.getTime() - this.span.start.getTime()) / DAY_MS);
  }

  stateAt(at: Date): UserState {
    const state = this.states.get(this.dayOf(at));
    if (!state) throw new Error(`the world was not branched at ${at.toISOString()}`);
    return state;
  }

  /** World row of a user id, or −1 when the world has no such subscriber. */
  rowOf(userId: string): number {
    const row = Number(userId) - 1;
    return Number.isInteger(row) && row >= 0 && row < this.world.subs.count ? row : -1;
  }

  /** Whether the user is an active subscriber in the world at `at`. */
  isActive(userId: string, at: Date): boolean {
    const row = this.rowOf(userId);
    return row >= 0 && this.stateAt(at).status[row] === ACTIVE;
  }
}

export class WorldLab {
  constructor(private readonly db: RowSource) {}

  /** The stored world's span; WORLD_NOT_AVAILABLE when none was seeded. */
  async span(): Promise<WorldSpan> {
    const o = await readWorldOptions(this.db);
    if (!o) throw worldNotAvailable();
    return { start: o.start, end: o.end, days: o.days };
  }

  /** The instant `daysBefore` whole days before the world end, checked to leave 28 days of history. */
  async daysBeforeEnd(daysBefore: number): Promise<Date> {
    const span = await this.span();
    if (span.days - daysBefore < 28) {
      throw invalidArgument(
        `the world holds ${span.days} days: a campaign ${daysBefore} days before its end would start with under 28 days of history`,
        { argument: 'horizonDays' },
      );
    }
    return new Date(span.end.getTime() - daysBefore * DAY_MS);
  }

  /**
   * Rebuild the world and branch it at each instant (00:00 UTC within the world), pausing every
   * few simulated days so a server stays responsive meanwhile.
   */
  async branch(at: readonly Date[]): Promise<WorldBranch> {
    const o = await readWorldOptions(this.db);
    if (!o) throw worldNotAvailable();
    const span = { start: o.start, end: o.end, days: o.days };
    const days = at.map((d) => Math.round((d.getTime() - o.start.getTime()) / DAY_MS));
    const { world, states } = await branchWorldPausing(o, days, () => yieldToLoop());
    return new WorldBranch(world, span, states);
  }
}
