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
import { preparedQuery } from '../../db/prepared-query';
import type { Logger } from '../../common/logger';
import type { Progress } from '../../common/progress';
import type { AppPubSub } from '../../pubsub/pubsub';
import { Topic, type RiskUpdatedPayload, type ViewingEventPayload } from '../../pubsub/topics';
import { alertReasonFor } from '../alerts/alert-rule';
import type { AlertsService, NewAlert } from '../alerts/alerts.service';
import type { ModelRegistryService } from '../model-registry/model-registry.service';
import type { ChurnScore } from './churn-score.entity';
import type { RiskLevel } from './risk-levels';
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
    const rows: { id: string }[] = await preparedQuery(
      manager,
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
      const claimed: { id: string; user_id: string; event_id: string }[] = await preparedQuery(
        m,
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
      const { previousByUser, events } = await previousAndCauses(m, userIds, causes);
      const scores = await this.scoring.scoreWith(m, model, userIds, new Date(), causes);
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
 * One statement: delete and return the outbox rows matching `where` that no other transaction holds,
 * then take one advisory lock per claimed subscriber (another instance may hold a row of the same
 * subscriber), in id order so two claims never wait on each other in a cycle. Later statements of
 * the transaction see whatever a lock waited for. The transaction commits asynchronously
 * (synchronous_commit off): a score is derived data, and if a crash of PostgreSQL loses the commit,
 * it loses the outbox delete with it, so the subscriber is simply rescored. AlertsService.record
 * turns durable commits back on when the transaction raises an alert.
 * Wrapped in a SELECT: TypeORM returns [rows, count] for a bare DELETE … RETURNING.
 */
function claimSql(where: string): string {
  return `WITH claimed AS (
      DELETE FROM score_outbox WHERE id IN (SELECT id FROM score_outbox WHERE ${where} FOR UPDATE SKIP LOCKED)
      RETURNING id, user_id, event_id),
    locks AS (
      SELECT count(pg_advisory_xact_lock(${USER_LOCK_NAMESPACE}, (user_id % 2147483647)::int)) AS n,
             set_config('synchronous_commit', 'off', true) AS async
        FROM (SELECT DISTINCT user_id FROM claimed ORDER BY user_id) u)
    SELECT c.id::text, c.user_id::text, c.event_id::text, l.n FROM claimed c CROSS JOIN locks l`;
}

/** Each subscriber's latest score before this rescore, and the events the rescore follows. */
async function previousAndCauses(
  m: EntityManager,
  userIds: readonly string[],
  causes: ReadonlyMap<string, string>,
): Promise<{
  previousByUser: Map<string, { probability: number; riskLevel: RiskLevel } | null>;
  events: Map<string, ViewingEventPayload>;
}> {
  const rows: {
    userId: string;
    probability: number | null;
    riskLevel: RiskLevel | null;
    cause: ViewingEventPayload | null;
  }[] = await preparedQuery(
    m,
    `SELECT u.id::text AS "userId", s.probability, s.risk_level AS "riskLevel",
            CASE WHEN e.id IS NULL THEN NULL ELSE json_build_object(
              'id', e.id::text, 'clientEventId', e.client_event_id, 'userId', e.user_id::text,
              'titleId', e.title_id::text, 'startedAt', to_json(e.started_at) #>> '{}',
              'watchedSeconds', e.watched_seconds, 'completion', e.completion, 'device', e.device,
              'rating', e.rating, 'ingestedAt', to_json(e.ingested_at) #>> '{}') END AS cause
       FROM unnest($1::bigint[], $2::bigint[]) AS u(id, cause)
       LEFT JOIN LATERAL (
         SELECT probability, risk_level FROM churn_scores
          WHERE user_id = u.id ORDER BY scored_at DESC, id DESC LIMIT 1
       ) s ON true
       LEFT JOIN viewing_events e ON e.id = u.cause`,
    [userIds, userIds.map((id) => causes.get(id))],
  );
  const previousByUser = new Map(
    rows.map((r) => [
      r.userId,
      r.probability === null ? null : { probability: r.probability, riskLevel: r.riskLevel! },
    ]),
  );
  const events = new Map(
    rows.filter((r) => r.cause !== null).map((r) => [r.cause!.id, normaliseEvent(r.cause!)]),
  );
  return { previousByUser, events };
}

/** json_build_object gives real as a JSON number already; ids and timestamps come back as strings. */
function normaliseEvent(e: ViewingEventPayload): ViewingEventPayload {
  return {
    ...e,
    startedAt: new Date(e.startedAt).toISOString(),
    ingestedAt: new Date(e.ingestedAt).toISOString(),
  };
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

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
