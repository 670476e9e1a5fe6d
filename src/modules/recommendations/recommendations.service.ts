/**
 * Recommendations served from the in-memory recommender state (recommender-state.ts). Every request
 * reads the user's FULL viewing history and folds it into the collaborative model in closed form
 * (item vectors fixed), recomputes the content profile and genre taste, so the very next request after
 * recordViewingEvents reflects what the user just watched; nothing is precomputed per user. Users at
 * HIGH or CRITICAL risk are re-ranked toward titles the members of their segment finish. Every list
 * served is recorded as impressions, which later viewing events are attributed to
 * (recommendationEffectiveness).
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DomainError, ErrorCode, invalidArgument } from '../../common/domain-error';
import type { Logger } from '../../common/logger';
import {
  recommendForRetention,
  type HistoryEvent,
  type Recommendation,
  type RecommendationReason,
  type SourceCode,
} from '../../ml';
import { RiskLevel } from '../scoring/risk-levels';
import { preparedQuery } from '../../db/prepared-query';
import type { SegmentsService } from '../segments/segments.service';
import { buildRecommenderState, type RecommenderState } from './recommender-state';
import type { RecommenderMetadata, RecommenderStore } from './recommender-store';
import {
  trainRecommender,
  TrainingStopped,
  type TrainRecommenderOptions,
} from './recommender-training';
import { effectiveness, type EffectivenessReport } from './effectiveness';

export enum RecommendationSource {
  HYBRID = 'HYBRID',
  COLLABORATIVE = 'COLLABORATIVE',
  CONTENT = 'CONTENT',
  POPULAR_IN_SEGMENT = 'POPULAR_IN_SEGMENT',
  TRENDING = 'TRENDING',
}

const SOURCE_CODE: Record<
  Exclude<RecommendationSource, RecommendationSource.HYBRID>,
  SourceCode
> = {
  [RecommendationSource.COLLABORATIVE]: 'collaborative',
  [RecommendationSource.CONTENT]: 'content',
  [RecommendationSource.POPULAR_IN_SEGMENT]: 'popular-in-segment',
  [RecommendationSource.TRENDING]: 'trending',
};
const SOURCE_ENUM: Record<SourceCode, RecommendationSource> = {
  collaborative: RecommendationSource.COLLABORATIVE,
  content: RecommendationSource.CONTENT,
  'popular-in-segment': RecommendationSource.POPULAR_IN_SEGMENT,
  trending: RecommendationSource.TRENDING,
};

export interface ServedReason {
  kind: RecommendationReason['kind'];
  text: string;
  titleId: string | null;
  genre: string | null;
}

export interface ServedRecommendation {
  titleId: string;
  rank: number;
  score: number;
  source: RecommendationSource;
  reasons: ServedReason[];
  continueWatching: boolean;
  /** Mean completion of the title among the user's segment (null when not re-ranked for risk). */
  predictedCompletion: number | null;
}

export interface RecommendationRequest {
  userId: string;
  risk: RiskLevel | null;
}

export interface RecommendationsOptions {
  /** Rebuild popularity, trending and the catalog this often (ms). */
  refreshMs?: number;
}

/** A series counts an episode watched once a sitting reaches this completion. */
const EPISODE_WATCHED = 0.5;
const VERSION_CHECK_MS = 5000;
const DEFAULT_REFRESH_MS = 10 * 60_000;
export const MAX_RECOMMENDATIONS = 50;
const AT_RISK: ReadonlySet<RiskLevel> = new Set([RiskLevel.HIGH, RiskLevel.CRITICAL]);

