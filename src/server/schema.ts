import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { TitleResolver } from '../modules/catalog/title.resolver';
import { EventsResolver } from '../modules/events/events.resolver';
import { UserResolver } from '../modules/users/user.resolver';
import type { AppPubSub } from '../pubsub/pubsub';

export const RESOLVERS = [UserResolver, TitleResolver, EventsResolver] as const;

export async function buildAppSchema(pubSub: AppPubSub): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...RESOLVERS], pubSub, validate: false });
}

const HEADER =
  '# Generated from the code by `npm run schema`. Do not edit; a test fails when it drifts.\n\n';

/** The committed schema.graphql text: sorted so that it only changes when the API does. */
export function printAppSchema(schema: GraphQLSchema): string {
  return HEADER + printSchema(lexicographicSortSchema(schema)) + '\n';
}
