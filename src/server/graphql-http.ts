/**
 * /graphql over HTTP, the API's hot path, on node:http without Express. Express 5's router and
 * `res.send` (an ETag hash and a freshness check per response) cost about as much as Apollo's whole
 * request pipeline on a short query: a JSON handler on plain node:http answered 3–6× the requests of
 * the same handler inside an Express app (2 cores). The connect-style middlewares the request needs
 * stay what they were (cors, body-parser's JSON reader via `express.json`); the routing and the
 * response writing are ours, compression included (response-compression.ts: Apollo hands over the
 * whole body at once, so it is compressed in one call off the event loop instead of through a
 * wrapped response stream). Every other path (the IDE, the dashboard, /healthz, /metrics, 404s) is
 * still Express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import accepts from 'accepts';
import cors from 'cors';
import express from 'express';
import type { AppContext } from '../api/context';
import type { Logger } from '../common/logger';
import { TransportErrorCode } from './error-codes';
import { answerRequestError, sendJsonError } from './http-errors';
import { appendVary, sendCompressible } from './response-compression';
import { countHttpResponse } from './server-metrics';

type Next = (err?: unknown) => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

export interface GraphqlHttpOptions {
  apollo: ApolloServer<AppContext>;
  /** The request's context (authentication included); throws a GraphQL error to refuse it. */
  context: (req: IncomingMessage) => Promise<AppContext>;
  corsOrigins: readonly string[];
  maxRequestBytes: number;
  logger: Logger;
}

export const GRAPHQL_PATH = '/graphql';

/**
 * Whether the request is for the GraphQL endpoint itself. A browser opening /graphql (a GET that
 * prefers HTML) is not: Express sends it to the IDE when the IDE is served.
 */
export function isGraphqlRequest(req: IncomingMessage, ideServed: boolean): boolean {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if ((q === -1 ? url : url.slice(0, q)) !== GRAPHQL_PATH) return false;
  return !(ideServed && req.method === 'GET' && accepts(req).type(['json', 'html']) === 'html');
}

export function graphqlHttpHandler(
  options: GraphqlHttpOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const corsStep = cors({
    // Same-origin requests carry no Origin or their own; other pages only from the allow-list.
    origin: (origin, done) =>
      done(null, origin === undefined || options.corsOrigins.includes(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight'],
    maxAge: 600,
  }) as Middleware;
  const steps: Middleware[] = [
    // Without an Origin header (servers, scripts, same-origin pages) cors would only add the Vary.
    (req, res, next) => {
      if (req.headers.origin !== undefined || req.method === 'OPTIONS')
        return corsStep(req, res, next);
      appendVary(res, 'Origin');
      next();
    },
    // cors answers the preflights of allowed origins; the rest are refused here, not by CSRF checks.
    (req, res, next) =>
      req.method === 'OPTIONS'
        ? sendJsonError(
            res,
            403,
            TransportErrorCode.ORIGIN_NOT_ALLOWED,
            'This origin may not call the API from a browser (see CORS_ORIGINS)',
          )
        : next(),
    express.json({ limit: options.maxRequestBytes }) as Middleware,
  ];
  return (req, res) => {
    res.once('finish', () => countHttpResponse(GRAPHQL_PATH, res.statusCode));
    runSteps(req, res, steps, (err) => {
      if (err !== undefined) {
        answerRequestError(err, GRAPHQL_PATH, res, options.logger, options.maxRequestBytes);
        return;
      }
      execute(options, req, res).catch((e: unknown) =>
        answerRequestError(e, GRAPHQL_PATH, res, options.logger, options.maxRequestBytes),
      );
    });
  };
}

/** Runs connect-style middlewares in order; `done` gets the first error, or nothing. */
function runSteps(
  req: IncomingMessage,
  res: ServerResponse,
  steps: readonly Middleware[],
  done: (err?: unknown) => void,
): void {
  let i = 0;
  const next: Next = (err) => {
    if (err !== undefined && err !== null) return done(err);
    const step = steps[i++];
    if (!step) return done();
    try {
      step(req, res, next);
    } catch (e) {
      done(e);
    }
  };
  next();
}

/** Apollo's own request handling, as its Express integration does it, minus Express. */
async function execute(
  options: GraphqlHttpOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const request: HTTPGraphQLRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    headers,
    search: q === -1 ? '' : url.slice(q),
    body: (req as IncomingMessage & { body?: unknown }).body,
  };
  const response = await options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: request,
    context: () => options.context(req),
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    await sendCompressible(req, res, response.body.string);
    return;
  }
  // Incremental delivery: each part as it comes, uncompressed (a part is small and must not wait).
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
