/**
 * Alert quality, measured on the world's truth: the synthetic world is seeded again into a scratch
 * database on the same server, cut `days` before its end, a churn model is trained on what came before
 * the cut, and the rest is replayed through the service's own code path, in time order: viewing and
 * account events through recordViewingEvents / recordAccountEvents (each batch rescored and alerted
 * as live), and the daily time-driven passes. The alerts it raised are then scored against the
 * cancellations that followed, and the same figures are computed for other alert thresholds by
 * re-applying a threshold rule to the stored score histories.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { readWorldOptions, seedWorld } from '../../seeds';
import {
  cutWorld,
  type CutAccountEvent,
  type CutViewingEvent,
  type WorldCut,
} from '../../seeds/world-cut';
import { DomainError } from '../common/domain-error';
import { ManualClock } from '../common/clock';
import type { Logger } from '../common/logger';
import { createProgress } from '../common/progress';
import type { Config } from '../app/config';
import { createDataSource } from '../db/data-source';
import { runMigrations } from '../db/migrate';
import {
  alertQuality,
  openingsUnderThreshold,
  type AlertQualityReport,
} from '../modules/alerts/alert-quality';
import { AlertsRepository } from '../modules/alerts/alerts.repository';
import { ScoresRepository } from '../modules/scoring/scores.repository';
import { AccountEventKind } from '../modules/events/account-event.inputs';
import { Device } from '../modules/events/viewing-event.entity';
import type { Plan } from '../modules/users/user.entity';
import { createAppPubSub } from '../pubsub/pubsub';
import { createServices, type Services } from '../app/services';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MAX_BATCH = 1000;
/** Top shares of subscribers the trade-off curve puts the alert threshold at. */
const CURVE_SHARES = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3];

export interface ReplayOptions {
  /** Days replayed before the world's end. */
  days: number;
  horizonDays: number;
  minLeadDays: number;
  seed: number;
  maxEpochs: number;
  silent?: boolean;
}

export type { AlertQualityReport };

