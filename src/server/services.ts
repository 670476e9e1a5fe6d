import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../common/logger';
import { CatalogService } from '../modules/catalog/catalog.service';
import { EventsService } from '../modules/events/events.service';
import { FeatureService } from '../modules/features/feature.service';
import { ModelRegistryService } from '../modules/model-registry/model-registry.service';
import { ModelStore } from '../modules/model-registry/model-store';
import type { RiskThresholds } from '../modules/scoring/risk-levels';
import { AlertsService } from '../modules/alerts/alerts.service';
import { ExplanationsService } from '../modules/explanations/explanations.service';
import { SegmentsService } from '../modules/segments/segments.service';
import { RecommendationsService } from '../modules/recommendations/recommendations.service';
import { RescoringService } from '../modules/scoring/rescoring.service';
import { ScoringService } from '../modules/scoring/scoring.service';
import { TrainingService } from '../modules/training/training.service';
import { UserService } from '../modules/users/user.service';
import type { AppPubSub } from '../pubsub/pubsub';

/** Every domain service, built once per process and shared by both transports and the CLI. */
export interface Services {
  users: UserService;
  catalog: CatalogService;
  events: EventsService;
  features: FeatureService;
  registry: ModelRegistryService;
  scoring: ScoringService;
  rescoring: RescoringService;
  alerts: AlertsService;
  explanations: ExplanationsService;
  segments: SegmentsService;
  recommendations: RecommendationsService;
  training: TrainingService;
  pubSub: AppPubSub;
  riskThresholds: RiskThresholds;
}

export function createServices(
  dataSource: DataSource,
  pubSub: AppPubSub,
  config: Pick<
    Config,
    'maxEventsPerBatch' | 'modelDir' | 'riskThresholds' | 'alertProbabilityDelta'
  >,
  logger: Logger,
): Services {
  const features = new FeatureService(dataSource);
  const registry = new ModelRegistryService(dataSource, new ModelStore(config.modelDir), logger);
  const scoring = new ScoringService(dataSource, features, registry, config.riskThresholds);
  const alerts = new AlertsService(dataSource);
  const explanations = new ExplanationsService(dataSource, features, registry, scoring, logger);
  const segments = new SegmentsService(dataSource, features, registry, explanations, logger);
  const rescoring = new RescoringService(dataSource, scoring, registry, alerts, pubSub, logger, {
    alertProbabilityDelta: config.alertProbabilityDelta,
  });
  return {
    users: new UserService(dataSource),
    catalog: new CatalogService(dataSource),
    events: new EventsService(dataSource, pubSub, features, rescoring, {
      maxBatch: config.maxEventsPerBatch,
    }),
    features,
    registry,
    scoring,
    rescoring,
    alerts,
    explanations,
    segments,
    recommendations: new RecommendationsService(dataSource, config.modelDir, segments, logger),
    training: new TrainingService(
      dataSource,
      features,
      registry,
      scoring,
      explanations,
      segments,
      logger,
    ),
    pubSub,
    riskThresholds: config.riskThresholds,
  };
}
