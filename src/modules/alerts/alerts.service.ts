/**
 * Risk alerts: one unresolved alert per subscriber, raised, escalated and resolved by the rescoring
 * statement (see AlertsRepository.alertWriteCtes); acknowledged and resolved by people; resolved as
 * RETAINED once the subscriber outlives the prediction horizon. Every lifecycle change is published.
 */
import type { DataSource } from 'typeorm';
import type { Clock } from '../../common/clock';
import { DomainError, ErrorCode } from '../../common/domain-error';
import type { Page } from '../../common/pagination';
import type { AppPubSub } from '../../pubsub/pubsub';
import { AlertTopic, type RiskAlertPayload } from './alert.topics';
import { alertPayload, type AlertRow } from './alert-payloads';
import { AlertChange, AlertStatus } from './alert-reason';
import { AlertsRepository, type AlertFilter } from './alerts.repository';

export class AlertsService {
  readonly repository: AlertsRepository;

  constructor(
    dataSource: DataSource,
    private readonly pubSub: AppPubSub,
    private readonly clock: Clock,
  ) {
    this.repository = new AlertsRepository(dataSource);
  }

  /** Alerts in raise order, after a cursor; `countTotal` only when the client asks for it. */
  async list(filter: AlertFilter, countTotal = true): Promise<Page<RiskAlertPayload>> {
    const page = await this.repository.list(filter, countTotal);
    return { ...page, nodes: page.nodes.map(alertPayload) };
  }

  async find(id: string): Promise<RiskAlertPayload | null> {
    const row = await this.repository.findById(id);
    return row ? alertPayload(row) : null;
  }

  /** OPEN → ACKNOWLEDGED. ALERT_NOT_FOUND, or ALERT_STATE_CONFLICT when it is not OPEN. */
  async acknowledge(id: string, by: string, note: string | null): Promise<RiskAlertPayload> {
    const row = await this.repository.acknowledge(id, by, note, this.clock.now());
    if (!row) throw await this.notChangeable(id, 'acknowledged', [AlertStatus.OPEN]);
    return this.changed(row, AlertChange.ACKNOWLEDGED);
  }

  /** OPEN or ACKNOWLEDGED → RESOLVED (MANUAL). */
  async resolve(id: string, by: string, note: string | null): Promise<RiskAlertPayload> {
    const row = await this.repository.resolve(id, by, note, this.clock.now());
    if (!row)
      throw await this.notChangeable(id, 'resolved', [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]);
    return this.changed(row, AlertChange.RESOLVED);
  }

  /** Resolve as RETAINED the alerts raised `horizonDays` or more ago. Returns how many. */
  async resolveRetained(horizonDays: number): Promise<number> {
    const now = this.clock.now();
    const rows = await this.repository.resolveRetained(
      new Date(now.getTime() - horizonDays * 86_400_000),
      now,
    );
    for (const row of rows) this.changed(row, AlertChange.RESOLVED);
    return rows.length;
  }

  private changed(row: AlertRow, change: AlertChange): RiskAlertPayload {
    const alert = alertPayload(row);
    this.pubSub.publish(AlertTopic.RISK_ALERT_CHANGED, {
      change,
      alert,
      previousAlertLevel: alert.currentLevel,
    });
    return alert;
  }

  private async notChangeable(id: string, verb: string, from: AlertStatus[]): Promise<DomainError> {
    const current = await this.repository.findById(id);
    if (!current)
      return new DomainError(ErrorCode.ALERT_NOT_FOUND, `no alert with id ${id}`, { id });
    return new DomainError(
      ErrorCode.ALERT_STATE_CONFLICT,
      `alert ${id} is ${current.status}; only an alert that is ${from.join(' or ')} can be ${verb}`,
      { id, status: current.status },
    );
  }
}
