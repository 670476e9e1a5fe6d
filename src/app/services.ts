import { onlineFeaturesFold } from '../modules/features/online-features-fold';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { systemClock, type Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { CatalogService } from '../modules/catalog/catalog.service';
import { AccountEventsService } from '../modules/events/account-events.service';
import { EventsService } from '../modules/events/events.service';
import { FeatureService } from '../modules/features/feature.service';
import { ModelRegistryService } from '../modules/model-registry/model-registry.service';
import { ModelStore } from '../modules/model-registry/model-store';
import { AlertsService } from '../modules/alerts/alerts.service';
import { ExplanationsService } from '../modules/explanations/explanations.service';
import { SegmentsService } from '../modules/segments/segments.service';
import { RecommendationsService } from '../modules/recommendations/recommendations.service';
import { SurvivalLifetimeValue } from '../modules/retention/lifetime-value';
import { RetentionService } from '../modules/retention/retention.service';
import { RescoringService } from '../modules/live/rescoring.service';
import { ScoringService } from '../modules/scoring/scoring.service';
import { latestScorePageInclude } from '../modules/scoring/latest-score-page-include';
import { TimeRescoringScheduler } from '../modules/live/time-rescoring';
import { TrainingService } from '../modules/training/training.service';
import { UserService } from '../modules/users/user.service';
import { LifetimeValueService } from '../modules/survival/lifetime-value.service';
import { SurvivalService } from '../modules/survival/survival.service';
import type { AppServices } from '../api/context';
import { IngestService } from '../modules/live/ingest.service';
import type { AppPubSub } from '../pubsub/pubsub';

/** Every domain service: the modules declare them (their `<concept>.context.ts`), this file builds them. */
export type Services = AppServices;

/** Horizon of the churn label, and so of an alert's prediction (RETAINED after it). */
const ALERT_HORIZON_DAYS = 30;

export function createServices(
  dataSource: DataSource,
  pubSub: AppPubSub,
  config: Pick<
    Config,
    | 'maxEventsPerBatch'
    | 'modelDir'
    | 'riskThresholds'
    | 'alertProbabilityDelta'
    | 'alertMinLevel'
    | 'rescoreIntervalHours'
    | 'rescoreTickMs'
    | 'clvMarginRate'
    | 'clvAnnualDiscountRate'
    | 'clvHorizonMonths'
    | 'recsHeldUsers'
  >,
  logger: Logger,
  clock: Clock = systemClock,
): Services {
  const features = new FeatureService(dataSource);
  const registry = new ModelRegistryService(dataSource, new ModelStore(config.modelDir), logger);
  const scoring = new ScoringService(dataSource, features, registry, config.riskThresholds, clock);
  const alerts = new AlertsService(dataSource, pubSub, clock);
  const explanations = new ExplanationsService(dataSource, features, registry, scoring, logger);
  const segments = new SegmentsService(dataSource, features, registry, explanations, logger);
  const rescoring = new RescoringService(
    dataSource,
    features,
    scoring,
    registry,
    pubSub,
    logger,
    clock,
    {
      alertRule: { minLevel: config.alertMinLevel, jumpDelta: config.alertProbabilityDelta },
    },
  );
  const timeRescoring = new TimeRescoringScheduler(
    rescoring,
    scoring.repository,
    alerts,
    clock,
    logger,
    {
      intervalMs: config.rescoreIntervalHours * 3_600_000,
      tickMs: config.rescoreTickMs,
      alertHorizonDays: ALERT_HORIZON_DAYS,
    },
  );
  const batch = { maxBatch: config.maxEventsPerBatch };
  const events = new EventsService(dataSource, pubSub, clock, batch, onlineFeaturesFold);
  const accountEvents = new AccountEventsService(dataSource, clock, batch);
  const users = new UserService(dataSource);
  users.pageIncludes.push(latestScorePageInclude);
  const survival = new SurvivalService(dataSource, features, segments, config.modelDir, logger);
  const lifetimeValue = new LifetimeValueService(survival, segments, users, {
    marginRate: config.clvMarginRate,
    annualDiscountRate: config.clvAnnualDiscountRate,
    horizonMonths: config.clvHorizonMonths,
  });
  return {
    clock,
    users,
    catalog: new CatalogService(dataSource),
    events,
    accountEvents,
    ingest: new IngestService(events, accountEvents, rescoring),
    features,
    registry,
    scoring,
    rescoring,
    timeRescoring,
    alerts,
    explanations,
    segments,
    recommendations: new RecommendationsService(dataSource, config.modelDir, logger, {
      heldUsers: config.recsHeldUsers,
    }),
    retention: new RetentionService(
      dataSource,
      features,
      pubSub,
      logger,
      new SurvivalLifetimeValue(lifetimeValue),
    ),
    training: new TrainingService(
      dataSource,
      features,
      registry,
      scoring,
      explanations,
      segments,
      survival,
      logger,
    ),
    survival,
    lifetimeValue,
    pubSub,
  };
}
