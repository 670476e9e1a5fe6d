/**
 * Makes every `graphql` import in the PostGraphile peer's process load PostGraphile's own copy
 * (graphql@15, nested under node_modules/postgraphile). Import it before `postgraphile`.
 *
 * Why: PostGraphile v4 supports graphql up to 15, our project uses 16, so npm nests 15 under
 * postgraphile, but it hoists graphql-parse-resolve-info (graphql only a peer dependency there) to the
 * top, where it resolves our graphql@16. PostGraphile then hands it graphql@15 types and every
 * connection argument fails with "Unexpected input type: Int" (two realms of graphql in one process).
 * graphile-build-pg also gets yet another nested graphql@15; pinning every import to one copy fixes
 * both. This process runs only PostGraphile, so no other code cares which copy it gets.
 */
import Module from 'node:module';
import path from 'node:path';

const postgraphileDir = path.dirname(require.resolve('postgraphile/package.json'));

type Resolve = (request: string, parent: unknown, isMain: boolean, options?: object) => string;
const internals = Module as unknown as { _resolveFilename: Resolve };
const resolve = internals._resolveFilename;
internals._resolveFilename = function (request, parent, isMain, options) {
  if (request === 'graphql' || request.startsWith('graphql/'))
    return resolve.call(this, request, parent, isMain, { paths: [postgraphileDir] });
  return resolve.call(this, request, parent, isMain, options);
};