export class RecommendationsService {
  private state: Promise<RecommenderState> | null = null;
  private rebuilding: Promise<void> | null = null;
  private checkedAt = 0;
  private training: Promise<RecommenderMetadata> | null = null;
  private stopping = false;
  private readonly pendingWrites = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    readonly store: RecommenderStore,
    private readonly segments: SegmentsService,
    private readonly logger: Logger,
    private readonly options: RecommendationsOptions = {},
  ) {}

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
   * Up to `first` recommendations per request, recorded as impressions. Shape: requests[i] → list.
   */
  async recommend(
    requests: readonly RecommendationRequest[],
    first: number,
    source: RecommendationSource,
  ): Promise<ServedRecommendation[][]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_RECOMMENDATIONS) {
      throw invalidArgument(`first must be between 1 and ${MAX_RECOMMENDATIONS}, got ${first}`, {
        argument: 'first',
      });
    }
    const state = await this.current();
    const userIds = requests.map((r) => r.userId);
    const [histories, segmentIds] = await Promise.all([
      this.historiesOf(state, userIds),
      this.segments.segmentIdsOf(userIds),
    ]);
    const now = Date.now() / 1000;
    const lists = requests.map((req, i) => {
      const segment = segmentIds[i] === null ? undefined : state.segmentIndex.get(segmentIds[i]!);
      const ctx = { history: histories[i], now, segment };
      const retention =
        source === RecommendationSource.HYBRID && req.risk !== null && AT_RISK.has(req.risk);
      let items: Recommendation[];
      let predicted: Float64Array | null = null;
      if (retention) {
        predicted =
          segment === undefined ? state.predicted.global : state.predicted.bySegment[segment];
        items = recommendForRetention(state.hybrid, ctx, predicted, 'high', first);
      } else {
        const rec =
          source === RecommendationSource.HYBRID
            ? state.hybrid
            : state.single.get(SOURCE_CODE[source])!;
        items = rec.recommend(ctx, first).items;
      }
      return items.map((r, rank) => served(state, r, rank + 1, predicted));
    });
    // Written after the answer, not before it: the list does not wait for its own bookkeeping.
    const write = this.recordImpressions(requests, lists, state.version)
      .catch((err) => this.logger.error('Recording impressions failed', { error: String(err) }))
      .finally(() => this.pendingWrites.delete(write));
    this.pendingWrites.add(write);
    return lists;
  }

  /** Served lists against later viewing (see effectiveness.ts). */
  effectiveness(since: Date, segmentId: string | null): Promise<EffectivenessReport> {
    return effectiveness(this.dataSource, since, segmentId);
  }

  /** Train the collaborative model now and serve it (`churn train-recs`). One run at a time. */
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
      const [{ n }] = await this.dataSource.query('SELECT count(*)::int AS n FROM viewing_events');
      if (n === 0) return;
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

  /** Wait until every impression served so far is stored. */
  async flush(): Promise<void> {
    await Promise.all([...this.pendingWrites]);
  }

  /** Abandon a training run at its next epoch and wait for it (shutdown). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.flush();
    await this.training?.catch(() => undefined);
    await this.rebuilding;
  }

  /** Titles most like this one: TF-IDF cosine over genres, tags and description. */
  async similarTitles(
    titleId: string,
    first: number,
  ): Promise<{ titleId: string; score: number }[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_RECOMMENDATIONS) {
      throw invalidArgument(`first must be between 1 and ${MAX_RECOMMENDATIONS}, got ${first}`, {
        argument: 'first',
      });
    }
    const state = await this.current();
    const item = state.indexOf.get(titleId);
    if (item === undefined) {
      throw new DomainError(
        ErrorCode.TITLE_NOT_FOUND,
        `no title ${titleId} in the recommender's catalog`,
        {
          titleId,
        },
      );
    }
    return state.parts.content!.similarTitles(item, first).map((s) => ({
      titleId: state.titles[s.item].id,
      score: s.score,
    }));
  }

  /** Each user's full history as the recommender reads it (series carry their episode progress). */
  private async historiesOf(
    state: RecommenderState,
    userIds: readonly string[],
  ): Promise<HistoryEvent[][]> {
    const rows: { user_id: string; title_id: string; completion: number; t: number }[] =
      await preparedQuery(
        this.dataSource,
        `SELECT user_id::text, title_id::text, completion, extract(epoch FROM started_at)::float8 AS t
         FROM viewing_events WHERE user_id = ANY($1::bigint[]) ORDER BY user_id, started_at, id`,
        [userIds],
      );
    const by = new Map<string, HistoryEvent[]>();
    const episodes = new Map<string, number>();
    for (const r of rows) {
      const item = state.indexOf.get(r.title_id);
      if (item === undefined) continue;
      const title = state.titles[item];
      const event: HistoryEvent = { item, completion: r.completion, timestamp: r.t };
      if (title.type === 'SERIES') {
        const key = `${r.user_id}:${item}`;
        const watched = (episodes.get(key) ?? 0) + (r.completion >= EPISODE_WATCHED ? 1 : 0);
        episodes.set(key, watched);
        event.progress = Math.min(1, watched / Math.max(1, title.episodeCount));
      }
      const list = by.get(r.user_id);
      if (list) list.push(event);
      else by.set(r.user_id, [event]);
    }
    return userIds.map((id) => by.get(id) ?? []);
  }

  private async recordImpressions(
    requests: readonly RecommendationRequest[],
    lists: ServedRecommendation[][],
    version: string | null,
  ): Promise<void> {
    const rows = lists.flatMap((list, i) => {
      const listId = randomUUID();
      return list.map((r) => ({
        listId,
        userId: requests[i].userId,
        risk: requests[i].risk,
        ...r,
      }));
    });
    if (rows.length === 0) return;
    // Committed asynchronously (set_config in the statement's own transaction): an impression lost to a
    // crash of PostgreSQL costs an analytics row, and a durable commit would cost every request a flush.
    await preparedQuery(
      this.dataSource,
      `WITH async AS (SELECT set_config('synchronous_commit', 'off', true))
       INSERT INTO recommendation_impressions (list_id, user_id, title_id, rank, source, score, reasons, risk_level,
                                               recommender_version)
       SELECT l, u, t, r, s, sc, ARRAY(SELECT jsonb_array_elements_text(re)), rl, $9
         FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::int[], $5::text[], $6::float8[], $7::jsonb[],
                     $8::risk_level[]) AS x(l, u, t, r, s, sc, re, rl), async`,
      [
        rows.map((r) => r.listId),
        rows.map((r) => r.userId),
        rows.map((r) => r.titleId),
        rows.map((r) => r.rank),
        rows.map((r) => r.source),
        rows.map((r) => r.score),
        rows.map((r) => JSON.stringify(r.reasons.map((x) => x.text))),
        rows.map((r) => r.risk),
        version,
      ],
    );
  }
}

