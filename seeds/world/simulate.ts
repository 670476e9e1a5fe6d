import { accountDay } from './account';
import { DRIVER_COUNT, DriverStatistics } from './hazard';
import { EventLog, type WorldSink } from './event-log';
import { Random, round } from './random';
import { ACTIVE, CANCELLED, NEVER, NOT_SUBSCRIBED, UserState } from './state';
import { TruthOracle, rocAuc } from './truth';
import { liveDay } from './viewing';
import { PLANS } from './vocabulary';
import { type World, type WorldOptions, buildWorld, listFeeCents } from './world';

/** Salt of the main random stream (catalog, subscribers, every simulated day). */
const MAIN_STREAM = 0x776f_726c;
/** Days simulated before the window without emitting, so subscribers arrive with a history. */
const BURN_IN_DAYS = 28;
const DAY_SECONDS = 86400;

export interface WorldSummary {
  users: number;
  titles: number;
  days: number;
  startAt: Date;
  endAt: Date;
  viewingEvents: number;
  subscriptionEvents: number;
  truthRows: number;
  cancellations: number;
  reactivations: number;
  /** Subscribers ACTIVE at the world end. */
  activeAtEnd: number;
  /** Σ over days of subscribers active that day. */
  activeSubscriberDays: number;
  /** Cancellations per active subscriber-month (30 days), e.g. 0.045 = 4.5 %. */
  monthlyChurnRate: number;
  /** ROC AUC of the truth probabilities against realised cancellation within the horizon. */
  oracleAuc: number;
  /** Mean true probability over all truth rows, and the realised rate it should match. */
  meanTruth: number;
  realisedRate: number;
}

/**
 * The synthetic world as a day-by-day producer: `step()` simulates one day and pushes its rows to
 * the sink, so a caller can stream them out (and wait for backpressure) between days and memory
 * stays bounded however many events the world holds. `run()` does every day at once.
 */
export class WorldSimulation {
  readonly world: World;
  readonly state: UserState;
  /** Epoch seconds of each subscriber's last cancellation (meaningful when CANCELLED). */
  readonly cancelledAtSec: Float64Array;
  private readonly rng: Random;
  private readonly log: EventLog;
  private readonly oracle: TruthOracle;
  /** Spread of every hazard driver over the subscribers in the truth snapshots. */
  readonly drivers = new DriverStatistics();
  private readonly driverValues = new Float64Array(DRIVER_COUNT);
  /** Per snapshot: truth per subscriber (NaN = not in the snapshot) and realised label. */
  private readonly truthProb: Float64Array[];
  private readonly truthLabel: Uint8Array[];
  private nextDay = 0;
  private started = false;
  private cancellations = 0;
  private reactivations = 0;
  private activeDays = 0;

  constructor(options: WorldOptions, sink: WorldSink) {
    this.rng = new Random(MAIN_STREAM, options.seed);
    this.world = buildWorld(options, this.rng);
    const { subs, catalog, snapshotDays } = this.world;
    this.state = new UserState(subs.count, catalog.count);
    this.cancelledAtSec = new Float64Array(subs.count).fill(-1);
    this.log = new EventLog(sink, this.world.startSec);
    this.oracle = new TruthOracle(this.world);
    this.truthProb = snapshotDays.map(() => new Float64Array(subs.count).fill(Number.NaN));
    this.truthLabel = snapshotDays.map(() => new Uint8Array(subs.count));
    const st = this.state;
    for (let u = 0; u < subs.count; u++) st.ref[u] = u;
  }

  get days(): number {
    return this.world.options.days;
  }

  /** Days simulated so far. */
  get daysDone(): number {
    return this.nextDay;
  }

  get viewingEvents(): number {
    return this.log.viewings;
  }

  /** Simulate the next day; false once the window is complete. */
  step(): boolean {
    if (!this.started) this.begin();
    if (this.nextDay >= this.days) return false;
    this.simulateDay(this.nextDay++);
    return this.nextDay < this.days;
  }

  /** Simulate every remaining day and return the summary. */
  run(): WorldSummary {
    while (this.step());
    return this.summary();
  }

  /** Subscribers who joined before the window: SIGNUP rows, then a silent burn-in. */
  private begin(): void {
    this.started = true;
    const { subs } = this.world;
    const st = this.state;
    for (let u = 0; u < subs.count; u++) {
      if (subs.signupDay[u] >= 0) continue;
      this.subscribe(u, subs.signupDay[u]);
    }
    for (let d = -BURN_IN_DAYS; d < 0; d++) {
      for (let u = 0; u < subs.count; u++) {
        if (st.status[u] === ACTIVE && subs.signupDay[u] <= d)
          liveDay(this.world, st, u, d, this.rng, null);
      }
    }
  }

  private subscribe(u: number, day: number): void {
    const st = this.state;
    const plan = this.world.subs.plan[u];
    st.status[u] = ACTIVE;
    st.tenureStart[u] = day;
    st.billingAnchor[u] = day;
    st.plan[u] = plan;
    st.feeCents[u] = listFeeCents(this.world, plan, day);
    st.engagement[u] = this.world.subs.baseEngagement[u];
    this.log.subscription(
      u,
      day,
      this.world.subs.signupSecond[u],
      'SIGNUP',
      `{"plan":"${PLANS[plan]}","fee":${st.feeCents[u] / 100}}`,
    );
  }

