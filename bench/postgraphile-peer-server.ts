/**
 * The PostGraphile v4 peer's own process (started by ./postgraphile-peer.ts, so that its CPU can be
 * read apart from the bench's and our server's): PostGraphile over the `public` schema of
 * DATABASE_URL in the settings its docs recommend for production, on a free port. Prints
 * `PostGraphile http://127.0.0.1:<port>/graphql` once the schema is built and it listens.
 */
import './postgraphile-peer-graphql-realm';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { makeJSONPgSmartTagsPlugin, postgraphile } from 'postgraphile';

/**
 * user_risk.user_id has no foreign key to users (dropped so that scoring never waits on a users
 * lock), so PostGraphile would not see the relation; this tag declares it, as a PostGraphile user
 * would, and gives User its one-to-one `userRiskByUserId`.
 */
const userRiskRelation = makeJSONPgSmartTagsPlugin({
  version: 1,
  config: {
    class: { user_risk: { tags: { foreignKey: '(user_id) references users (id)' } } },
  },
});

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  // The same pool size (10) as our server's data source, so neither side gets more connections.
  const pool = new Pool({ connectionString: url, max: 10, application_name: 'postgraphile-peer' });
  const handler = postgraphile(pool, 'public', {
    appendPlugins: [userRiskRelation],
    dynamicJson: true,
    setofFunctionsContainNulls: false,
    ignoreRBAC: false,
    legacyRelations: 'omit',
    disableQueryLog: true,
    extendedErrors: ['errcode'],
    graphiql: false,
    enhanceGraphiql: false,
    watchPg: false,
    subscriptions: false,
    enableQueryBatching: true,
  });
  // Build the schema now rather than on the first request, so the bench's first second is not it.
  await handler.getGraphQLSchema();
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`PostGraphile http://127.0.0.1:${port}/graphql\n`);
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void handler
      .release()
      .then(() => pool.end())
      .finally(() => process.exit(0));
  });
}

main().catch((err) => {
  process.stderr.write(
    `postgraphile peer failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
