import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { TitleResolver } from '../modules/catalog/title.resolver';
import { EventsResolver } from '../modules/events/events.resolver';
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
import type { AppPubSub } from '../pubsub/pubsub';

export const RESOLVERS = [
  UserResolver,
  TitleResolver,
  EventsResolver,
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
  ContinueWatchingTitleResolver,
  RecommendationImpressionsResolver,
] as const;

export async function buildAppSchema(pubSub: AppPubSub): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...RESOLVERS], pubSub, validate: false });
}

const HEADER =
  '# Generated from the code by `npm run schema`. Do not edit; a test fails when it drifts.\n\n';

/** The committed schema.graphql text: sorted so that it only changes when the API does. */
export function printAppSchema(schema: GraphQLSchema): string {
  return HEADER + printSchema(lexicographicSortSchema(schema)) + '\n';
}