  private simulateDay(day: number): void {
    const { subs, hazard, behaviour, snapshotDays } = this.world;
    const st = this.state;
    const rng = this.rng;
    const snapshot = snapshotDays.indexOf(day);
    if (snapshot >= 0) this.takeSnapshot(snapshot, day);

    for (let u = 0; u < subs.count; u++) {
      const status = st.status[u];
      if (status === NOT_SUBSCRIBED) {
        if (subs.signupDay[u] !== day) continue;
        this.subscribe(u, day);
        this.activeDays++;
        // The first evening counts: views start after the signup moment.
        liveDay(
          this.world,
          st,
          u,
          day,
          rng,
          this.log,
          Math.min(subs.signupSecond[u] + 60, DAY_SECONDS - 1),
        );
        continue;
      }
      if (status === CANCELLED) {
        if (rng.next() < behaviour.reactivationDaily) this.reactivate(u, day);
        continue;
      }
      this.activeDays++;
      const last = accountDay(this.world, st, u, day, rng, this.log);
      if (day > st.tenureStart[u] && rng.next() < hazard.daily(st, u, day, subs)) {
        this.cancel(u, day, last);
        continue;
      }
      liveDay(this.world, st, u, day, rng, this.log);
    }
  }

  private takeSnapshot(k: number, day: number): void {
    const st = this.state;
    const probs = this.truthProb[k];
    for (let u = 0; u < st.capacity; u++) {
      if (st.status[u] !== ACTIVE) continue;
      const p = round(this.oracle.probability(st, u, day), 6);
      probs[u] = p;
      this.world.hazard.values(st, u, day, this.world.subs, this.driverValues);
      this.drivers.add(this.driverValues);
      this.log.truth(u, day, p);
    }
  }

  private cancel(u: number, day: number, lastEventSecond: number): void {
    const st = this.state;
    const from = lastEventSecond + 1;
    const second = from + this.rng.int(DAY_SECONDS - from);
    st.status[u] = CANCELLED;
    this.cancelledAtSec[u] = this.log.at(day, second);
    this.cancellations++;
    this.log.subscription(
      u,
      day,
      second,
      'CANCEL',
      `{"plan":"${PLANS[st.plan[u]]}","tenureDays":${day - st.tenureStart[u]}}`,
    );
    const { snapshotDays, options } = this.world;
    for (let k = 0; k < snapshotDays.length; k++) {
      const s = snapshotDays[k];
      if (
        day >= s &&
        day < s + options.horizonDays &&
        this.truthProb[k][u] === this.truthProb[k][u]
      ) {
        this.truthLabel[k][u] = 1;
      }
    }
  }

  /** A cancelled subscriber comes back: a fresh spell at today's list price, history forgotten. */
  private reactivate(u: number, day: number): void {
    const st = this.state;
    const second = this.rng.int(DAY_SECONDS);
    st.status[u] = ACTIVE;
    st.tenureStart[u] = day;
    st.billingAnchor[u] = day;
    st.feeCents[u] = listFeeCents(this.world, st.plan[u], day);
    st.engagement[u] = this.world.subs.baseEngagement[u];
    st.lastViewDay[u] = NEVER;
    st.series[u] = -1;
    st.clearHistory(u);
    this.cancelledAtSec[u] = -1;
    this.reactivations++;
    this.log.subscription(
      u,
      day,
      second,
      'REACTIVATE',
      `{"plan":"${PLANS[st.plan[u]]}","fee":${st.feeCents[u] / 100}}`,
    );
  }

  /** Counts, churn and the oracle AUC so far (complete once every day has run). */
  summary(): WorldSummary {
    const { options, startSec, snapshotDays } = this.world;
    const scores: number[] = [];
    const labels: number[] = [];
    for (let k = 0; k < snapshotDays.length; k++) {
      const probs = this.truthProb[k];
      for (let u = 0; u < probs.length; u++) {
        if (probs[u] !== probs[u]) continue;
        scores.push(probs[u]);
        labels.push(this.truthLabel[k][u]);
      }
    }
    let activeAtEnd = 0;
    for (let u = 0; u < this.state.capacity; u++)
      if (this.state.status[u] === ACTIVE) activeAtEnd++;
    const positives = labels.reduce((a, b) => a + b, 0);
    return {
      users: options.users,
      titles: options.titles,
      days: options.days,
      startAt: new Date(startSec * 1000),
      endAt: options.end,
      viewingEvents: this.log.viewings,
      subscriptionEvents: this.log.subscriptions,
      truthRows: this.log.truths,
      cancellations: this.cancellations,
      reactivations: this.reactivations,
      activeAtEnd,
      activeSubscriberDays: this.activeDays,
      monthlyChurnRate: this.activeDays > 0 ? (30 * this.cancellations) / this.activeDays : 0,
      oracleAuc: rocAuc(scores, labels),
      meanTruth: scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : 0,
      realisedRate: labels.length > 0 ? positives / labels.length : 0,
    };
  }
}
