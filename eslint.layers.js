// @ts-check
/**
 * What may import what: the folders of src/ from the bottom up, and the domain modules in the order
 * they may depend on one another. A folder imports only from folders listed before it; a module only
 * from modules listed before it. eslint.config.js turns this into import rules, and
 * test/unit/architecture.test.ts checks the resolved import graph against it (so a path ESLint's
 * pattern cannot see still fails).
 */

/** src/ folders (and the two entry files), lowest first. */
const LAYERS = [
  'common', // logging, errors, clock, pagination, prepared queries: knows nothing above it
  'ml', // pure models and metrics: arrays in, numbers out
  'pubsub', // the typed PubSub (topics are declared by the modules)
  'api', // AppContext, Allow, Role: what resolvers need from the transport, without the transport
  'client', // a reference client for alert followers (graphql-ws only)
  'modules', // the domain, one folder per concept (ordered below)
  'db', // data source, migrations runner, embedded PostgreSQL
  'server', // HTTP + ws transport, schema assembly, metrics
  'app', // the composition root: services, contexts, first-start seeding, model bootstrap
  'commands', // CLI commands
  'main', // src/main.ts: the server process
  'cli', // src/cli.ts: the `churn` command (its `serve` runs main)
];

/** Domain modules, lowest first: a module may import the ones before it. */
const MODULES = [
  'users',
  'catalog',
  'outbox',
  'events',
  'features',
  'model-registry',
  'scoring',
  'alerts',
  'live',
  'explanations',
  'segments',
  'recommendations',
  'survival',
  'training',
  'retention',
];

/**
 * Outside src/: the synthetic world and its loaders (seeds/) sit beside ml; modules may use the world
 * (the retention lab replays it), the world uses only ml and common.
 */
const SEEDS_MAY_IMPORT = ['common', 'ml'];

module.exports = { LAYERS, MODULES, SEEDS_MAY_IMPORT };