export async function replayAlertQuality(
  main: DataSource,
  config: Config,
  logger: Logger,
  options: ReplayOptions,
): Promise<AlertQualityReport> {
  const started = Date.now();
  const world = await readWorldOptions(main);
  if (!world)
    throw new Error(
      'alert quality is measured on the synthetic world: this database has none (run `churn seed`)',
    );
  const scratch = await createScratch(main);
  const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-replay-models-'));
  const ds = createDataSource({ url: scratch.url, poolSize: 4 });
  try {
    await ds.initialize();
    await runMigrations(ds, logger);
    const end = world.end;
    const from = new Date(end.getTime() - options.days * DAY);
    const pool = new Pool({ connectionString: scratch.url, max: 2 });
    let cut: WorldCut;
    try {
      await seedWorld(
        pool,
        { users: world.users, days: world.days, seed: world.seed, end },
        { silent: options.silent },
      );
      const client = await pool.connect();
      try {
        cut = await cutWorld(client, from);
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
    const clock = new ManualClock(from);
    const services = createServices(
      ds,
      createAppPubSub(),
      { ...config, modelDir, rescoreIntervalHours: 24 },
      logger,
      clock,
    );
    await services.features.rebuildAll();
    const summary = await services.training.trainNow(
      {
        seed: options.seed,
        maxEpochs: options.maxEpochs,
        withSequence: false,
        force: true,
        rescore: false,
      },
      { step: (m) => !options.silent && process.stderr.write(`  ${m}\n`), epoch: () => undefined },
    );
    await services.scoring.scoreAll({ silent: true });
    const dropped = await replay(services, clock, cut!, from, end, options);
    const report = await measure(ds, cut!, from, end, options);
    const model = await services.registry.activeModel();
    return {
      world: { seed: world.seed, users: world.users, days: world.days, end: end.toISOString() },
      replay: {
        from: from.toISOString(),
        to: end.toISOString(),
        days: options.days,
        activeAtCut: cut!.activeAtCut,
        viewingEvents: cut!.viewing.length,
        accountEvents: cut!.account.length,
        rejected: dropped,
      },
      model: summary.result.winner,
      rule: {
        minLevel: config.alertMinLevel,
        jumpDelta: config.alertProbabilityDelta,
        thresholds: [...services.scoring.thresholdsFor(model)],
      },
      ...report,
      elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await scratch.drop();
    fs.rmSync(modelDir, { recursive: true, force: true });
  }
}

/**
 * Send the cut-off events back in time order, an hour at a time, with a time-driven pass each day.
 * Returns how many events the API refused.
 */
async function replay(
  services: Services,
  clock: ManualClock,
  cut: { viewing: CutViewingEvent[]; account: CutAccountEvent[] },
  from: Date,
  end: Date,
  options: ReplayOptions,
): Promise<number> {
  // A view belongs to the hour it ends in: by then it is entirely in the past.
  type Entry = { at: number; view?: CutViewingEvent; account?: CutAccountEvent };
  const timeline: Entry[] = [
    ...cut.viewing.map((v) => ({ at: v.startedAt.getTime() + v.watchedSeconds * 1000, view: v })),
    ...cut.account.map((a) => ({ at: a.at.getTime(), account: a })),
  ].sort((a, b) => a.at - b.at);
  const progress = createProgress({
    label: 'replay',
    total: options.days,
    unit: 'days',
    silent: options.silent,
  });
  let k = 0;
  let seq = 0;
  let rejected = 0;
  for (let t = from.getTime(); t < end.getTime(); t += HOUR) {
    clock.set(t + HOUR);
    const hour: Entry[] = [];
    while (k < timeline.length && timeline[k].at < t + HOUR) hour.push(timeline[k++]);
    // Runs of one kind, in time order: a view before a cancellation goes in before it.
    for (let i = 0; i < hour.length;) {
      const isView = hour[i].view !== undefined;
      let j = i;
      while (j < hour.length && (hour[j].view !== undefined) === isView && j - i < MAX_BATCH) j++;
      const run = hour.slice(i, j);
      rejected += isView
        ? await recordAll(
            run.map((r) => viewInput(r.view!, ++seq)),
            (e) => services.ingest.recordViewingEvents(e),
          )
        : await recordAll(
            run.map((r) => accountInput(r.account!, ++seq)).filter((e) => e !== null),
            (e) => services.ingest.recordAccountEvents(e),
          );
      i = j;
    }
    if ((t + HOUR - from.getTime()) % DAY === 0) {
      await services.timeRescoring.runDue();
      await services.timeRescoring.hourly();
      progress.tick();
    }
  }
  progress.done(
    `${cut.viewing.length} viewing and ${cut.account.length} account events replayed, ${rejected} refused`,
  );
  return rejected;
}

/** Record a batch; when the API refuses some events, record the rest. Returns how many were refused. */
async function recordAll<T>(
  inputs: T[],
  record: (events: T[]) => Promise<unknown>,
): Promise<number> {
  if (inputs.length === 0) return 0;
  try {
    await record(inputs);
    return 0;
  } catch (err) {
    const problems =
      err instanceof DomainError ? (err.details.eventErrors as { index: number }[]) : null;
    if (!problems) throw err;
    const bad = new Set(problems.map((p) => p.index));
    return (
      bad.size +
      (await recordAll(
        inputs.filter((_, i) => !bad.has(i)),
        record,
      ))
    );
  }
}

function viewInput(v: CutViewingEvent, seq: number) {
  return {
    clientEventId: `replay-${seq}`,
    userId: v.userId,
    titleId: v.titleId,
    startedAt: v.startedAt,
    watchedSeconds: v.watchedSeconds,
    completion: v.completion,
    device: v.device as Device,
    rating: v.rating,
  };
}

/** A world account event as the API takes it (SIGNUP has no API event). */
function accountInput(a: CutAccountEvent, seq: number) {
  const d = a.detail as Record<string, string | number | undefined>;
  const base = { clientEventId: `replay-${seq}`, userId: a.userId, at: a.at };
  switch (a.kind) {
    case 'PAYMENT_FAILED':
      return { ...base, kind: AccountEventKind.PAYMENT_FAILED };
    case 'PRICE_INCREASE':
      return { ...base, kind: AccountEventKind.PRICE_CHANGE, monthlyFee: Number(d.newFee) };
    case 'PLAN_CHANGE':
      return {
        ...base,
        kind: AccountEventKind.PLAN_CHANGE,
        plan: d.to as Plan,
        monthlyFee: Number(d.newFee),
      };
    case 'CANCEL':
      return { ...base, kind: AccountEventKind.CANCEL };
    case 'REACTIVATE':
      return {
        ...base,
        kind: AccountEventKind.REACTIVATE,
        plan: d.plan as Plan,
        monthlyFee: Number(d.fee),
      };
    default:
      return null;
  }
}

/** The served alerts' figures, and the curve over thresholds from the same score histories. */
async function measure(
  ds: DataSource,
  cut: { account: CutAccountEvent[] },
  from: Date,
  end: Date,
  options: ReplayOptions,
): Promise<Pick<AlertQualityReport, 'served' | 'curve'>> {
  const scores = new ScoresRepository(ds);
  const openings = await new AlertsRepository(ds).openings();
  const activeAtStart = await scores.usersScoredAt(from);
  const times = (kind: string) =>
    cut.account
      .filter((a) => a.kind === kind)
      .map((a) => ({ userId: a.userId, at: a.at.getTime() }));
  const base = {
    from: from.getTime(),
    to: end.getTime(),
    horizonDays: options.horizonDays,
    minLeadDays: options.minLeadDays,
    cancels: times('CANCEL'),
    reactivations: times('REACTIVATE'),
    activeAtStart,
  };
  const served = alertQuality({
    ...base,
    openings: openings.map((o) => ({ userId: o.userId, at: new Date(o.at).getTime() })),
  });

  const rows = await scores.historiesSince(from);
  const histories = rows.map((r) => ({ ...r, times: r.times.map((t) => new Date(t).getTime()) }));
  const atStart = histories.map((h) => h.probabilities[0]).sort((a, b) => b - a);
  const cancelsBy = new Map<string, number[]>();
  for (const c of base.cancels) cancelsBy.set(c.userId, [...(cancelsBy.get(c.userId) ?? []), c.at]);
  const curve = CURVE_SHARES.map((share) => {
    const threshold = atStart[Math.min(atStart.length - 1, Math.floor(share * atStart.length))];
    const opens = openingsUnderThreshold(histories, threshold, options.horizonDays, cancelsBy);
    return { topShare: share, threshold, ...alertQuality({ ...base, openings: opens }) };
  });
  return { served, curve };
}

/** A database of its own on the same server, dropped afterwards. */
async function createScratch(main: DataSource): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `churn_replay_${process.pid}_${randomBytes(3).toString('hex')}`;
  await main.query(`CREATE DATABASE ${name}`);
  const url = new URL((main.options as { url: string }).url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await main.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
