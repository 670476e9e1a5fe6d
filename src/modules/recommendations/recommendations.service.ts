/**
 * Recommendations served from the in-memory recommender state (recommender-state.ts). Every request
 * serves the user's FULL viewing history as committed now, folded into the collaborative model in
 * closed form (item vectors fixed), with the content profile and genre taste, so the very next request
 * after recordViewingEvents reflects what the user just watched. What a history determines is kept
 * per user while their history is unchanged: each request checks that with one primary-key lookup
 * (user-histories.ts) and re-reads and re-derives only users who watched something since.
 *
 * Two rows, as streaming services show them: `recommend` lists titles the user has never started
 * (blended by the weights `train-recs` learned for the user's history size; users at HIGH or
 * CRITICAL risk re-ranked toward titles their segment finishes), `continueWatching` the started,
 * unfinished ones, most recent first.
 *
 * Serving is a pure read. A client reports what it actually showed with
 * recordRecommendationImpressions (one statement per call), which recommendationEffectiveness
 * attributes later viewing to.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DomainError, ErrorCode, invalidArgument } from '../../common/domain-error';
import type { Logger } from '../../common/logger';
import {
  inProgressTitles,
  recommendForRetention,
  watchStatuses,
  type DerivedHistory,
  type HistoryEvent,
  type Recommendation,
  type SourceCode,
} from '../../ml';
import { RiskLevel } from '../model-registry/risk-levels';
import { anyViewingEvents, currentHistoriesOf } from './borrowed-reads';
import { effectiveness, type EffectivenessReport } from './effectiveness';
import { validateImpressions, type ImpressionInput } from './impressions';
import { RecommendationSource } from './recommendation-source';
import { RecommendationsRepository } from './recommendations.repository';
import { buildRecommenderState, type RecommenderState } from './recommender-state';
import { RecommenderStore, type RecommenderMetadata } from './recommender-store';
import {
  trainRecommender,
  TrainingStopped,
  type TrainRecommenderOptions,
} from './recommender-training';
import { served, type ServedRecommendation } from './served-recommendation';
import { UserHistories, type HistoryRows } from './user-histories';

export { RecommendationSource } from './recommendation-source';
export type { ServedReason, ServedRecommendation } from './served-recommendation';

const SOURCE_CODE: Record<
  Exclude<RecommendationSource, RecommendationSource.HYBRID>,
  SourceCode
> = {
  [RecommendationSource.COLLABORATIVE]: 'collaborative',
  [RecommendationSource.CONTENT]: 'content',
  [RecommendationSource.GENRE_MIXTURE]: 'genre-mixture',
  [RecommendationSource.POPULAR_IN_SEGMENT]: 'popular-in-segment',
  [RecommendationSource.TRENDING]: 'trending',
};

export interface RecommendationRequest {
  userId: string;
  risk: RiskLevel | null;
}

/** A started, unfinished title of one subscriber. */
export interface InProgressTitle {
  titleId: string;
  /** Movie: best completion; series: share of its episodes watched. */
  progress: number;
  lastWatchedAt: Date;
}

export interface RecommendationsOptions {
  /** Rebuild popularity, trending and the catalog this often (ms). */
  refreshMs?: number;
  /** Subscribers whose history and its derivations are kept between requests (user-histories.ts). */
  heldUsers?: number;
}

/** A series counts an episode watched once a sitting reaches this completion. */
const EPISODE_WATCHED = 0.5;
const VERSION_CHECK_MS = 5000;
const DEFAULT_REFRESH_MS = 10 * 60_000;
export const MAX_RECOMMENDATIONS = 50;
/** Most titles `among` may name (an editorial row, a search page). */
export const MAX_AMONG = 500;
const AT_RISK: ReadonlySet<RiskLevel> = new Set([RiskLevel.HIGH, RiskLevel.CRITICAL]);

export class RecommendationsService {
  readonly repository: RecommendationsRepository;
  readonly store: RecommenderStore;
  private state: Promise<RecommenderState> | null = null;
  private rebuilding: Promise<void> | null = null;
  private checkedAt = 0;
  private training: Promise<RecommenderMetadata> | null = null;
  private stopping = false;
  /** Histories held for the serving state they were converted for (item indices are its own). */
  private held: { state: RecommenderState; histories: HeldHistories } | null = null;

