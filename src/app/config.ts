/**
 * Every environment variable the service reads, parsed and validated once. This module is the only
 * reader of process.env; a bad environment fails at start with every offending key listed. The README's
 * configuration table is generated from `CONFIG_SPEC` (`churn config --markdown`).
 */
import path from 'node:path';
import { parseApiKeys, ROLE_NAMES, type ApiKeySpec, type RoleName } from '../server/auth/api-keys';
import {
  parseRiskThresholds,
  RiskLevel,
  type RiskThresholds,
} from '../modules/model-registry/risk-levels';
import {
  bool,
  decimal,
  httpUrl,
  int,
  InvalidValue,
  oneOf,
  origins,
  spec,
  postgresUrl,
  probability,
  redisUrl,
  text,
} from './config-parsers';

import type { LogLevel } from '../common/logger';

export type { LogLevel };
export type NodeEnv = 'development' | 'production' | 'test';

export interface Config {
  nodeEnv: NodeEnv;
  databaseUrl: string | undefined;
  host: string;
  port: number;
  logLevel: LogLevel;
  dataDir: string;
  embeddedPgPort: number;
  seedUsers: number;
  seedDays: number;
  seed: number;
  autoSeed: boolean;
  maxEventsPerBatch: number;
  shutdownTimeoutMs: number;
  modelDir: string;
  riskThresholds: RiskThresholds | undefined;
  autoTrain: boolean;
  trainSeed: number;
  trainMaxEpochs: number;
  autoTrainRecs: boolean;
  recsEpochs: number;
  alertProbabilityDelta: number | null;
  alertMinLevel: RiskLevel;
  rescoreIntervalHours: number;
  rescoreTickMs: number;
  rescoreSweepMs: number;
  redisUrl: string | undefined;
  redisChannelPrefix: string;
  apiKeys: ApiKeySpec[];
  /** Role of a request without a key; undefined until resolved (see loadConfig). */
  defaultRole: RoleName | 'none';
  maxQueryDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxQueryCost: number;
  maxSubscriptionsPerSocket: number;
  clientApiKey: string | undefined;
  apiUrl: string | undefined;
  maxRequestBytes: number;
  corsOrigins: string[];
  /** Resolved by loadConfig: unset means on, except in production. */
  introspection: boolean;
  graphiql: boolean;
  dashboard: boolean;
  metrics: boolean;
  wsMaxSockets: number;
  wsMaxSocketsPerClient: number;
  wsKeepAliveMs: number;
  wsSubscriptionQueue: number;
  clvMarginRate: number;
  clvAnnualDiscountRate: number;
  clvHorizonMonths: number;
}

