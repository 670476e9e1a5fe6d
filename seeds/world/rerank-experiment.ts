/**
 * The churn-aware re-rank against the truth. A world is simulated to its end; the served
 * recommender (src/ml: the validated collaborative model and the learned blend) is fitted on its
 * viewing; the subscribers most at risk (top `atRiskShare` by true 30-day churn probability, the
 * ones the service would re-rank) each get two rows of ten: the plain blend and the churn-aware
 * re-rank. Each of them then lives the next `horizonDays` twice, once per row, with common random
 * numbers (the same seeded streams for the day-to-day life and for the uptake draws, reseeded per
 * (seed, subscriber, replay)), opening the app on a day with P = 1 − exp(−sessionRate × engagement)
 * and responding to the row as recommendation-response.ts says. The true churn probability of an
 * arm is the Rao-Blackwellised mean of 1 − Π(1 − h) over replays, as in truth.ts; the effect is the
 * paired difference (re-rank − plain) over subscribers, with a normal 95% interval.
 */
import {
  fitRecommender,
  HybridRecommender,
  interactionsFromRows,
  itemFeaturesFromLists,
  predictedCompletion,
  recommendForRetention,
  servedRecommender,
  hybridParts,
  ContentModel,
  MOVIE,
  SERIES as ML_SERIES,
  type InteractionRow,
} from '../../src/ml';
import { accountDay } from './account';
import { SERIES, titleGenreIndices } from './catalog';
import { NULL_SINK } from './event-log';
import { Random, mixSeed } from './random';
import { respondToRow, DEFAULT_UPTAKE, type UptakeParams } from './recommendation-response';
import { WorldSimulation } from './simulate';
import { ACTIVE, UserState, copyUser } from './state';
import { TruthOracle } from './truth';
import { liveDay } from './viewing';
import { GENRE_NAMES } from './vocabulary';
import type { WorldOptions } from './world';

const LIFE_STREAM = 0x7265_726b;
const UPTAKE_STREAM = 0x7570_746b;

export interface RerankExperimentOptions {
  world: WorldOptions;
  horizonDays: number;
  replays: number;
  atRiskShare: number;
  listSize: number;
  uptake: UptakeParams;
}

export const RERANK_EXPERIMENT_DEFAULTS: Omit<RerankExperimentOptions, 'world'> = {
  horizonDays: 30,
  replays: 8,
  atRiskShare: 0.2,
  listSize: 10,
  uptake: DEFAULT_UPTAKE,
};

export interface ArmOutcome {
  /** Mean true P(cancel within the horizon) over the at-risk subscribers. */
  churn: number;
  /** Titles taken from the row per subscriber over the horizon (mean over replays). */
  taken: number;
  /** Recommended titles finished per subscriber. */
  finished: number;
}

export interface RerankExperimentResult {
  atRisk: number;
  activeAtEnd: number;
  plain: ArmOutcome;
  reranked: ArmOutcome;
  /** Re-rank − plain, per at-risk subscriber, with its 95% interval. */
  effect: { difference: number; low: number; high: number; standardError: number };
  /** Share of the two rows' titles that differ. */
  listsDiffer: number;
}

/** Rows of both arms for each at-risk subscriber (title indices). */
interface Rows {
  plain: Int32Array;
  reranked: Int32Array;
}