  constructor(
    private readonly dataSource: DataSource,
    modelDir: string,
    private readonly logger: Logger,
    private readonly options: RecommendationsOptions = {},
  ) {
    this.repository = new RecommendationsRepository(dataSource);
    this.store = new RecommenderStore(this.repository, modelDir);
  }

  /** The serving state; rebuilt in the background when a new version is trained or it ages. */
  async current(): Promise<RecommenderState> {
    if (!this.state) {
      this.state = buildRecommenderState(this.dataSource, this.store);
      this.state.catch(() => (this.state = null));
      return this.state;
    }
    const state = await this.state;
    const now = Date.now();
    if (!this.rebuilding && now - this.checkedAt > VERSION_CHECK_MS) {
      this.checkedAt = now;
      const stale =
        now - state.builtAt > (this.options.refreshMs ?? DEFAULT_REFRESH_MS) ||
        (await this.store.activeVersion()) !== state.version;
      if (stale) this.refresh();
    }
    return state;
  }

  /** Rebuild now (after training); serving continues from the old state meanwhile. */
  refresh(): Promise<void> {
    this.rebuilding ??= buildRecommenderState(this.dataSource, this.store)
      .then((next) => {
        this.state = Promise.resolve(next);
      })
      .catch((err) =>
        this.logger.error('Rebuilding the recommender failed', { error: String(err) }),
      )
      .finally(() => (this.rebuilding = null));
    return this.rebuilding;
  }

  /**
   * Up to `first` unstarted titles per request, best first; with `among`, only those titles are
   * ranked (scores as in the full list). Shape: requests[i] → list.
   */
  async recommend(
    requests: readonly RecommendationRequest[],
    first: number,
    source: RecommendationSource,
    among: readonly string[] | null = null,
  ): Promise<ServedRecommendation[][]> {
    assertFirst(first);
    if (among !== null && among.length > MAX_AMONG) {
      throw invalidArgument(`among names at most ${MAX_AMONG} titles, got ${among.length}`, {
        argument: 'among',
      });
    }
    const state = await this.current();
    const held = await this.historiesOf(state).load(requests.map((r) => r.userId));
    const allowed = among === null ? null : amongMask(state, among);
    const now = Date.now() / 1000;
    return requests.map((req, i) => {
      const segment = state.segmentOf.get(req.userId);
      const h = held[i];
      // Derived once per history (and state): the hybrid and every single source share the parts.
      h.derived ??= state.hybrid.deriveHistory(h.history, now);
      const ctx = { history: h.history, now, segment, derived: h.derived };
      const retention =
        source === RecommendationSource.HYBRID && req.risk !== null && AT_RISK.has(req.risk);
      let items: Recommendation[];
      let predicted: Float64Array | null = null;
      if (retention) {
        predicted =
          segment === undefined ? state.predicted.global : state.predicted.bySegment[segment];
        items = recommendForRetention(
          state.hybrid,
          ctx,
          predicted,
          'high',
          first,
          3 * first,
          allowed,
        );
      } else {
        const rec =
          source === RecommendationSource.HYBRID
            ? state.hybrid
            : state.single.get(SOURCE_CODE[source])!;
        items = rec.recommend(ctx, first, allowed).items;
      }
      const listId = randomUUID();
      return items.map((r, rank) => served(state, r, rank + 1, predicted, listId));
    });
  }

  /** Started, unfinished titles per user, most recently watched first. */
  async continueWatching(userIds: readonly string[], first: number): Promise<InProgressTitle[][]> {
    assertFirst(first);
    const state = await this.current();
    const held = await this.historiesOf(state).load(userIds);
    return held.map(({ history, derived }) =>
      inProgressTitles(
        derived?.statuses ?? watchStatuses(history, state.parts.kinds, state.hybrid.options.rules),
      )
        .slice(0, first)
        .map((t) => ({
          titleId: state.titles[t.item].id,
          progress: t.progress,
          lastWatchedAt: new Date(t.lastSeen * 1000),
        })),
    );
  }

  /**
   * Stores what a client showed (all or nothing): each item of a served list it displayed, with
   * the list's id. Returns how many were recorded.
   */
  async recordImpressions(inputs: readonly ImpressionInput[]): Promise<number> {
    const rows = validateImpressions(inputs);
    const state = await this.current();
    const result = await this.repository.insertImpressions(rows, state.version);
    if (result.unknownUser !== null || result.unknownTitle !== null) {
      const what =
        result.unknownUser !== null
          ? `no subscriber ${result.unknownUser}`
          : `no title ${result.unknownTitle}`;
      throw invalidArgument(`${what}: nothing was recorded`, { argument: 'impressions' });
    }
    return result.inserted;
  }

