import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, getMetadataStorage } from 'type-graphql';
import { TitleResolver } from '../modules/catalog/title.resolver';
import { EventsResolver, UserEventsResolver } from '../modules/events/events.resolver';
import { IngestResolver } from '../modules/live/ingest.resolver';
import { ModelRegistryResolver } from '../modules/model-registry/model-registry.resolver';
import { ScoringResolver } from '../modules/scoring/scoring.resolver';
import { TrainingResolver } from '../modules/training/training.resolver';
import { UserResolver } from '../modules/users/user.resolver';
import { AlertsResolver } from '../modules/alerts/alerts.resolver';
import { ExplanationsResolver } from '../modules/explanations/explanations.resolver';
import { SegmentsResolver, UserSegmentResolver } from '../modules/segments/segments.resolver';
import {
  ContinueWatchingTitleResolver,
  RecommendationImpressionsResolver,
  RecommendationReasonResolver,
  RecommendedTitleResolver,
  SimilarTitlesResolver,
  UserRecommendationsResolver,
} from '../modules/recommendations/recommendations.resolver';
import { RiskUpdatesResolver } from '../modules/scoring/risk-updates.resolver';
import { RetentionResolver } from '../modules/retention/retention.resolver';
import {
  SubscriberSurvivalResolver,
  SurvivalModelsResolver,
  SurvivalOverviewResolver,
  UserSurvivalResolver,
} from '../modules/survival/survival.resolver';
import type { AppPubSub } from '../pubsub/pubsub';
import { ErrorCodeEnum } from './error-codes';

export const RESOLVERS = [
  UserResolver,
  TitleResolver,
  EventsResolver,
  UserEventsResolver,
  IngestResolver,
  ScoringResolver,
  ModelRegistryResolver,
  TrainingResolver,
  RiskUpdatesResolver,
  AlertsResolver,
  ExplanationsResolver,
  SegmentsResolver,
  UserSegmentResolver,
  UserRecommendationsResolver,
  RecommendedTitleResolver,
  RecommendationReasonResolver,
  SimilarTitlesResolver,
  RetentionResolver,
  UserSurvivalResolver,
  SubscriberSurvivalResolver,
  SurvivalOverviewResolver,
  SurvivalModelsResolver,
  ContinueWatchingTitleResolver,
  RecommendationImpressionsResolver,
] as const;

const ROOT_DESCRIPTIONS = [
  ['query', 'Reads: subscribers, the catalog, churn scores and their reasons, segments, models.'],
  ['mutation', 'Writes: viewing events in, training runs started.'],
  [
    'subscription',
    'Live pushes over WebSocket (graphql-transport-ws on /graphql): risk updates, alerts, events.',
  ],
] as const;

/**
 * Plain fields of object types resolve by graphql-js's default property read (type-graphql's
 * `simpleResolvers`). Otherwise type-graphql gives every field of every object type a resolver that
 * runs middlewares and field auth checks around the property read. This service declares neither (a
 * caller's role is checked per root field before anything executes, src/server/auth), so that wrapper
 * only cost an object and a call per field per row and kept graphql-jit from reading the property
 * inline: on the users page of 20, about 120 calls per request. Field resolvers are unaffected. A
 * middleware or `@Authorized` added later would be skipped on plain fields, so they are refused here.
 */
function resolvePlainFieldsByDefault(): void {
  const metadata = getMetadataStorage();
  if (metadata.middlewares.length > 0 || metadata.authorizedFields.length > 0) {
    throw new Error(
      'Field middlewares or @Authorized fields are declared: plain fields must keep type-graphql resolvers (see resolvePlainFieldsByDefault)',
    );
  }
  for (const type of metadata.objectTypes) type.simpleResolvers ??= true;
}

/** The schema of both transports, with `enum ErrorCode` listing every error code a client can see. */
export async function buildAppSchema(pubSub: AppPubSub): Promise<GraphQLSchema> {
  resolvePlainFieldsByDefault();
  const schema = await buildSchema({ resolvers: [...RESOLVERS], pubSub, validate: false });
  const config = schema.toConfig();
  // type-graphql gives the root types no description.
  for (const [type, description] of ROOT_DESCRIPTIONS) {
    const root = config[type];
    if (root) root.description = description;
  }
  return new GraphQLSchema({ ...config, types: [...config.types, ErrorCodeEnum] });
}

const HEADER =
  '# Generated from the code by `npm run schema`. Do not edit; a test fails when it drifts.\n\n';

/** The committed schema.graphql text: sorted so that it only changes when the API does. */
export function printAppSchema(schema: GraphQLSchema): string {
  return HEADER + printSchema(lexicographicSortSchema(schema)) + '\n';
}
