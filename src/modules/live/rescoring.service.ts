/**
 * The live path after a cause commits. A viewing batch, an account batch or a time-driven pass writes
 * one `score_outbox` row per subscriber in its own statement; `rescore` then claims the rows, scores
 * the subscribers with the active model in one vectorised call, and stores the scores, the new latest
 * risk, the level totals and the alert changes in one statement that deletes the rows it scored; only
 * then does it publish RISK_UPDATED, RISK_ALERT and RISK_ALERT_CHANGED. Two statements per batch, no
 * transaction held while the model runs (the claim is a lease). Rows a crash left behind are claimed at
 * start-up (`drainAll`) and by a periodic sweep, so every committed cause is scored exactly once.
 *
 * Claims in one process run one at a time, and callers that arrive while one runs are coalesced into
 * the next, so a burst is scored in a few large batches instead of many small ones.
 */
import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import type { Progress } from '../../common/progress';
import type { AppPubSub } from '../../pubsub/pubsub';
import { RiskTopic, type RiskUpdatedPayload } from '../scoring/risk-update.topics';
import { AlertTopic } from '../alerts/alert.topics';
import { alertPayload } from '../alerts/alert-payloads';
import { AlertChange, AlertResolution } from '../alerts/alert-reason';
import { alertAction, type AlertRule } from '../alerts/alert-rule';
import type { AlertWrite } from '../alerts/alerts.repository';
import { accountEventPayload, viewingEventPayload } from '../events/event-payloads';
import type { FeatureService } from '../features/feature.service';
import { windowDay } from '../features/online-state';
import type { ModelRegistryService } from '../model-registry/model-registry.service';
import type { ChurnScore } from '../scoring/churn-score.entity';
import { OutboxRepository, type ClaimTarget } from '../outbox/outbox.repository';
import { RescoringRepository, type ClaimedRow } from './rescoring.repository';
import type { ScoringService } from '../scoring/scoring.service';
import type { Queryable } from '../../common/prepared-query';

export interface RescoringOptions {
  alertRule: AlertRule;
  /** Claim rows older than this in the periodic sweep (younger ones belong to a live request). */
  sweepAgeMs?: number;
  /** Most outbox rows in one claim. */
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

interface ClaimOutcome {
  rows: number;
  scores: ChurnScore[];
  userByRow: Map<string, string>;
}

const DEFAULT_MAX_CLAIM = 5000;
const DEFAULT_SWEEP_AGE_MS = 2000;

export class RescoringService {
  readonly outbox: OutboxRepository;
  private readonly repository: RescoringRepository;
  private waiting: Waiter[] = [];
  private loop: Promise<void> | null = null;
  /** Claims run one at a time (live, sweep and drain alike). */
  private exclusive: Promise<unknown> = Promise.resolve();
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;
  private stopped = false;
  private noModelLogged = false;
  readonly stats: RescoreStats = {
    claims: 0,
    rows: 0,
    scores: 0,
    alerts: 0,
    failures: 0,
  };

  constructor(
    db: Queryable,
    private readonly features: FeatureService,
    private readonly scoring: ScoringService,
    private readonly registry: ModelRegistryService,
    private readonly pubSub: AppPubSub,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly options: RescoringOptions,
  ) {
    this.outbox = new OutboxRepository(db);
    this.repository = new RescoringRepository(db);
  }

  /**
   * After a cause's commit: score these outbox rows now. Resolves with the new scores of their
   * subscribers (empty when no model is active, or when another claim took the rows first).
   * Never rejects: the causes are committed, and a failed rescore is retried by the sweep.
   */
  rescore(outboxIds: readonly string[]): Promise<ChurnScore[]> {
    if (outboxIds.length === 0 || this.stopped) return Promise.resolve([]);
    return new Promise((resolve) => {
      this.waiting.push({ ids: [...outboxIds], resolve });
      this.loop ??= this.runLoop().finally(() => (this.loop = null));
    });
  }

  /** Claim and score every outbox row, whatever its age (start-up, time-driven passes). */
  async drainAll(progress?: Progress): Promise<number> {
    let total = 0;
    for (;;) {
      const outcome = await this.claimAndScore({ kind: 'any', olderThanMs: 0 });
      if (outcome === null || outcome.rows === 0) return total;
      total += outcome.rows;
      progress?.tick(outcome.rows);
    }
  }

  /**
   * Start-up: score everything left in the outbox, including rows a crashed claim had leased (their
   * lease runs out within LEASE_SECONDS; another live instance would have finished them by then).
   */
  async drainAtStart(progress?: Progress): Promise<number> {
    let total = await this.drainAll(progress);
    while ((await this.backlog()) > 0) {
      const wait = await this.outbox.leaseRemainingMs();
      if (wait === 0 && (await this.backlog()) > 0 && !(await this.registry.activeModel())) break;
      await new Promise((r) => setTimeout(r, wait + 50));
      total += await this.drainAll(progress);
    }
    return total;
  }