  /** Shown lists against later viewing (see effectiveness.ts). */
  effectiveness(since: Date, segmentId: string | null): Promise<EffectivenessReport> {
    return effectiveness(this.repository, since, segmentId);
  }

  /** Train the recommender now and serve it (`churn train-recs`). One run at a time. */
  async train(options: TrainRecommenderOptions): Promise<RecommenderMetadata> {
    if (this.training) {
      throw new DomainError(
        ErrorCode.RECOMMENDER_TRAINING_IN_PROGRESS,
        'the recommender is already training',
      );
    }
    this.training = trainRecommender(this.dataSource, this.store, {
      ...options,
      shouldStop: () => this.stopping,
    });
    try {
      const metadata = await this.training;
      await this.refresh();
      return metadata;
    } finally {
      this.training = null;
    }
  }

  /** Train in the background when nothing is trained yet (first start); serving goes on meanwhile. */
  trainInBackgroundIfNone(options: TrainRecommenderOptions): void {
    void (async () => {
      if ((await this.store.activeVersion()) !== null) return;
      if (!(await anyViewingEvents(this.dataSource))) return;
      this.logger.info(
        'No recommender trained yet: training one in the background (content and popularity serve meanwhile)',
      );
      await this.train(options);
    })().catch((err) => {
      if (!(err instanceof TrainingStopped)) {
        this.logger.error('Background recommender training failed', { error: String(err) });
      }
    });
  }

  /** Abandon a training run at its next step and wait for it (shutdown). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.training?.catch(() => undefined);
    await this.rebuilding;
  }

  /** Titles most like this one: TF-IDF cosine over genres, tags and description. */
  async similarTitles(
    titleId: string,
    first: number,
  ): Promise<{ titleId: string; score: number }[]> {
    assertFirst(first);
    const state = await this.current();
    const item = state.indexOf.get(titleId);
    if (item === undefined) {
      throw new DomainError(
        ErrorCode.TITLE_NOT_FOUND,
        `no title ${titleId} in the recommender's catalog`,
        { titleId },
      );
    }
    return state.parts.content!.similarTitles(item, first).map((s) => ({
      titleId: state.titles[s.item].id,
      score: s.score,
    }));
  }

  /** The held histories of `state`: a new state starts from none (its item indices differ). */
  private historiesOf(state: RecommenderState): HeldHistories {
    if (this.held?.state !== state) {
      this.held = {
        state,
        histories: new UserHistories(
          (userIds, known) => currentHistoriesOf(this.dataSource, userIds, known),
          (rows) => historyEvents(state, rows),
          this.options.heldUsers,
        ),
      };
    }
    return this.held.histories;
  }
}

type HeldHistories = UserHistories<HistoryEvent[], DerivedHistory>;

/** A user's rows as the recommender reads them (series carry their episode progress). */
function historyEvents(state: RecommenderState, rows: HistoryRows): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  const episodes = new Map<number, number>();
  for (const r of rows) {
    const item = state.indexOf.get(r.title_id!);
    if (item === undefined) continue;
    const title = state.titles[item];
    const event: HistoryEvent = { item, completion: r.completion!, timestamp: r.t! };
    if (title.type === 'SERIES') {
      const watched = (episodes.get(item) ?? 0) + (r.completion! >= EPISODE_WATCHED ? 1 : 0);
      episodes.set(item, watched);
      event.progress = Math.min(1, watched / Math.max(1, title.episodeCount));
    }
    out.push(event);
  }
  return out;
}

function assertFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_RECOMMENDATIONS) {
    throw invalidArgument(`first must be between 1 and ${MAX_RECOMMENDATIONS}, got ${first}`, {
      argument: 'first',
    });
  }
}

/** 1 for the catalog items named in `among` (titles the recommender does not know are ignored). */
function amongMask(state: RecommenderState, among: readonly string[]): Uint8Array {
  const mask = new Uint8Array(state.titles.length);
  for (const id of among) {
    const item = state.indexOf.get(id);
    if (item !== undefined) mask[item] = 1;
  }
  return mask;
}
