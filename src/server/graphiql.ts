import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

const DEFAULT_QUERY = `# churn-predictor: try a query, then a subscription in another tab.
query Subscribers {
  users(first: 5, filter: { status: ACTIVE }) {
    totalCount
    edges {
      node {
        id
        plan
        country
        recentEvents(first: 3) { startedAt completion title { name genres } }
      }
    }
  }
}
`;

let cached: string | undefined;

/**
 * GraphiQL, rendered once from node_modules: its scripts and styles are inlined by
 * @graphql-yoga/render-graphiql, so the IDE works with no network. Subscriptions go over graphql-ws.
 */
export function graphiqlHtml(): string {
  cached ??= renderGraphiQL({
    endpoint: '/graphql',
    subscriptionsProtocol: 'WS',
    title: 'churn-predictor · GraphiQL',
    defaultQuery: DEFAULT_QUERY,
  });
  return cached;
}
