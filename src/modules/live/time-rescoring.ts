/**
 * Risk is a function of time: days since the last view grow, decayed counts fade, billing events age.
 * This scheduler rescores every active subscriber at least once per interval, spread over it: each tick
 * enqueues the subscribers whose latest score is oldest (about N × tick / interval of them, with
 * headroom to catch up) and drains the outbox through the same claim → score → alert → publish path as
 * live events, so a subscriber who silently stops watching rises and alerts. Hourly it also stores a
 * snapshot of the risk-level counts, recounts them, and resolves alerts past their horizon (RETAINED).
 */
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import type { AlertsService } from '../alerts/alerts.service';
import type { RescoringService } from './rescoring.service';
import { ScoresRepository } from '../scoring/scores.repository';

export interface TimeRescoringOptions {
  /** Each subscriber is rescored at least this often (ms). */
  intervalMs: number;
  /** How often due subscribers are picked (ms). */
  tickMs: number;
  /** Alerts raised this long ago resolve as RETAINED (days). */
  alertHorizonDays: number;
}

/** Each tick takes this multiple of its fair share, so a backlog (say, after a restart) clears. */
const CATCH_UP = 2;
const HOUR_MS = 3_600_000;

export interface TickSummary {
  enqueued: number;
  rescored: number;
  retained: number;
}

export class TimeRescoringScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private lastHourly = 0;
  /** Subscribers rescored by time-driven passes in this process (metrics). */
  rescored = 0;

  constructor(
    private readonly rescoring: RescoringService,
    private readonly scores: ScoresRepository,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: TimeRescoringOptions,
  ) {}

  start(): void {
    if (this.timer || this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((err) => this.logger.error('Time-driven rescoring failed', { error: String(err) }))
        .finally(() => (this.running = null));
    }, this.options.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One tick: this tick's share of due subscribers, rescored; the hourly chores when an hour passed. */
  async tick(): Promise<TickSummary> {
    const totals = await this.scores.totals();
    const active = totals.reduce((n, t) => n + t.users, 0);
    const share = Math.ceil(
      ((active + 1) * this.options.tickMs * CATCH_UP) / Math.max(1, this.options.intervalMs),
    );
    const summary = await this.pass(share);
    const now = this.clock.now().getTime();
    if (now - this.lastHourly >= HOUR_MS) {
      this.lastHourly = now;
      summary.retained = await this.hourly();
    }
    return summary;
  }

  /**
   * Rescore every subscriber whose latest score is older than the interval (or who has none), in
   * chunks of at most `limit` (tests and the alert replay move the clock and call this directly).
   */
  async runDue(limit = 5000): Promise<TickSummary> {
    const total: TickSummary = { enqueued: 0, rescored: 0, retained: 0 };
    for (;;) {
      const s = await this.pass(limit);
      total.enqueued += s.enqueued;
      total.rescored += s.rescored;
      if (s.enqueued < limit) return total;
    }
  }

  /** The hourly chores: risk-level snapshot and recount, RETAINED alerts. Returns alerts resolved. */
  async hourly(): Promise<number> {
    await this.scores.reconcileTotals();
    await this.scores.snapshot(this.clock.now(), 'hourly');
    return this.alerts.resolveRetained(this.options.alertHorizonDays);
  }

  private async pass(limit: number): Promise<TickSummary> {
    const before = new Date(this.clock.now().getTime() - this.options.intervalMs);
    const enqueued = await this.rescoring.outbox.enqueueDue(ScoresRepository.DUE_SELECT, [
      before.toISOString(),
      limit,
    ]);
    const rescored = enqueued > 0 ? await this.rescoring.drainAll() : 0;
    this.rescored += rescored;
    return { enqueued, rescored, retained: 0 };
  }
}
