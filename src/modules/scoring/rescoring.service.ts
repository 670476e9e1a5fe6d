/**
 * The live path after ingest. `recordViewingEvents` writes one `score_outbox` row per subscriber in its
 * own transaction (`enqueue`); right after the commit it hands the rows to `rescore`, which claims them,
 * scores the subscribers with the active model, appends `churn_scores`, records alerts and deletes the
 * rows, all in one transaction, then publishes RISK_UPDATED and RISK_ALERT. Rows a crash left behind are
 * claimed at start-up (`drainAll`) and by a periodic sweep, so every committed event is scored exactly
 * once: the claim deletes what it scores, and `churn_scores.cause_event_id` is unique.
 *
 * Callers that arrive while a claim is running are coalesced into the next one, so a burst is scored in
 * a few large batches instead of many small ones.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../../common/logger';
import type { Progress } from '../../common/progress';
import type { AppPubSub } from '../../pubsub/pubsub';
import { Topic, type RiskUpdatedPayload, type ViewingEventPayload } from '../../pubsub/topics';
import { alertReasonFor } from '../alerts/alert-rule';
import type { AlertsService, NewAlert } from '../alerts/alerts.service';
import type { ModelRegistryService } from '../model-registry/model-registry.service';
import type { ChurnScore } from './churn-score.entity';
import type { ScoringService } from './scoring.service';

/** One subscriber to rescore after the event `eventId` (their latest in the batch). */
export interface OutboxItem {
  userId: string;
  eventId: string;
}

export interface RescoringOptions {
  alertProbabilityDelta: number;
  /** Claim rows older than this in the periodic sweep (younger ones belong to a live request). */
  sweepAgeMs?: number;
  /** Most outbox rows in one scoring transaction. */
  maxClaim?: number;
}

export interface RescoreStats {
  claims: number;
  rows: number;
  scores: number;
  alerts: number;
  failures: number;
}

interface Waiter {
  ids: string[];
  resolve: (scores: ChurnScore[]) => void;
}

/** pg_advisory_xact_lock(namespace, user id): one rescore of a subscriber at a time, across instances. */
const USER_LOCK_NAMESPACE = 7301;
const DEFAULT_MAX_CLAIM = 5000;
const DEFAULT_SWEEP_AGE_MS = 2000;

export class RescoringService {
  private waiting: Waiter[] = [];
  private loop: Promise<void> | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;
  private stopped = false;
  private noModelLogged = false;
  readonly stats: RescoreStats = { claims: 0, rows: 0, scores: 0, alerts: 0, failures: 0 };

  constructor(
    private readonly dataSource: DataSource,
    private readonly scoring: ScoringService,
    private readonly registry: ModelRegistryService,
    private readonly alerts: AlertsService,
    private readonly pubSub: AppPubSub,
    private readonly logger: Logger,
    private readonly options: RescoringOptions,
  ) {}

