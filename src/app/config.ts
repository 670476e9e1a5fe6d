/**
 * Every environment variable the service reads, parsed and validated once. This module is the only
 * reader of process.env; a bad environment fails at start with every offending key listed.
 * docs/configuration.md is generated from `CONFIG_SPEC` (`churn config --markdown`).
 */
import type { ApiKeySpec, RoleName } from '../server/auth/api-keys';
import type { RiskLevel, RiskThresholds } from '../modules/model-registry/risk-levels';
import type { LogLevel } from '../common/logger';
import { ACCESS_VARS } from './config-access-vars';
import { SERVICE_VARS } from './config-service-vars';

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
  recsHeldUsers: number;
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

/** Every variable, in the order docs/configuration.md lists them. */
export const CONFIG_SPEC = [...SERVICE_VARS, ...ACCESS_VARS];

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
