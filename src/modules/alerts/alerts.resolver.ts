import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Info,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { invalidArgument } from '../../common/domain-error';
import { parseId } from '../../common/ids';
import { pageSize, toConnection } from '../../common/pagination';
import type { AppContext } from '../../api/context';
import { Allow } from '../../api/allow';
import { Role } from '../../api/roles';
import { AlertTopic, type RiskAlertChangedPayload, type RiskAlertPayload } from './alert.topics';
import { RISK_ORDER, RiskLevel } from '../model-registry/risk-levels';
import { riskUpdateFrom } from '../scoring/risk-update.types';
import { User } from '../users/user.entity';
import { alertCursor } from './alert-payloads';
import { AlertChange } from './alert-reason';
import {
  RiskAlert,
  RiskAlertChange,
  RiskAlertConnection,
  RiskAlertsArgs,
} from './risk-alert.types';
import { selectsField } from '../../common/requested-fields';
import type { AlertQualityReport } from './alert-quality';
import { AlertQualityRun, toFigures } from './alert-quality.types';

const MAX_ALERT_PAGE = 500;
const MAX_NOTE = 2000;

const date = (s: string | null) => (s === null ? null : new Date(s));

/** A persisted or published alert as the GraphQL RiskAlert. */
export function riskAlertFrom(p: RiskAlertPayload): RiskAlert {
  return {
    ...riskUpdateFrom(p),
    id: p.alertId,
    cursor: alertCursor(p.raisedSeq),
    reason: p.reason,
    status: p.status,
    resolution: p.resolution,
    openedLevel: p.openedLevel,
    currentLevel: p.currentLevel,
    currentProbability: p.currentProbability,
    peakProbability: p.peakProbability,
    raisedAt: new Date(p.raisedAt),
    levelReachedAt: new Date(p.levelReachedAt),
    updatedAt: new Date(p.updatedAt),
    acknowledgedAt: date(p.acknowledgedAt),
    acknowledgedBy: p.acknowledgedBy,
    resolvedAt: date(p.resolvedAt),
    resolvedBy: p.resolvedBy,
    note: p.note,
  };
}

const rank = (level: RiskLevel) => RISK_ORDER.indexOf(level);

/**
 * Whether a raise reaches a client watching alerts at `min` and above: an alert opened at or above
 * it, or escalated across it (so each alert reaches each client once per level it asked for).
 */
export function reachesMinLevel(p: RiskAlertChangedPayload, min: RiskLevel): boolean {
  if (rank(p.alert.riskLevel) < rank(min)) return false;
  return p.previousAlertLevel === null || rank(p.previousAlertLevel) < rank(min);
}

