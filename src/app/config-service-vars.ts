/**
 * The variables of the service itself: runtime, database, seeding, models, the live path, Redis and
 * lifetime value. Part of CONFIG_SPEC (config.ts).
 */
import path from 'node:path';
import { parseRiskThresholds, RiskLevel } from '../modules/model-registry/risk-levels';
import type { LogLevel } from '../common/logger';
import {
  bool,
  decimal,
  int,
  InvalidValue,
  oneOf,
  spec,
  postgresUrl,
  probability,
  redisUrl,
  text,
} from './config-parsers';
import type { NodeEnv } from './config';

export const SERVICE_VARS = [
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
    'RECS_HELD_USERS',
    'recsHeldUsers',
    '5000',
    'Subscribers whose history, and what it determines, the recommender keeps between requests (about 45 KB each at 10,000 titles); 0 reads and derives on every request.',
    int(0, 10_000_000),
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