export async function rerankExperiment(
  options: Partial<RerankExperimentOptions> & { world: WorldOptions },
): Promise<RerankExperimentResult> {
  const o = { ...RERANK_EXPERIMENT_DEFAULTS, ...options };
  const viewing: InteractionRow[] = [];
  const sim = new WorldSimulation(o.world, {
    ...NULL_SINK,
    viewing: (_id, user, title, at, _s, completion) =>
      viewing.push({ user: user - 1, item: title - 1, weight: completion, timestamp: at }),
  });
  sim.run();
  const { world, state } = sim;
  const day = world.options.days;
  const oracle = new TruthOracle(world);
  const active: { i: number; p: number }[] = [];
  for (let i = 0; i < world.subs.count; i++) {
    if (state.status[i] === ACTIVE) active.push({ i, p: oracle.probability(state, i, day) });
  }
  active.sort((a, b) => b.p - a.p || a.i - b.i);
  const atRisk = active.slice(0, Math.max(1, Math.round(o.atRiskShare * active.length)));
  const rows = await servedRows(
    world,
    viewing,
    atRisk.map((a) => a.i),
    o.listSize,
    o.world.seed,
  );

  const seedWord = mixSeed([o.world.seed]);
  const scratch = new UserState(1, world.catalog.count);
  const life = new Random(0);
  const uptake = new Random(0);
  const arm = (i: number, list: Int32Array, r: number) => {
    copyUser(state, i, scratch, 0);
    life.reseed(LIFE_STREAM, seedWord, i, r);
    uptake.reseed(UPTAKE_STREAM, seedWord, i, r);
    let survival = 1;
    let taken = 0;
    let finished = 0;
    for (let d = day; d < day + o.horizonDays; d++) {
      accountDay(world, scratch, 0, d, life, null);
      survival *= 1 - world.hazard.daily(scratch, 0, d, world.subs);
      liveDay(world, scratch, 0, d, life, null);
      const opens = 1 - Math.exp(-world.behaviour.sessionRate * scratch.engagement[0]);
      if (uptake.next() < opens) {
        const out = respondToRow(world, scratch, 0, d, list, uptake, o.uptake);
        if (out.taken >= 0) taken++;
        if (out.finished) finished++;
      }
    }
    return { churn: 1 - survival, taken, finished };
  };
  const sums = { plain: zero(), reranked: zero() };
  const differences: number[] = [];
  let differing = 0;
  atRisk.forEach(({ i }, k) => {
    const { plain, reranked } = rows[k];
    differing += [...reranked].filter((t) => !plain.includes(t)).length / Math.max(1, plain.length);
    let diff = 0;
    for (let r = 0; r < o.replays; r++) {
      const a = arm(i, plain, r);
      const b = arm(i, reranked, r);
      add(sums.plain, a, o.replays);
      add(sums.reranked, b, o.replays);
      diff += (b.churn - a.churn) / o.replays;
    }
    differences.push(diff);
  });
  const n = atRisk.length;
  const mean = differences.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(differences.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, n - 1));
  const se = sd / Math.sqrt(n);
  return {
    atRisk: n,
    activeAtEnd: active.length,
    plain: scale(sums.plain, n),
    reranked: scale(sums.reranked, n),
    effect: { difference: mean, low: mean - 1.96 * se, high: mean + 1.96 * se, standardError: se },
    listsDiffer: differing / n,
  };
}

/** The served rows (plain blend and churn-aware re-rank) for some subscribers at the world end. */
async function servedRows(
  world: WorldSimulation['world'],
  viewing: readonly InteractionRow[],
  subscribers: readonly number[],
  k: number,
  seed: number,
): Promise<Rows[]> {
  const { catalog } = world;
  const x = interactionsFromRows(viewing, world.subs.count, catalog.count);
  const genreLists = Array.from({ length: catalog.count }, (_, t) => titleGenreIndices(catalog, t));
  const features = itemFeaturesFromLists(genreLists, GENRE_NAMES.length);
  const titles = genreLists.map((g, t) => ({
    genres: g.map((x) => GENRE_NAMES[x]),
    tags: catalog.tags[t],
    description: catalog.descriptions[t],
  }));
  const kinds = Uint8Array.from(catalog.type, (t) => (t === SERIES ? ML_SERIES : MOVIE));
  const side = { features, titles, kinds };
  const fit = await fitRecommender(x, side, { seed, candidates: ['als-d16-l20', 'als-d48-l50'] });
  const recommender: HybridRecommender = servedRecommender(
    hybridParts(x, side, fit.collaborative, ContentModel.fit(titles)),
    fit,
  );
  const predicted = predictedCompletion(x, null);
  const byUser = new Map<number, InteractionRow[]>();
  for (const r of viewing) {
    const list = byUser.get(r.user);
    if (list) list.push(r);
    else byUser.set(r.user, [r]);
  }
  let now = 0;
  for (const r of viewing) now = Math.max(now, r.timestamp);
  return subscribers.map((u) => {
    const history = (byUser.get(u) ?? []).map((r) => ({
      item: r.item,
      completion: r.weight,
      timestamp: r.timestamp,
    }));
    const ctx = { history, now };
    return {
      plain: Int32Array.from(recommender.recommend(ctx, k).items, (r) => r.item),
      reranked: Int32Array.from(
        recommendForRetention(recommender, ctx, predicted, 'high', k),
        (r) => r.item,
      ),
    };
  });
}

function zero(): ArmOutcome {
  return { churn: 0, taken: 0, finished: 0 };
}

function add(to: ArmOutcome, x: ArmOutcome, replays: number): void {
  to.churn += x.churn / replays;
  to.taken += x.taken / replays;
  to.finished += x.finished / replays;
}

function scale(x: ArmOutcome, n: number): ArmOutcome {
  return { churn: x.churn / n, taken: x.taken / n, finished: x.finished / n };
}
