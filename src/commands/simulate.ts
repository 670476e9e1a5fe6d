/**
 * `churn simulate --rate 50`: a live feed for demos. Advances the synthetic world in real time (the
 * subscribers, their latent taste and engagement, and the catalog are read from the database) and sends
 * its viewing events through the running service's GraphQL API, exactly as players would, so whoever
 * watches GraphiQL or /dashboard sees risk move. It listens to riskAlertRaised itself to report alerts.
 */
import type { Command } from 'commander';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { readLiveWorld } from '../../seeds';
import { LiveFeed, type LiveSubscriber, type LiveTitle } from '../../seeds/world/live-feed';
import { LiveAccountFeed, type LiveAccount } from '../../seeds/world/live-accounts';
import type { Config } from '../app/config';
import { createLogger } from '../common/logger';
import { formatCount, isInteractive } from '../common/progress';
import { onShutdown } from '../common/shutdown';
import { openDatabase } from '../db/database';
import { readDevKey } from '../server/auth/dev-key';
import { integerArg } from './cli-args';
import { showRecommendationRows } from './live-recommendations';

export class SimulateError extends Error {}

interface SimulateFlags {
  rate: number;
  accountRate?: number;
  duration: number;
  seed: number;
  drifting: number;
}

const TICK_MS = 200;
/** Recommendation rows shown per viewing event sent (live-recommendations.ts). */
const ROWS_PER_EVENT = 0.2;
const RECORD = `mutation Record($events: [ViewingEventInput!]!) {
  recordViewingEvents(events: $events) { accepted scores { userId riskLevel } }
}`;
const RECORD_ACCOUNT = `mutation RecordAccount($events: [AccountEventInput!]!) {
  recordAccountEvents(events: $events) { accepted scores { userId riskLevel } }
}`;

export function registerSimulate(program: Command, config: () => Config): void {
  program
    .command('simulate')
    .description(
      'advance the synthetic world in real time and send its viewing events through the running API',
    )
    .option('--rate <n>', 'viewing events per second', integerArg(1, 20_000), 50)
    .option(
      '--duration <s>',
      'stop after this many seconds (0: until Ctrl+C)',
      integerArg(0, 86_400),
      0,
    )
    .option(
      '--account-rate <n>',
      'account events per second (payment failures, price and plan changes, cancellations, reactivations); default rate / 25, 0 for none',
      integerArg(0, 2_000),
    )
    .option('--seed <n>', 'random seed of the feed', integerArg(0, 2 ** 31 - 1), 42)
    .option(
      '--drifting <pct>',
      'percent of subscribers drifting away at any time',
      integerArg(0, 100),
      15,
    )
    .action(async (flags: SimulateFlags) => simulate(config(), flags));
}