export const CONFIG_SPEC = [
  spec(
    'NODE_ENV',
    'nodeEnv',
    'development',
    'Runtime mode: development, production or test.',
    oneOf<NodeEnv>('development', 'production', 'test'),
  ),
  spec(
    'DATABASE_URL',
    'databaseUrl',
    undefined,
    'PostgreSQL URL. Unset: the service starts its own embedded PostgreSQL under DATA_DIR.',
    postgresUrl,
  ),
  spec('HOST', 'host', '127.0.0.1', 'Interface the HTTP and WebSocket server binds to.', text),
  spec('PORT', 'port', '4000', 'Port for HTTP and WebSocket (0 picks a free port).', int(0, 65535)),
  spec(
    'LOG_LEVEL',
    'logLevel',
    'info',
    'debug, info, warn, error or silent.',
    oneOf<LogLevel>('debug', 'info', 'warn', 'error', 'silent'),
  ),
  spec(
    'DATA_DIR',
    'dataDir',
    '.data',
    'Where the embedded PostgreSQL keeps its files (relative paths are from the working directory).',
    (raw) => path.resolve(text(raw)),
  ),
  spec(
    'EMBEDDED_PG_PORT',
    'embeddedPgPort',
    '54329',
    'Port of the embedded PostgreSQL (only used when DATABASE_URL is unset).',
    int(1, 65535),
  ),
  spec(
    'SEED_USERS',
    'seedUsers',
    '5000',
    'Subscribers in the synthetic world seeded into an empty database at start.',
    int(10, 2_000_000),
  ),
  spec('SEED_DAYS', 'seedDays', '180', 'Days of history in that synthetic world.', int(60, 1_000)),
  spec('SEED', 'seed', '42', 'Random seed of that synthetic world.', int(0, 2 ** 31 - 1)),
  spec(
    'AUTO_SEED',
    'autoSeed',
    'true',
    'Seed the synthetic world at start when the database has no users.',
    bool,
  ),
  spec(
    'MAX_EVENTS_PER_BATCH',
    'maxEventsPerBatch',
    '1000',
    'Largest batch recordViewingEvents accepts.',
    int(1, 10_000),
  ),
  spec(
    'SHUTDOWN_TIMEOUT_MS',
    'shutdownTimeoutMs',
    '10000',
    'How long a graceful shutdown waits for requests and sockets to drain.',
    int(0, 600_000),
  ),
  spec(
    'MODEL_DIR',
    'modelDir',
    'models',
    'Where trained model versions are stored (<MODEL_DIR>/<version>/).',
    (raw) => path.resolve(text(raw)),
  ),
  spec(
    'RISK_THRESHOLDS',
    'riskThresholds',
    undefined,
    'Lower probability bounds of MEDIUM, HIGH and CRITICAL, e.g. "0.1,0.25,0.5". Unset: each model version uses the bands chosen on its validation snapshot (ModelVersion.riskLevels).',
    (raw) => {
      try {
        return parseRiskThresholds(raw);
      } catch (err) {
        throw new InvalidValue((err as Error).message);
      }
    },
  ),
  spec(
    'AUTO_TRAIN',
    'autoTrain',
    'true',
    'Train and score at start when no model is active.',
    bool,
  ),
  spec('TRAIN_SEED', 'trainSeed', '42', 'Seed of the training run at start.', int(0, 2 ** 31 - 1)),
  spec(
    'TRAIN_MAX_EPOCHS',
    'trainMaxEpochs',
    '40',
    'Most epochs of the deep model in the training run at start (early stopping usually ends sooner).',
    int(1, 500),
  ),
  spec(
    'AUTO_TRAIN_RECS',
    'autoTrainRecs',
    'true',
    'Train the collaborative recommender in the background at start when none is trained.',
    bool,
  ),
  spec(
    'RECS_EPOCHS',
    'recsEpochs',
    '30',
    'Epochs of that background recommender training.',
    int(1, 500),
  ),
  spec(
    'ALERT_MIN_LEVEL',
    'alertMinLevel',
    'HIGH',
    'Lowest risk level that opens an alert: MEDIUM, HIGH or CRITICAL. An alert resolves (RISK_FELL) when the subscriber falls below it.',
    oneOf<RiskLevel>(RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL),
  ),
  spec(
    'ALERT_PROBABILITY_DELTA',
    'alertProbabilityDelta',
    'off',
    'A rescore that raises the probability by more than this (at MEDIUM or above) also opens an alert; "off" disables such jump alerts.',
    (raw) => (raw.trim().toLowerCase() === 'off' ? null : probability(raw)),
  ),
  spec(
    'RESCORE_INTERVAL_HOURS',
    'rescoreIntervalHours',
    '24',
    'Every active subscriber is rescored at least this often as time passes (their recencies move), spread over the interval; 0 disables time-driven rescoring.',
    int(0, 24 * 30),
  ),
  spec(
    'RESCORE_TICK_MS',
    'rescoreTickMs',
    '60000',
    'How often the time-driven rescoring picks the subscribers that are due (and, hourly, stores risk-level snapshots and resolves alerts past their horizon).',
    int(1000, 3_600_000),
  ),
  spec(
    'RESCORE_SWEEP_MS',
    'rescoreSweepMs',
    '2000',
    'How often the rescorer picks up outbox rows left by another instance or a failed attempt (0: never).',
    int(0, 3_600_000),
  ),
  spec(
    'REDIS_URL',
    'redisUrl',
    undefined,
    'Redis for subscriptions across instances. Unset: in-process PubSub (one instance).',
    redisUrl,
  ),
  spec(
    'REDIS_CHANNEL_PREFIX',
    'redisChannelPrefix',
    'churn:',
    'Prefix of every Redis channel, so several deployments can share one Redis.',
    text,
  ),
  spec(
    'API_KEYS',
    'apiKeys',
    undefined,
    'Comma-separated role:key pairs (roles: reader, ingest, analyst, admin; keys of 16+ characters, or sha256:HEX of one). Unset in development: an admin key is kept in DATA_DIR/dev-api-key.',
    (raw) => {
      try {
        return parseApiKeys(raw);
      } catch (err) {
        throw new InvalidValue((err as Error).message);
      }
    },
  ),
  spec(
    'DEFAULT_ROLE',
    'defaultRole',
    undefined,
    'Role of a request without an API key (reader, ingest, analyst, admin or none). Unset: reader, or none when NODE_ENV=production.',
    oneOf<RoleName | 'none'>(...ROLE_NAMES, 'none'),
  ),
  spec(
    'MAX_QUERY_DEPTH',
    'maxQueryDepth',
    '12',
    'Deepest selection an operation may have.',
    int(1, 100),
  ),
  spec('MAX_ALIASES', 'maxAliases', '15', 'Most aliases in one operation.', int(0, 1000)),
  spec(
    'MAX_TOKENS',
    'maxTokens',
    '5000',
    'Most lexical tokens in one operation document (send bulk data as variables).',
    int(10, 1_000_000),
  ),
  spec(
    'MAX_QUERY_COST',
    'maxQueryCost',
    '20000',
    'Highest graphql-armor cost of one operation.',
    int(1, 10_000_000),
  ),
  spec(
    'MAX_SUBSCRIPTIONS_PER_SOCKET',
    'maxSubscriptionsPerSocket',
    '20',
    'Most subscriptions one WebSocket may hold at once.',
    int(1, 10_000),
  ),
  spec(
    'CHURN_API_KEY',
    'clientApiKey',
    undefined,
    'API key the CLI sends when it calls the API (churn simulate).',
    text,
  ),
  spec(
    'API_URL',
    'apiUrl',
    undefined,
    "Base URL of a running service for the CLI's client commands. Unset: http://HOST:PORT.",
    httpUrl,
  ),
  spec(
    'MAX_REQUEST_BYTES',
    'maxRequestBytes',
    '2097152',
    'Largest HTTP request body and largest WebSocket message, in bytes (2 MiB).',
    int(1024, 64 * 1024 * 1024),
  ),
  spec(
    'CORS_ORIGINS',
    'corsOrigins',
    undefined,
    "Comma-separated origins (https://app.example.com) whose web pages may call the API over HTTP (CORS) and WebSocket. The service's own origin is always allowed.",
    origins,
  ),
  spec(
    'ENABLE_INTROSPECTION',
    'introspection',
    undefined,
    'Answer schema introspection (__schema, __type) and give field suggestions. Unset: on, except when NODE_ENV=production.',
    bool,
  ),
  spec(
    'ENABLE_GRAPHIQL',
    'graphiql',
    undefined,
    'Serve GraphiQL at /graphiql (and /playground). Unset: on, except when NODE_ENV=production.',
    bool,
  ),
  spec(
    'ENABLE_DASHBOARD',
    'dashboard',
    undefined,
    'Serve the live dashboard at /dashboard. Unset: on, except when NODE_ENV=production.',
    bool,
  ),
  spec('ENABLE_METRICS', 'metrics', 'true', 'Serve Prometheus metrics at /metrics.', bool),
  spec(
    'WS_MAX_SOCKETS',
    'wsMaxSockets',
    '5000',
    'Most WebSockets open at once; past it an upgrade is refused with HTTP 503.',
    int(1, 1_000_000),
  ),
  spec(
    'WS_MAX_SOCKETS_PER_CLIENT',
    'wsMaxSocketsPerClient',
    '100',
    'Most WebSockets one API key (or, without a key, one address) may hold; past it connection_init is closed with 4029.',
    int(1, 1_000_000),
  ),
  spec(
    'WS_KEEPALIVE_MS',
    'wsKeepAliveMs',
    '15000',
    'How often the server pings each WebSocket; a socket that has not answered by the next ping is terminated (0: never ping).',
    int(0, 3_600_000),
  ),
  spec(
    'WS_SUBSCRIPTION_QUEUE',
    'wsSubscriptionQueue',
    '100',
    'Results one subscription may have waiting while its client is not reading; past it the socket is closed with 4008 (slow consumer).',
    int(1, 100_000),
  ),
  spec(
    'CLV_MARGIN_RATE',
    'clvMarginRate',
    '0.35',
    'Share of a monthly fee that is margin, in lifetime values (0 < rate ≤ 1).',
    decimal(0, 1, { minOpen: true }),
  ),
  spec(
    'CLV_ANNUAL_DISCOUNT_RATE',
    'clvAnnualDiscountRate',
    '0.1',
    'Annual rate future margin is discounted at in lifetime values (0 ≤ rate ≤ 1).',
    decimal(0, 1),
  ),
  spec(
    'CLV_HORIZON_MONTHS',
    'clvHorizonMonths',
    '24',
    'Monthly payments a lifetime value counts (beyond the 180-day curve, its last hazard held).',
    int(1, 120),
  ),
];

// Every Config field must have a variable: this fails to compile when one is missing.
type UncoveredFields = Exclude<keyof Config, (typeof CONFIG_SPEC)[number]['field']>;
const everyFieldCovered: [UncoveredFields] extends [never] ? true : UncoveredFields = true;
void everyFieldCovered;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse an environment (process.env by default). Throws ConfigError naming every bad key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const out: Partial<Record<keyof Config, unknown>> = {};
  for (const v of CONFIG_SPEC) {
    const raw = env[v.key];
    const value = raw === undefined || raw === '' ? v.default : raw;
    if (value === undefined) {
      out[v.field as keyof Config] = undefined;
      continue;
    }
    try {
      out[v.field as keyof Config] = v.parse(value);
    } catch (err) {
      problems.push(`${v.key}: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = out as Config;
  // Safe by default in production: no key, no access.
  config.defaultRole ??= config.nodeEnv === 'production' ? 'none' : 'reader';
  config.apiKeys ??= [];
  config.corsOrigins ??= [];
  const notProduction = config.nodeEnv !== 'production';
  config.introspection ??= notProduction;
  config.graphiql ??= notProduction;
  config.dashboard ??= notProduction;
  return config;
}