function served(
  state: RecommenderState,
  r: Recommendation,
  rank: number,
  predicted: Float64Array | null,
): ServedRecommendation {
  const titleName = (item: number) => state.titles[item]?.name ?? `title ${item}`;
  const reasons = r.reasons.map((reason): ServedReason => {
    switch (reason.kind) {
      case 'because-you-watched':
        return {
          kind: reason.kind,
          text: `Because you watched ${titleName(reason.item)}`,
          titleId: state.titles[reason.item].id,
          genre: null,
        };
      case 'continue-watching':
        return {
          kind: reason.kind,
          text: `Continue watching ${titleName(reason.item)}`,
          titleId: state.titles[reason.item].id,
          genre: null,
        };
      case 'matches-taste': {
        const genre = state.genres[reason.genre] ?? null;
        return { kind: reason.kind, text: `Matches your taste for ${genre}`, titleId: null, genre };
      }
      case 'popular-in-segment':
        return {
          kind: reason.kind,
          text: reason.segment === null ? 'Popular right now' : 'Popular in your segment',
          titleId: null,
          genre: null,
        };
      case 'trending':
        return { kind: reason.kind, text: 'Trending this week', titleId: null, genre: null };
      case 'likely-to-finish':
        return {
          kind: reason.kind,
          text: `Viewers like you usually finish this (${Math.round(reason.predictedCompletion * 100)}% on average)`,
          titleId: null,
          genre: null,
        };
    }
  });
  return {
    titleId: state.titles[r.item].id,
    rank,
    score: r.score,
    source: SOURCE_ENUM[r.source],
    reasons,
    continueWatching: r.continueWatching,
    predictedCompletion: predicted ? predicted[r.item] : null,
  };
}