async function simulate(config: Config, flags: SimulateFlags): Promise<void> {
  const url =
    config.apiUrl ??
    `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  const key = config.clientApiKey ?? readDevKey(config.dataDir);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  await assertServiceUp(url);

  const { subscribers, titles, accounts } = await loadWorld(config);
  const feed = new LiveFeed(subscribers, titles, {
    seed: flags.seed,
    driftingShare: flags.drifting / 100,
    driftTurnoverPerMinute: 0.01,
  });
  const accountFeed = new LiveAccountFeed(accounts, flags.seed, (id) => feed.isDrifting(id));
  feed.watchOnly((id) => accountFeed.isActive(id));
  const accountRate = flags.accountRate ?? Math.max(1, Math.round(flags.rate / 25));
  process.stderr.write(
    `simulate: ${subscribers.length} active subscribers (${feed.driftingCount()} drifting away), ` +
      `${titles.length} titles → ${url} at ${flags.rate} viewing and ${accountRate} account events/s` +
      `${flags.duration ? ` for ${flags.duration}s` : ' (Ctrl+C stops)'}\n`,
  );

  const totals: Totals = {
    sent: 0,
    accepted: 0,
    accountSent: 0,
    accountAccepted: 0,
    rescored: 0,
    alerts: 0,
    failed: 0,
    failures: new Map(),
    highOrAbove: new Set<string>(),
  };
  const ws = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: key ? { Authorization: `Bearer ${key}` } : {},
    retryAttempts: 3,
  });
  const unsubscribe = ws.subscribe<{
    riskAlertRaised: { userId: string; riskLevel: string; reason: string };
  }>(
    { query: 'subscription { riskAlertRaised(minLevel: HIGH) { userId riskLevel reason } }' },
    {
      next: ({ data }) => {
        if (!data) return;
        totals.alerts += 1;
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );

  const rows = { rowsShown: 0, titlesTaken: 0, busy: false };
  const started = Date.now();
  let stopped = false;
  let carry = 0;
  let accountCarry = 0;
  let lastReport = started;
  let lastAdvance = started;
  const inFlight = new Set<Promise<void>>();
  const finish = new Promise<void>((resolve) => {
    const unregister = onShutdown('simulate', async () => {
      stopped = true;
      resolve();
    });
    void (async () => {
      while (!stopped && (flags.duration === 0 || Date.now() - started < flags.duration * 1000)) {
        const tickStart = Date.now();
        if (tickStart - lastAdvance >= 60_000) {
          feed.advance((tickStart - lastAdvance) / 60_000);
          lastAdvance = tickStart;
        }
        carry += (flags.rate * TICK_MS) / 1000;
        const n = Math.floor(carry);
        carry -= n;
        if (n > 0) {
          const events = Array.from({ length: n }, (_, k) => {
            const e = feed.next(tickStart);
            return {
              clientEventId: `sim-${flags.seed}-${started.toString(36)}-${totals.sent + k}`,
              userId: e.userId,
              titleId: e.titleId,
              startedAt: e.startedAt.toISOString(),
              watchedSeconds: e.watchedSeconds,
              completion: e.completion,
              device: e.device,
            };
          });
          totals.sent += n;
          const p = send(url, headers, RECORD, events, totals).finally(() => inFlight.delete(p));
          inFlight.add(p);
          if (!rows.busy) {
            rows.busy = true;
            const count = Math.max(1, Math.round(n * ROWS_PER_EVENT));
            const r = showRecommendationRows(url, headers, feed, count, rows)
              .then((taken) => {
                const events = taken.map((e, k) => ({
                  clientEventId: `sim-${flags.seed}-${started.toString(36)}-r${rows.titlesTaken}-${k}`,
                  userId: e.userId,
                  titleId: e.titleId,
                  startedAt: e.startedAt.toISOString(),
                  watchedSeconds: e.watchedSeconds,
                  completion: e.completion,
                  device: e.device,
                }));
                if (events.length > 0) return send(url, headers, RECORD, events, totals);
              })
              .finally(() => {
                rows.busy = false;
                inFlight.delete(r);
              });
            inFlight.add(r);
          }
        }
        accountCarry += (accountRate * TICK_MS) / 1000;
        const m = Math.floor(accountCarry);
        accountCarry -= m;
        const accountEvents = Array.from({ length: m }, () => accountFeed.next(tickStart))
          .filter((e) => e !== null)
          .map((e, k) => ({
            clientEventId: `sim-acct-${flags.seed}-${started.toString(36)}-${totals.accountSent + k}`,
            userId: e.userId,
            kind: e.kind,
            at: e.at.toISOString(),
            ...(e.plan ? { plan: e.plan } : {}),
            ...(e.monthlyFee !== undefined ? { monthlyFee: e.monthlyFee } : {}),
          }));
        if (accountEvents.length > 0) {
          totals.accountSent += accountEvents.length;
          const p = send(url, headers, RECORD_ACCOUNT, accountEvents, totals).finally(() =>
            inFlight.delete(p),
          );
          inFlight.add(p);
        }
        if (tickStart - lastReport >= 1000) {
          lastReport = tickStart;
          report(totals, started, flags.rate);
        }
        await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - (Date.now() - tickStart))));
      }
      unregister();
      resolve();
    })();
  });
  await finish;
  await Promise.allSettled([...inFlight]);
  unsubscribe();
  await ws.dispose();
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(
    `\nsimulate: done in ${seconds.toFixed(1)}s — sent ${totals.sent} viewing events (${(totals.sent / seconds).toFixed(1)}/s) ` +
      `and ${totals.accountSent} account events, accepted ${totals.accepted} + ${totals.accountAccepted}, ` +
      `rescored ${totals.rescored} subscribers, ${totals.highOrAbove.size} at HIGH or CRITICAL, ` +
      `${totals.alerts} alerts raised (${((60 * totals.alerts) / seconds).toFixed(1)}/min), ` +
      `${rows.rowsShown} recommendation rows shown (${rows.titlesTaken} titles taken)` +
      `${totals.failed ? `, ${totals.failed} requests failed (${[...totals.failures].map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}\n`,
  );
}

