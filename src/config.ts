/**
 * Every environment variable the service reads, parsed and validated once. This module is the only
 * reader of process.env; a bad environment fails at start with every offending key listed. The README's
 * configuration table is generated from `CONFIG_SPEC` (`churn config --markdown`).
 */
import path from 'node:path';
import { parseApiKeys, ROLE_NAMES, type ApiKeySpec, type RoleName } from './server/auth/api-keys';
import { parseRiskThresholds, type RiskThresholds } from './modules/scoring/risk-levels';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
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
  riskThresholds: RiskThresholds;
  autoTrain: boolean;
  trainSeed: number;
  trainMaxEpochs: number;
  autoTrainRecs: boolean;
  recsEpochs: number;
  alertProbabilityDelta: number;
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
  clvMarginRate: number;
  clvAnnualDiscountRate: number;
  clvHorizonMonths: number;
}

interface VarSpec<K extends keyof Config> {
  key: string;
  field: K;
  description: string;
  default: string | undefined;
  parse: (raw: string) => Config[K];
}

class InvalidValue extends Error {}

const int =
  (min: number, max: number) =>
  (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new InvalidValue(`expected an integer, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new InvalidValue(`expected ${min}..${max}, got ${n}`);
    return n;
  };

const oneOf =
  <T extends string>(...values: T[]) =>
  (raw: string): T => {
    if (!(values as string[]).includes(raw)) {
      throw new InvalidValue(`expected one of ${values.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  };

const bool = (raw: string): boolean => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new InvalidValue(`expected true or false, got "${raw}"`);
};

const postgresUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue('not a URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new InvalidValue(`expected a postgres:// URL, got protocol "${url.protocol}"`);
  }
  return raw;
};

const redisUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new InvalidValue(`expected a redis:// URL, got protocol "${url.protocol}"`);
  }
  return raw;
};

const httpUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidValue(`expected an http:// URL, got protocol "${url.protocol}"`);
  }
  return raw.replace(/\/+$/, '');
};

const probability = (raw: string): number => {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n >= 1) {
    throw new InvalidValue(`expected a number in (0, 1), got "${raw}"`);
  }
  return n;
};

const decimal =
  (min: number, max: number, { minOpen = false } = {}) =>
  (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max || (minOpen && n === min)) {
      throw new InvalidValue(
        `expected a number in ${minOpen ? '(' : '['}${min}, ${max}], got "${raw}"`,
      );
    }
    return n;
  };

const text = (raw: string): string => {
  if (raw.trim() === '') throw new InvalidValue('must not be empty');
  return raw;
};

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
    '0.1,0.25,0.5',
    'Lower probability bounds of MEDIUM, HIGH and CRITICAL risk.',
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
    'ALERT_PROBABILITY_DELTA',
    'alertProbabilityDelta',
    '0.15',
    'A rescore raises a risk alert when the probability rises by more than this (besides crossing into HIGH or CRITICAL).',
    probability,
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

function spec<K extends keyof Config>(
  key: string,
  field: K,
  def: string | undefined,
  description: string,
  parse: (raw: string) => Config[K],
): VarSpec<K> {
  return { key, field, default: def, description, parse };
}

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
  return config;
}

/** The README's configuration table, from the same definitions the parser uses. */
export function configMarkdownTable(): string {
  const rows = CONFIG_SPEC.map(
    (v) =>
      `| \`${v.key}\` | ${v.default === undefined ? '(unset)' : `\`${v.default}\``} | ${v.description} |`,
  );
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
