import {
  COPY_NULL,
  TimestampFormatter,
  copyNumberArray,
  copyText,
  copyTextArray,
  copyTimestamp,
} from './copy-format';
import type { CopyWriter } from './copy-writer';
import { titleGenreIndices } from './world/catalog';
import type { SubscriptionKind, WorldSink } from './world/event-log';
import { round } from './world/random';
import type { WorldSimulation } from './world/simulate';
import { CANCELLED } from './world/state';
import { AGE_BANDS, COUNTRIES, DEVICES, GENRES, GENRE_NAMES, PLANS } from './world/vocabulary';

/** Column lists of the COPY statements, in the order the row formatters below write them. */
export const COPY_SQL = {
  titles:
    'COPY titles (id, name, type, genres, release_year, runtime_minutes, episode_count, maturity, description, tags) FROM STDIN',
  users:
    'COPY users (id, external_id, signup_at, country, age_band, plan, monthly_fee, status, cancelled_at) FROM STDIN',
  viewingEvents:
    'COPY viewing_events (id, client_event_id, user_id, title_id, started_at, watched_seconds, completion, device, rating) FROM STDIN',
  subscriptionEvents: 'COPY subscription_events (id, user_id, at, kind, detail) FROM STDIN',
  userLatent: 'COPY sim.user_latent (user_id, engagement, price_sensitivity, taste) FROM STDIN',
  churnTruth: 'COPY sim.churn_truth (user_id, snapshot_at, horizon_days, probability) FROM STDIN',
} as const;

/**
 * Turns the simulation's rows into COPY text: viewing events straight into the open viewing COPY
 * (the bulk), subscription events and truth into in-memory chunks loaded after it (they are a few
 * per subscriber, and their foreign keys need the users table, written once the final state of
 * every subscriber is known).
 */
export class CopySink implements WorldSink {
  readonly subscriptionChunks: string[] = [];
  readonly truthChunks: string[] = [];
  private readonly viewingTime = new TimestampFormatter();
  private readonly truthTime = new TimestampFormatter();
  private readonly eventPrefix: string;
  private subscriptionText = '';
  private truthText = '';

  constructor(
    private readonly viewingWriter: CopyWriter,
    seed: number,
    private readonly horizonDays: number,
  ) {
    this.eventPrefix = `seed-${seed}-`;
  }

  viewing(
    id: number,
    userId: number,
    titleId: number,
    startedAtSec: number,
    watchedSeconds: number,
    completion: number,
    device: number,
    rating: number,
  ): void {
    this.viewingWriter.push(
      `${id}\t${this.eventPrefix}${id}\t${userId}\t${titleId}\t${this.viewingTime.format(startedAtSec)}\t` +
        `${watchedSeconds}\t${completion}\t${DEVICES[device]}\t${rating === 0 ? COPY_NULL : rating}\n`,
    );
  }

  subscription(
    id: number,
    userId: number,
    atSec: number,
    kind: SubscriptionKind,
    detail: string,
  ): void {
    this.subscriptionText += `${id}\t${userId}\t${copyTimestamp(atSec)}\t${kind}\t${copyText(detail)}\n`;
    if (this.subscriptionText.length > 1 << 20) this.flushSubscriptions();
  }

  truth(userId: number, snapshotSec: number, probability: number): void {
    this.truthText += `${userId}\t${this.truthTime.format(snapshotSec)}\t${this.horizonDays}\t${probability}\n`;
    if (this.truthText.length > 1 << 20) this.flushTruth();
  }

  /** Move the pending text into the chunk lists (call once the simulation is over). */
  close(): void {
    this.flushSubscriptions();
    this.flushTruth();
  }

  private flushSubscriptions(): void {
    if (this.subscriptionText) this.subscriptionChunks.push(this.subscriptionText);
    this.subscriptionText = '';
  }

  private flushTruth(): void {
    if (this.truthText) this.truthChunks.push(this.truthText);
    this.truthText = '';
  }
}

/** `titles` rows, ~1 MB per chunk. */
export function* titleRows(sim: WorldSimulation): Generator<string> {
  const c = sim.world.catalog;
  let out = '';
  for (let t = 0; t < c.count; t++) {
    const genres = titleGenreIndices(c, t).map((g) => GENRE_NAMES[g]);
    out +=
      `${t + 1}\t${copyText(c.names[t])}\t${c.type[t] === 1 ? 'SERIES' : 'MOVIE'}\t${copyTextArray(genres)}\t` +
      `${c.releaseYear[t]}\t${c.runtimeMinutes[t]}\t${c.episodes[t]}\t${copyText(c.maturity[t])}\t` +
      `${copyText(c.descriptions[t])}\t${copyTextArray(c.tags[t])}\n`;
    if (out.length > 1 << 20) {
      yield out;
      out = '';
    }
  }
  if (out) yield out;
}

/** External id shown to people: stable, readable, independent of the seed. */
export function externalUserId(userId: number): string {
  return `sub-${String(userId).padStart(6, '0')}`;
}

/** `users` rows with the state at the world end (plan, fee and status after every event). */
export function* userRows(sim: WorldSimulation): Generator<string> {
  const { subs, startSec } = sim.world;
  const st = sim.state;
  let out = '';
  for (let u = 0; u < subs.count; u++) {
    const signup = startSec + subs.signupDay[u] * 86400 + subs.signupSecond[u];
    const cancelled = st.status[u] === CANCELLED;
    out +=
      `${u + 1}\t${externalUserId(u + 1)}\t${copyTimestamp(signup)}\t${COUNTRIES[subs.country[u]]}\t` +
      `${AGE_BANDS[subs.ageBand[u]]}\t${PLANS[st.plan[u]]}\t${(st.feeCents[u] / 100).toFixed(2)}\t` +
      `${cancelled ? 'CANCELLED' : 'ACTIVE'}\t${cancelled ? copyTimestamp(sim.cancelledAtSec[u]) : COPY_NULL}\n`;
    if (out.length > 1 << 20) {
      yield out;
      out = '';
    }
  }
  if (out) yield out;
}

/** `sim.user_latent` rows: engagement at the world end, price sensitivity, taste over GENRES. */
export function* latentRows(sim: WorldSimulation): Generator<string> {
  const { subs } = sim.world;
  const G = GENRES.length;
  let out = '';
  for (let u = 0; u < subs.count; u++) {
    out +=
      `${u + 1}\t${round(sim.state.engagement[u], 4)}\t${subs.priceSensitivity[u]}\t` +
      `${copyNumberArray(subs.taste.subarray(u * G, u * G + G))}\n`;
    if (out.length > 1 << 20) {
      yield out;
      out = '';
    }
  }
  if (out) yield out;
}