interface Totals {
  sent: number;
  accepted: number;
  accountSent: number;
  accountAccepted: number;
  rescored: number;
  alerts: number;
  failed: number;
  /** Failed requests by error code. */
  failures: Map<string, number>;
  highOrAbove: Set<string>;
}

async function send(
  url: string,
  headers: Record<string, string>,
  mutation: string,
  events: unknown[],
  totals: Totals,
): Promise<void> {
  const fail = (code: string) => {
    totals.failed += 1;
    totals.failures.set(code, (totals.failures.get(code) ?? 0) + 1);
  };
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: mutation, variables: { events } }),
    });
    type Recorded = { accepted: number; scores: { userId: string; riskLevel: string }[] };
    const body = (await res.json()) as {
      data?: { recordViewingEvents?: Recorded; recordAccountEvents?: Recorded };
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    if (body.errors) {
      const code = body.errors[0].extensions?.code ?? 'ERROR';
      if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') {
        process.stderr.write(
          `\nsimulate: ${body.errors[0].message}. Send a key with the ingest or admin role: CHURN_API_KEY=<key>\n`,
        );
        process.exit(2);
      }
      return fail(code);
    }
    const viewing = body.data!.recordViewingEvents;
    const r = (viewing ?? body.data!.recordAccountEvents)!;
    if (viewing) totals.accepted += r.accepted;
    else totals.accountAccepted += r.accepted;
    totals.rescored += r.scores.length;
    for (const s of r.scores) {
      if (s.riskLevel === 'HIGH' || s.riskLevel === 'CRITICAL') totals.highOrAbove.add(s.userId);
      else totals.highOrAbove.delete(s.userId);
    }
  } catch {
    fail('NETWORK');
  }
}

function report(totals: Totals, started: number, rate: number): void {
  const seconds = (Date.now() - started) / 1000;
  const line =
    `simulate: ${seconds.toFixed(0)}s sent ${formatCount(totals.sent)} (${(totals.sent / seconds).toFixed(1)}/s of ${rate}) ` +
    `+ ${formatCount(totals.accountSent)} account, rescored ${formatCount(totals.rescored)} ` +
    `HIGH+ ${totals.highOrAbove.size} alerts ${totals.alerts}${totals.failed ? ` failed ${totals.failed}` : ''}`;
  if (isInteractive()) process.stderr.write(`\r${line}\x1b[K`);
  else process.stderr.write(`${line}\n`);
}

async function assertServiceUp(url: string): Promise<void> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) });
    if (res.ok) return;
  } catch {
    // fall through
  }
  throw new SimulateError(
    `no churn-predictor answers at ${url}: start it with \`npm start\` (or point API_URL at it)`,
  );
}

/** Subscribers with their accounts and latent state (when the world is synthetic), and the catalog. */
async function loadWorld(
  config: Config,
): Promise<{ subscribers: LiveSubscriber[]; titles: LiveTitle[]; accounts: LiveAccount[] }> {
  const database = await openDatabase(
    config,
    createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel),
  );
  try {
    const ds = database.dataSource;
    const world = await readLiveWorld(ds);
    const rows = world.subscribers;
    const subscribers: LiveSubscriber[] = rows.map((r) => ({
      id: r.id,
      signupAt: new Date(r.signup_at).getTime(),
      engagement: r.engagement ?? 1,
      taste: r.taste ?? [],
    }));
    const accounts: LiveAccount[] = rows.map((r) => ({
      id: r.id,
      plan: r.plan as LiveAccount['plan'],
      monthlyFee: Number(r.fee),
      active: r.status === 'ACTIVE',
      engagement: r.engagement ?? 1,
      priceSensitivity: r.price_sensitivity ?? 0.4,
      lastEventAt: new Date(r.last_event_at ?? r.signup_at).getTime(),
    }));
    const titles: LiveTitle[] = world.titles;
    if (!accounts.some((a) => a.active) || titles.length === 0) {
      throw new SimulateError(
        'the database has no active subscribers or no titles: run `churn seed` first',
      );
    }
    return { subscribers, titles, accounts };
  } finally {
    await database.close();
  }
}