  /** Outbox rows waiting (all instances). */
  backlog(): Promise<number> {
    return this.outbox.depth();
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
    await Promise.allSettled([this.loop, this.sweeping, this.exclusive]);
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
      let outcome: ClaimOutcome | null = null;
      try {
        outcome = await this.claimAndScore({ kind: 'ids', ids: batch.flatMap((w) => w.ids) });
      } catch (err) {
        this.stats.failures += 1;
        this.logger.error('Live rescoring failed; the outbox rows stay for the sweep', {
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        });
      }
      const byUser = new Map((outcome?.scores ?? []).map((s) => [s.userId, s]));
      for (const w of batch) w.resolve(scoresFor(w, outcome?.userByRow ?? new Map(), byUser));
    }
  }

  private claimAndScore(target: ClaimTarget): Promise<ClaimOutcome | null> {
    const run = this.exclusive.then(() => this.claimAndScoreNow(target));
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  /** One claim: lease and read, score, write, publish. Null when no model is active. */
  private async claimAndScoreNow(target: ClaimTarget): Promise<ClaimOutcome | null> {
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
    const at = this.clock.now();
    const max = this.options.maxClaim ?? DEFAULT_MAX_CLAIM;
    const claim = await this.repository.claimAndRead(target, at, windowDay(at.getTime()), max);
    const userByRow = new Map(claim.rows.flatMap((r) => r.outboxIds.map((id) => [id, r.userId])));
    if (claim.rows.length === 0) return { rows: 0, scores: [], userByRow };

    const active = claim.rows.filter((r) => r.status === 'ACTIVE');
    const gone = claim.rows.filter((r) => r.status !== 'ACTIVE').map((r) => r.userId);
    const featureRows = await this.features.featureRows(active, at);
    const { scores } = this.scoring.computeScores(model, featureRows, {
      viewing: new Map(active.map((r) => [r.userId, r.causeEventId])),
      account: new Map(active.map((r) => [r.userId, r.causeAccountEventId])),
    });
    const byUser = new Map(claim.rows.map((r) => [r.userId, r]));
    const alerts = scores.flatMap((s) => {
      const w = alertWrite(byUser.get(s.userId)!, s, this.options.alertRule);
      return w ? [w] : [];
    });
    const written = await this.repository.write(claim, scores, model.version, at, gone, alerts);

    this.stats.claims += 1;
    this.stats.rows += written.completed;
    this.stats.scores += written.scores.length;
    this.publish(written, byUser);
    return {
      rows: claim.rows.reduce((n, r) => n + r.outboxIds.length, 0),
      scores: written.scores,
      userByRow,
    };
  }

  /** After the commit: subscribers only ever hear of what is stored. */
  private publish(
    written: Awaited<ReturnType<RescoringRepository['write']>>,
    claimed: ReadonlyMap<string, ClaimedRow>,
  ): void {
    for (const s of written.scores) {
      this.pubSub.publish(RiskTopic.RISK_UPDATED, riskUpdatedPayload(s, claimed.get(s.userId)!));
    }
    for (const row of written.alerts) {
      const alert = alertPayload(row);
      const change = row.change as AlertChange;
      const previousAlertLevel =
        change === AlertChange.OPENED
          ? null
          : (claimed.get(alert.userId)?.open_alert_level ?? null);
      const payload = { change, alert, previousAlertLevel };
      if (change === AlertChange.OPENED || change === AlertChange.ESCALATED) {
        this.stats.alerts += 1;
        this.pubSub.publish(AlertTopic.RISK_ALERT, payload);
      }
      this.pubSub.publish(AlertTopic.RISK_ALERT_CHANGED, payload);
    }
  }
}

/** The alert change a new score makes, given what the claim read. */
function alertWrite(
  row: ClaimedRow,
  score: { userId: string; probability: number; riskLevel: ChurnScore['riskLevel'] },
  rule: AlertRule,
): AlertWrite | null {
  const previous =
    row.prev_probability === null
      ? null
      : { probability: Number(row.prev_probability), riskLevel: row.prev_level! };
  const open =
    row.open_alert_level === null
      ? null
      : { riskLevel: row.open_alert_level, openedLevel: row.open_alert_opened_level! };
  const action = alertAction(previous, score, open, rule);
  if (!action) return null;
  return {
    userId: score.userId,
    action: action.kind,
    reason: action.kind === 'OPEN' ? action.reason : null,
    resolution: action.kind === 'RESOLVE' ? AlertResolution.RISK_FELL : null,
    previousProbability: previous?.probability ?? null,
    previousLevel: previous?.riskLevel ?? null,
  };
}

export function riskUpdatedPayload(s: ChurnScore, row: ClaimedRow): RiskUpdatedPayload {
  return {
    scoreId: s.id,
    userId: s.userId,
    probability: s.probability,
    previousProbability: row.prev_probability === null ? null : Number(row.prev_probability),
    riskLevel: s.riskLevel,
    previousRiskLevel: row.prev_level,
    modelVersion: s.modelVersion,
    scoredAt: new Date(s.scoredAt).toISOString(),
    causeKind: row.causeKind,
    cause: row.cause_event ? viewingEventPayload(row.cause_event) : null,
    accountCause: row.cause_account_event ? accountEventPayload(row.cause_account_event) : null,
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