@Resolver(() => RiskAlert)
export class AlertsResolver {
  @Query(() => RiskAlertConnection, {
    description:
      'Persisted risk alerts in raise order (an escalation moves an alert to the end). After a reconnect, pass the ' +
      'cursor of the last alert received as `after` to get exactly the raises missed.',
  })
  @Allow(Role.READER)
  async riskAlerts(
    @Args() { after, first, minLevel, userId, status }: RiskAlertsArgs,
    @Ctx() ctx: AppContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<RiskAlertConnection> {
    const page = await ctx.services.alerts.list(
      {
        after,
        first: pageSize(first, MAX_ALERT_PAGE),
        minLevel,
        userId: userId == null ? null : parseId(userId, 'user'),
        statuses: status,
      },
      selectsField(info, 'totalCount'),
    );
    const connection = toConnection(page, 'alert', (a) => a.raisedSeq);
    return {
      ...connection,
      edges: connection.edges.map((e) => ({ cursor: e.cursor, node: riskAlertFrom(e.node) })),
    };
  }

  @Query(() => RiskAlert, {
    nullable: true,
    description: 'One alert by id; null when there is none.',
  })
  @Allow(Role.READER)
  async riskAlert(
    @Arg('id', () => ID, { description: 'The alert’s id.' }) id: string,
    @Ctx() ctx: AppContext,
  ): Promise<RiskAlert | null> {
    const alert = await ctx.services.alerts.find(parseId(id, 'alert'));
    return alert ? riskAlertFrom(alert) : null;
  }

  @Query(() => AlertQualityRun, {
    nullable: true,
    description:
      'What alerts are worth: the latest replay of the world through the alert code path (`churn alert-quality`); null before the first.',
  })
  @Allow(Role.READER)
  async alertQuality(@Ctx() ctx: AppContext): Promise<AlertQualityRun | null> {
    const run = await ctx.services.alerts.repository.latestQualityRun();
    if (!run) return null;
    const r = run.result as AlertQualityReport;
    return {
      createdAt: run.createdAt,
      from: new Date(r.replay.from),
      to: new Date(r.replay.to),
      subscribers: r.replay.activeAtCut,
      modelVersion: r.model,
      minLevel: r.rule.minLevel,
      thresholds: r.rule.thresholds,
      served: toFigures(r.served),
      curve: r.curve.map((c) => ({
        ...toFigures(c),
        topShare: c.topShare,
        threshold: c.threshold,
      })),
    };
  }

  @Mutation(() => RiskAlert, {
    description:
      'OPEN → ACKNOWLEDGED: someone is on it. ALERT_STATE_CONFLICT unless the alert is OPEN.',
  })
  @Allow(Role.ANALYST)
  async acknowledgeAlert(
    @Arg('id', () => ID, { description: 'The alert’s id.' }) id: string,
    @Arg('note', () => String, {
      nullable: true,
      description: 'A note for the record (≤ 2,000 characters).',
    })
    note: string | null,
    @Ctx() ctx: AppContext,
  ): Promise<RiskAlert> {
    return riskAlertFrom(
      await ctx.services.alerts.acknowledge(parseId(id, 'alert'), actor(ctx), checkedNote(note)),
    );
  }

  @Mutation(() => RiskAlert, {
    description:
      'OPEN or ACKNOWLEDGED → RESOLVED (MANUAL). ALERT_STATE_CONFLICT when already resolved. A later rise opens a new alert.',
  })
  @Allow(Role.ANALYST)
  async resolveAlert(
    @Arg('id', () => ID, { description: 'The alert’s id.' }) id: string,
    @Arg('note', () => String, {
      nullable: true,
      description: 'A note for the record (≤ 2,000 characters).',
    })
    note: string | null,
    @Ctx() ctx: AppContext,
  ): Promise<RiskAlert> {
    return riskAlertFrom(
      await ctx.services.alerts.resolve(parseId(id, 'alert'), actor(ctx), checkedNote(note)),
    );
  }

  @Subscription(() => RiskAlert, {
    description:
      'Alerts as they are raised: opened at or above `minLevel`, or escalated across it; each alert reaches a ' +
      'client once per level it asks for. Every alert is also stored (riskAlerts). When the fan-out fails the ' +
      'subscription ends with RESYNC_REQUIRED: reconnect, then catch up with riskAlerts(after: <last cursor>).',
    subscribe: ({ args, context }) => {
      const min = (args.minLevel as RiskLevel) ?? RiskLevel.HIGH;
      return (context as AppContext).services.pubSub.subscribeWhere(
        AlertTopic.RISK_ALERT,
        (p: RiskAlertChangedPayload) => reachesMinLevel(p, min),
      );
    },
  })
  @Allow(Role.READER)
  riskAlertRaised(
    @Root() payload: RiskAlertChangedPayload,
    @Arg('minLevel', () => RiskLevel, {
      defaultValue: RiskLevel.HIGH,
      description: 'Only alerts that reach at least this level.',
    })
    _minLevel: RiskLevel,
  ): RiskAlert {
    return riskAlertFrom(payload.alert);
  }

  @Subscription(() => RiskAlertChange, {
    description:
      'Every lifecycle change of every alert (opened, escalated, acknowledged, resolved), for consoles that keep ' +
      'the alert backlog live.',
    subscribe: ({ args, context }) => {
      const changes = args.changes ? new Set(args.changes as AlertChange[]) : null;
      return (context as AppContext).services.pubSub.subscribeWhere(
        AlertTopic.RISK_ALERT_CHANGED,
        (p: RiskAlertChangedPayload) => changes === null || changes.has(p.change),
      );
    },
  })
  @Allow(Role.READER)
  riskAlertChanged(
    @Root() payload: RiskAlertChangedPayload,
    @Arg('changes', () => [AlertChange], {
      nullable: true,
      description: 'Only these kinds of change; every kind when omitted.',
    })
    _changes: AlertChange[] | null,
  ): RiskAlertChange {
    return {
      change: payload.change,
      alert: riskAlertFrom(payload.alert),
      previousAlertLevel: payload.previousAlertLevel,
    };
  }

  @FieldResolver(() => User, { description: 'The subscriber.' })
  async user(@Root() alert: RiskAlert, @Ctx() ctx: AppContext): Promise<User> {
    return (await ctx.loaders.userById.load(alert.userId))!;
  }
}

function actor(ctx: AppContext): string {
  return ctx.caller.role ? `${ctx.caller.role} (${ctx.caller.source})` : 'anonymous';
}

function checkedNote(note: string | null | undefined): string | null {
  if (note == null) return null;
  if (note.length > MAX_NOTE) {
    throw invalidArgument(`note holds at most ${MAX_NOTE} characters`, { argument: 'note' });
  }
  return note;
}