  /** Inside the ingest transaction: one outbox row per item. Returns their ids. */
  async enqueue(manager: EntityManager, items: readonly OutboxItem[]): Promise<string[]> {
    if (items.length === 0) return [];
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO score_outbox (user_id, event_id)
       SELECT * FROM unnest($1::bigint[], $2::bigint[]) RETURNING id::text`,
      [items.map((i) => i.userId), items.map((i) => i.eventId)],
    );
    return rows.map((r) => r.id);
  }

  /**
   * After the ingest commit: score these outbox rows now. Resolves with the new scores of their
   * subscribers (empty when no model is active, or when another instance claimed the rows first).
   * Never rejects: the events are committed, and a failed rescore is retried by the sweep.
   */
  rescore(outboxIds: readonly string[]): Promise<ChurnScore[]> {
    if (outboxIds.length === 0 || this.stopped) return Promise.resolve([]);
    return new Promise((resolve) => {
      this.waiting.push({ ids: [...outboxIds], resolve });
      this.loop ??= this.runLoop().finally(() => (this.loop = null));
    });
  }

  /** Claim and score every outbox row, whatever its age (start-up). Returns the rows scored. */
  async drainAll(progress?: Progress): Promise<number> {
    let total = 0;
    for (;;) {
      const outcome = await this.claimAndScore({ kind: 'any', olderThanMs: 0 });
      if (outcome === null || outcome.rows === 0) return total;
      total += outcome.rows;
      progress?.tick(outcome.rows);
    }
  }

  /** Outbox rows waiting (all instances). */
  async backlog(): Promise<number> {
    const [{ n }] = await this.dataSource.query('SELECT count(*)::int AS n FROM score_outbox');
    return n;
  }

  /** Sweep every `intervalMs` for rows left by a crashed instance or a failed attempt. */
  startSweeper(intervalMs: number): void {
    if (intervalMs <= 0 || this.sweeper) return;
    this.sweeper = setInterval(() => {
      if (this.sweeping || this.stopped) return;
      this.sweeping = this.sweepOnce()
        .catch((err) => this.logger.error('Outbox sweep failed', { error: String(err) }))
        .finally(() => (this.sweeping = null));
    }, intervalMs);
    this.sweeper.unref();
  }

  /** Stop sweeping and wait for the claim in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await Promise.allSettled([this.loop, this.sweeping]);
    for (const w of this.waiting.splice(0)) w.resolve([]);
  }

  private async sweepOnce(): Promise<void> {
    const olderThanMs = this.options.sweepAgeMs ?? DEFAULT_SWEEP_AGE_MS;
    for (;;) {
      const outcome = await this.claimAndScore({ kind: 'any', olderThanMs });
      if (outcome === null || outcome.rows === 0 || this.stopped) return;
    }
  }

  private async runLoop(): Promise<void> {
    const max = this.options.maxClaim ?? DEFAULT_MAX_CLAIM;
    while (this.waiting.length > 0) {
      const batch: Waiter[] = [];
      let ids = 0;
      while (
        this.waiting.length > 0 &&
        (batch.length === 0 || ids + this.waiting[0].ids.length <= max)
      ) {
        const w = this.waiting.shift()!;
        batch.push(w);
        ids += w.ids.length;
      }
      let scores: ChurnScore[] = [];
      let userByRow = new Map<string, string>();
      try {
        const outcome = await this.claimAndScore({
          kind: 'ids',
          ids: batch.flatMap((w) => w.ids),
        });
        scores = outcome?.scores ?? [];
        userByRow = outcome?.userByRow ?? userByRow;
      } catch (err) {
        this.stats.failures += 1;
        this.logger.error('Live rescoring failed; the outbox rows stay for the sweep', {
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        });
      }
      const byUser = new Map(scores.map((s) => [s.userId, s]));
      for (const w of batch) w.resolve(scoresFor(w, userByRow, byUser));
    }
  }

  /**
   * One scoring transaction over claimed outbox rows. Returns null when no model is active (the rows
   * stay until one is).
   */
  private async claimAndScore(
    what: { kind: 'ids'; ids: string[] } | { kind: 'any'; olderThanMs: number },
  ): Promise<{ rows: number; scores: ChurnScore[]; userByRow: Map<string, string> } | null> {
    const model = await this.registry.activeModel();
    if (!model) {
      if (!this.noModelLogged) {
        this.noModelLogged = true;
        this.logger.warn(
          'No active churn model: events are queued for rescoring until one is trained',
        );
      }
      return null;
    }
    this.noModelLogged = false;
    const max = this.options.maxClaim ?? DEFAULT_MAX_CLAIM;
    const result = await this.dataSource.transaction(async (m) => {
      const claimed: { id: string; user_id: string; event_id: string }[] = await m.query(
        what.kind === 'ids'
          ? claimSql('id = ANY($1::bigint[])')
          : claimSql('enqueued_at <= now() - make_interval(secs => $1) ORDER BY id LIMIT $2'),
        what.kind === 'ids' ? [what.ids] : [what.olderThanMs / 1000, max],
      );
      const userByRow = new Map(claimed.map((r) => [r.id, r.user_id]));
      if (claimed.length === 0)
        return { rows: 0, scores: [], published: [], alerts: [], userByRow };
      // Several rows of one subscriber become one score, after their latest event.
      const causes = new Map<string, string>();
      for (const r of claimed) {
        const prev = causes.get(r.user_id);
        if (prev === undefined || BigInt(r.event_id) > BigInt(prev))
          causes.set(r.user_id, r.event_id);
      }
      const userIds = [...causes.keys()].sort(compareIds);
      // One rescore per subscriber at a time (another instance may hold a row of the same user), taken
      // in id order so two claims never wait on each other in a cycle.
      await m.query(
        `SELECT count(pg_advisory_xact_lock($2, (id % 2147483647)::int))
           FROM (SELECT id FROM unnest($1::bigint[]) AS id ORDER BY id) ids`,
        [userIds, USER_LOCK_NAMESPACE],
      );
      const previous = await this.scoring.latestFor(userIds, m);
      const previousByUser = new Map(userIds.map((id, i) => [id, previous[i]]));
      const scores = await this.scoring.scoreWith(m, model, userIds, new Date(), causes);
      const events = await causeEvents(m, [...causes.values()]);
      const updates = scores.map((s): RiskUpdatedPayload => {
        const before = previousByUser.get(s.userId) ?? null;
        return {
          scoreId: s.id,
          userId: s.userId,
          probability: s.probability,
          previousProbability: before?.probability ?? null,
          riskLevel: s.riskLevel,
          previousRiskLevel: before?.riskLevel ?? null,
          modelVersion: s.modelVersion,
          scoredAt: new Date(s.scoredAt).toISOString(),
          cause: events.get(causes.get(s.userId)!) ?? null,
        };
      });
      const newAlerts: NewAlert[] = [];
      for (const update of updates) {
        const before = previousByUser.get(update.userId) ?? null;
        const reason = alertReasonFor(before, update, this.options.alertProbabilityDelta);
        if (reason) newAlerts.push({ update, reason });
      }
      const alerts = await this.alerts.record(m, newAlerts);
      return { rows: claimed.length, scores, published: updates, alerts, userByRow };
    });
    this.stats.claims += 1;
    this.stats.rows += result.rows;
    this.stats.scores += result.scores.length;
    this.stats.alerts += result.alerts.length;
    // After the commit: subscribers only ever hear of what is stored.
    for (const update of result.published) this.pubSub.publish(Topic.RISK_UPDATED, update);
    for (const alert of result.alerts) this.pubSub.publish(Topic.RISK_ALERT, alert);
    return { rows: result.rows, scores: result.scores, userByRow: result.userByRow };
  }
}

/**
 * Delete and return the outbox rows matching `where` that no other transaction holds. Wrapped in a
 * SELECT: TypeORM returns [rows, count] for a bare DELETE … RETURNING.
 */
function claimSql(where: string): string {
  return `WITH claimed AS (
      DELETE FROM score_outbox WHERE id IN (SELECT id FROM score_outbox WHERE ${where} FOR UPDATE SKIP LOCKED)
      RETURNING id::text, user_id::text, event_id::text)
    SELECT * FROM claimed`;
}

/** The scores of the subscribers behind a waiter's outbox rows, once each. */
function scoresFor(
  w: Waiter,
  userByRow: ReadonlyMap<string, string>,
  byUser: ReadonlyMap<string, ChurnScore>,
): ChurnScore[] {
  const users = new Set(w.ids.map((id) => userByRow.get(id)).filter((u) => u !== undefined));
  return [...users].map((u) => byUser.get(u)).filter((s): s is ChurnScore => s !== undefined);
}

async function causeEvents(
  m: EntityManager,
  ids: readonly string[],
): Promise<Map<string, ViewingEventPayload>> {
  const rows: ViewingEventPayload[] = await m.query(
    `SELECT id::text, client_event_id AS "clientEventId", user_id::text AS "userId", title_id::text AS "titleId",
            to_json(started_at) #>> '{}' AS "startedAt", watched_seconds AS "watchedSeconds", completion,
            device, rating, to_json(ingested_at) #>> '{}' AS "ingestedAt"
       FROM viewing_events WHERE id = ANY($1::bigint[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
