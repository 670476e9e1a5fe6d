/**
 * Where the simulation's rows go. The simulation calls the sink with plain numbers (no row objects,
 * so a million events allocate nothing but what the sink builds); the loader formats COPY text,
 * tests hash or collect. Ids are assigned here, in generation order, so they are deterministic.
 */

export type SubscriptionKind =
  'SIGNUP' | 'PLAN_CHANGE' | 'PAYMENT_FAILED' | 'PRICE_INCREASE' | 'CANCEL' | 'REACTIVATE';

export interface WorldSink {
  /**
   * One viewing event. Times in epoch seconds; `completion` in [0, 1] with 3 decimals; `device`
   * indexes DEVICES; `rating` 1..5 or 0 for none.
   */
  viewing(
    id: number,
    userId: number,
    titleId: number,
    startedAtSec: number,
    watchedSeconds: number,
    completion: number,
    device: number,
    rating: number,
  ): void;
  /** One subscription event; `detail` is a JSON object text. */
  subscription(
    id: number,
    userId: number,
    atSec: number,
    kind: SubscriptionKind,
    detail: string,
  ): void;
  /** True P(cancel within (snapshot, snapshot + horizon]) for a subscriber active at the snapshot. */
  truth(userId: number, snapshotSec: number, probability: number): void;
}

/** A sink that drops everything (burn-in, benchmarks of the simulation alone). */
export const NULL_SINK: WorldSink = {
  viewing() {},
  subscription() {},
  truth() {},
};

const DAY_SECONDS = 86400;

/** Numbers ids, converts (day, second-of-day) to epoch seconds and counts what went out. */
export class EventLog {
  viewings = 0;
  subscriptions = 0;
  truths = 0;

  constructor(
    private readonly sink: WorldSink,
    private readonly startSec: number,
  ) {}

  /** Epoch seconds of `second` into `day` (relative to the world start). */
  at(day: number, second: number): number {
    return this.startSec + day * DAY_SECONDS + second;
  }

  viewing(
    user: number,
    title: number,
    day: number,
    second: number,
    watchedSeconds: number,
    completion: number,
    device: number,
    rating: number,
  ): void {
    const id = ++this.viewings;
    this.sink.viewing(
      id,
      user + 1,
      title + 1,
      this.at(day, second),
      watchedSeconds,
      completion,
      device,
      rating,
    );
  }

  subscription(
    user: number,
    day: number,
    second: number,
    kind: SubscriptionKind,
    detail: string,
  ): void {
    const id = ++this.subscriptions;
    this.sink.subscription(id, user + 1, this.at(day, second), kind, detail);
  }

  truth(user: number, day: number, probability: number): void {
    this.truths++;
    this.sink.truth(user + 1, this.at(day, 0), probability);
  }
}
