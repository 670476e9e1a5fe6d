/**
 * Every environment variable the service reads, parsed and validated once. This module is the only
 * reader of process.env; a bad environment fails at start with every offending key listed. The README's
 * configuration table is generated from `CONFIG_SPEC` (`churn config --markdown`).
 */
import path from 'node:path';
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
  return out as Config;
}

/** The README's configuration table, from the same definitions the parser uses. */
export function configMarkdownTable(): string {
  const rows = CONFIG_SPEC.map(
    (v) =>
      `| \`${v.key}\` | ${v.default === undefined ? '(unset)' : `\`${v.default}\``} | ${v.description} |`,
  );
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
