/**
 * The API's own metrics: GraphQL operations per transport, type and root fields (count, outcome and
 * latency), HTTP responses per route and status, open WebSockets and subscriptions, and the active
 * model's version and validation AUC. Domain metrics (ingest, rescoring, alerts) are declared by their
 * modules on the same registry (common/metrics.ts). docs/metrics.md lists them all.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { getOperationAST, type DocumentNode } from 'graphql';
import {
  boundedLabel,
  counter,
  gauge,
  histogram,
  LATENCY_BUCKETS,
  metricsText,
} from '../common/metrics';
import type { ModelRegistryService } from '../modules/model-registry/model-registry.service';
import type { AppContext } from '../api/context';

const operations = counter({
  name: 'churn_graphql_operations_total',
  help: 'GraphQL operations by transport (http, ws), type, root fields and outcome (ok, or the first error code).',
  labelNames: ['transport', 'type', 'operation', 'outcome'],
});
const durations = histogram({
  name: 'churn_graphql_operation_duration_seconds',
  help: 'Time to answer a GraphQL query or mutation, by transport, type and root fields.',
  labelNames: ['transport', 'type', 'operation'],
  buckets: LATENCY_BUCKETS,
});
const httpResponses = counter({
  name: 'churn_http_responses_total',
  help: 'HTTP responses by route and status code.',
  labelNames: ['route', 'status'],
});
const socketsOpen = gauge({
  name: 'churn_ws_sockets_open',
  help: 'WebSockets open now.',
});
const subscriptionsActive = gauge({
  name: 'churn_ws_subscriptions_active',
  help: 'GraphQL subscriptions running now over every WebSocket.',
});
const socketCloses = counter({
  name: 'churn_ws_socket_closes_total',
  help: 'WebSockets closed, by close code (1009 message too big, 4008 slow consumer, 4029 too many sockets, 4403 forbidden…).',
  labelNames: ['code'],
});
const modelInfo = gauge({
  name: 'churn_model_info',
  help: 'The active churn model: 1 for its version and variant.',
  labelNames: ['version', 'variant'],
});
const modelAuc = gauge({
  name: 'churn_model_validation_auc',
  help: "The active model's ROC-AUC on its validation (evaluation half) rows.",
  labelNames: ['version'],
});

const operationLabel = boundedLabel(200);
const closeCodeLabel = boundedLabel(50);
const ROUTES = ['/graphql', '/healthz', '/metrics', '/graphiql', '/playground', '/dashboard', '/'];

export interface OperationObservation {
  transport: 'http' | 'ws';
  type: string;
  rootFields: readonly string[];
  outcome: string;
  /** Null for subscriptions, which last as long as the client wants. */
  seconds: number | null;
}

export function observeOperation(o: OperationObservation): void {
  const operation = operationLabel(
    o.rootFields.length ? [...o.rootFields].sort().join(',') : 'unknown',
  );
  operations.inc({ transport: o.transport, type: o.type, operation, outcome: o.outcome });
  if (o.seconds !== null)
    durations.observe({ transport: o.transport, type: o.type, operation }, o.seconds);
}

export function observeSocketClosed(code: number): void {
  socketCloses.inc({ code: closeCodeLabel(String(code)) });
}

/** Root fields per parsed document and operation name (Apollo reuses the parsed document). */
const rootFieldsCache = new WeakMap<DocumentNode, Map<string, string[]>>();

export function rootFieldsOf(document: DocumentNode | undefined, name?: string | null): string[] {
  if (!document) return [];
  let byName = rootFieldsCache.get(document);
  if (!byName) rootFieldsCache.set(document, (byName = new Map()));
  let fields = byName.get(name ?? '');
  if (!fields) byName.set(name ?? '', (fields = readRootFields(document, name)));
  return fields;
}

function readRootFields(document: DocumentNode, name?: string | null): string[] {
  const operation = getOperationAST(document, name);
  return (operation?.selectionSet.selections ?? []).flatMap((s) =>
    s.kind === 'Field' ? [s.name.value] : [],
  );
}

/** Counts and times every HTTP GraphQL request. */
export function httpOperationMetrics(): ApolloServerPlugin<AppContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operation, document, request, response }) {
          const type = operation?.operation ?? 'unknown';
          const errors =
            response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          observeOperation({
            transport: 'http',
            type,
            rootFields: rootFieldsOf(document, request.operationName),
            outcome: String(errors?.[0]?.extensions?.code ?? 'ok'),
            seconds: Number(process.hrtime.bigint() - started) / 1e9,
          });
        },
      };
    },
  };
}

/** Counts responses per route (a fixed list; anything else is `other`). */
export function httpResponseMetrics(): RequestHandler {
  return (req, res, next) => {
    res.once('finish', () => countHttpResponse(req.path, res.statusCode));
    next();
  };
}

/** One answered HTTP request; routes outside the fixed list count as `other`. */
export function countHttpResponse(path: string, status: number): void {
  httpResponses.inc({ route: ROUTES.includes(path) ? path : 'other', status: String(status) });
}

export interface ScrapeSources {
  sockets: () => number;
  subscriptions: () => number;
  registry: ModelRegistryService;
}

/** GET /metrics: refresh what is read at scrape time, then the exposition text. */
export function metricsHandler(sources: ScrapeSources): RequestHandler {
  return async (_req, res) => {
    socketsOpen.set(sources.sockets());
    subscriptionsActive.set(sources.subscriptions());
    modelInfo.reset();
    modelAuc.reset();
    const model = await sources.registry.activeModel().catch(() => null);
    if (model) {
      const { version, variant, metrics } = model.metadata;
      modelInfo.set({ version, variant }, 1);
      modelAuc.set({ version }, metrics.model.rocAuc);
    }
    const { contentType, body } = await metricsText();
    res.set('Content-Type', contentType).set('Cache-Control', 'no-store').send(body);
  };
}
