/**
 * `npm run bench:ws-limits`: the WebSocket limits under a hostile client, against the built service
 * with its default limits, as its own process.
 *
 *  - flood: one key opens --sockets sockets (default 1,000) and asks for 20 subscriptions on each:
 *    how many sockets are acknowledged, how many refused (4029), how many subscriptions run, and the
 *    server's resident memory before and after;
 *  - oversized message: a --megabytes message (default 99 MB) on an acknowledged socket: the close code,
 *    how long until it came, and /healthz latency while it was sent.
 *
 * Prints the figures and writes bench/results/ws-limits.json. `--quick`: 200 sockets, a 10 MB message.
 */
import 'reflect-metadata';
import WebSocket from 'ws';
import {
  createBenchDatabase,
  numberFlag,
  startServerProcess,
  table,
  writeResults,
} from './support';

const QUICK = process.argv.includes('--quick');
const SOCKETS = numberFlag('bench:ws-limits', 'sockets', QUICK ? 200 : 1000);
const MEGABYTES = numberFlag('bench:ws-limits', 'megabytes', QUICK ? 10 : 99);
const SUBSCRIPTIONS = 20;
const KEY = 'bench-reader-key-0000000000';

type Opened = { ws: WebSocket; acked: boolean; code?: number };

function open(url: string): Promise<Opened> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    ws.on('error', () => undefined);
    ws.on('open', () =>
      ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: KEY } })),
    );
    ws.once('message', (data) =>
      resolve({ ws, acked: JSON.parse(String(data)).type === 'connection_ack' }),
    );
    ws.on('close', (code) => resolve({ ws, acked: false, code }));
    ws.on('unexpected-response', (_req, res) =>
      resolve({ ws, acked: false, code: res.statusCode }),
    );
  });
}

async function residentMb(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^churn_process_resident_memory_bytes (\S+)$/m.exec(text);
  return m ? Math.round(Number(m[1]) / 1024 / 1024) : NaN;
}

async function healthLatency(url: string): Promise<number> {
  const started = performance.now();
  await fetch(`${url}/healthz`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const server = await startServerProcess(db.url, {
    API_KEYS: `reader:${KEY}`,
    AUTO_TRAIN: 'false',
  });
  try {
    await new Promise((r) => setTimeout(r, 500));
    const before = await residentMb(server.url);
    const opened: Opened[] = [];
    for (let i = 0; i < SOCKETS; i += 100) {
      opened.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(100, SOCKETS - i) }, () => open(server.url)),
        )),
      );
    }
    const acked = opened.filter((o) => o.acked);
    let running = 0;
    let refused = 0;
    await Promise.all(
      acked.map(
        (o) =>
          new Promise<void>((resolve) => {
            let answered = 0;
            o.ws.on('message', (data) => {
              const msg = JSON.parse(String(data));
              if (msg.type === 'error') refused += 1;
              if (msg.id === 'probe' && msg.type === 'complete') {
                running += SUBSCRIPTIONS - answered;
                resolve();
              }
              if (msg.type === 'error') answered += 1;
            });
            for (let s = 0; s < SUBSCRIPTIONS; s++) {
              o.ws.send(
                JSON.stringify({
                  type: 'subscribe',
                  id: `s${s}`,
                  payload: { query: 'subscription { riskAlertRaised { id } }' },
                }),
              );
            }
            o.ws.send(
              JSON.stringify({
                type: 'subscribe',
                id: 'probe',
                payload: { query: '{ __typename }' },
              }),
            );
          }),
      ),
    );
    const after = await residentMb(server.url);
    const flood = {
      socketsTried: SOCKETS,
      acknowledged: acked.length,
      refused4029: opened.filter((o) => o.code === 4029).length,
      subscriptionsRunning: running,
      subscriptionsRefused: refused,
      residentMbBefore: before,
      residentMbAfter: after,
    };
    for (const o of opened) o.ws.terminate();

    const big = await open(server.url);
    const payload = `{"type":"subscribe","id":"big","payload":{"query":"{ __typename ${' '.repeat(MEGABYTES * 1024 * 1024)} }"}}`;
    const started = performance.now();
    const closed = new Promise<number>((resolve) => big.ws.on('close', (code) => resolve(code)));
    big.ws.send(payload);
    const health: number[] = [];
    let code = 0;
    void closed.then((c) => (code = c));
    while (code === 0 && performance.now() - started < 60_000)
      health.push(await healthLatency(server.url));
    const oversized = {
      megabytes: MEGABYTES,
      closeCode: await closed,
      closedAfterMs: Math.round(performance.now() - started),
      healthzMaxMs: Math.round(Math.max(...health, 0)),
    };

    process.stdout.write(
      `\nbench:ws-limits (default limits: 100 sockets per key, 20 subscriptions per socket, 2 MiB messages)\n` +
        table([{ ...flood }]) +
        '\n' +
        table([{ ...oversized }]) +
        '\n',
    );
    const file = writeResults('ws-limits', { quick: QUICK, flood, oversized });
    process.stdout.write(`wrote ${file}\n`);
  } finally {
    await server.stop();
    await db.drop();
  }
}

void main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
