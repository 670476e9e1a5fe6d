/**
 * The variables of the API surface: keys and roles, operation limits, CORS, the browser pages, metrics
 * and WebSocket limits. Part of CONFIG_SPEC (config.ts).
 */
import { parseApiKeys, ROLE_NAMES, type RoleName } from '../server/auth/api-keys';
import { bool, httpUrl, int, InvalidValue, oneOf, origins, spec, text } from './config-parsers';

export const ACCESS_VARS = [
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
];
