/**
 * /metrics in the Prometheus text format: GraphQL operations per transport and root field (count,
 * outcome, latency), open sockets and subscriptions, the active model's version and validation AUC.
 * The exposition is checked by `promtool check metrics` (Debian's prometheus package) when it is
 * installed, and always by a strict reading of the text format here.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../../src/app/start-app';
import { installFixtureModel } from '../factories/fixture-model';
import { ALERT_IDS_RAISED, USERS_COUNT } from '../support/documents';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { gql, startTestApp, wsClient, wsExecute, wsSubscribe } from '../support/test-app';

let db: TestDatabase;
let app: App;
let version: string;
const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-metrics-models-'));

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db.url, { MODEL_DIR: modelDir });
  version = await installFixtureModel(app.services);
});

afterAll(async () => {
  await app?.stop();
  await db?.drop();
  fs.rmSync(modelDir, { recursive: true, force: true });
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE = new RegExp(
  `^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (\\S+)(?: -?\\d+)?$`,
);

/** The text format, read strictly: every line well formed, every family typed and described. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const help = new RegExp(`^# HELP (${NAME}) .+$`).exec(line);
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(
      line,
    );
    if (help) helps.add(help[1]);
    else if (type) types.set(type[1], type[2]);
    else {
      const m = SAMPLE.exec(line);
      if (!m) throw new Error(`not a valid exposition line: ${line}`);
      const labels = Object.fromEntries(
        [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [
          l[1],
          l[2],
        ]),
      );
      const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
      // prom-client writes NaN as "Nan" (an event-loop lag mean before its first sample); Prometheus
      // reads floats with Go's ParseFloat, which takes NaN in any case.
      if (Number.isNaN(value) && m[3].toLowerCase() !== 'nan') {
        throw new Error(`bad value in: ${line}`);
      }
      samples.push({ name: m[1], labels, value });
    }
  }
  for (const s of samples) {
    const family = [...types.keys()].find(
      (f) =>
        s.name === f ||
        ['_bucket', '_sum', '_count', '_total', '_created'].some((x) => s.name === f + x),
    );
    if (!family) throw new Error(`sample without # TYPE: ${s.name}`);
    if (!helps.has(family)) throw new Error(`family without # HELP: ${family}`);
  }
  return { types, samples };
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );

describe('/metrics', () => {
  it('counts and times operations on both transports, and reports sockets, subscriptions and the model', async () => {
    await gql(app.url, USERS_COUNT);
    await gql(app.url, '{ users(');
    const client = wsClient(app.url);
    try {
      await wsExecute(client, '{ users(first: 2) { totalCount } }');
      const sub = wsSubscribe(client, ALERT_IDS_RAISED);
      await wsExecute(client, '{ __typename }');

      const res = await fetch(`${app.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const { types, samples } = parseExposition(text);

      expect(types.get('churn_graphql_operations_total')).toBe('counter');
      expect(types.get('churn_graphql_operation_duration_seconds')).toBe('histogram');
      const ok = { type: 'query', operation: 'users', outcome: 'ok' };
      expect(
        find(samples, 'churn_graphql_operations_total', { transport: 'http', ...ok })[0].value,
      ).toBeGreaterThanOrEqual(1);
      expect(
        find(samples, 'churn_graphql_operations_total', { transport: 'ws', ...ok })[0].value,
      ).toBeGreaterThanOrEqual(1);
      expect(
        find(samples, 'churn_graphql_operations_total', {
          transport: 'http',
          outcome: 'GRAPHQL_PARSE_FAILED',
        }),
      ).toHaveLength(1);
      const buckets = find(samples, 'churn_graphql_operation_duration_seconds_bucket', {
        transport: 'http',
        operation: 'users',
      });
      expect(buckets.at(-1)).toMatchObject({ labels: { le: '+Inf' } });
      expect(buckets.at(-1)!.value).toBeGreaterThanOrEqual(1);
      expect(find(samples, 'churn_ws_sockets_open')[0].value).toBeGreaterThanOrEqual(1);
      expect(find(samples, 'churn_ws_subscriptions_active')[0].value).toBeGreaterThanOrEqual(1);
      expect(find(samples, 'churn_model_info', { version })[0].value).toBe(1);
      const auc = find(samples, 'churn_model_validation_auc', { version })[0].value;
      expect(auc).toBeGreaterThan(0);
      expect(auc).toBeLessThanOrEqual(1);
      expect(find(samples, 'churn_process_resident_memory_bytes')).toHaveLength(1);
      sub.dispose();
    } finally {
      await client.dispose();
    }
  });

  it('backs every query of the committed Grafana dashboard with an exported metric', async () => {
    const dashboard = JSON.parse(
      fs.readFileSync(
        path.join(__dirname, '..', '..', 'docs', 'grafana', 'churn-predictor.json'),
        'utf8',
      ),
    );
    const { types } = parseExposition(await (await fetch(`${app.url}/metrics`)).text());
    const exprs: string[] = dashboard.panels.flatMap((p: { targets?: { expr: string }[] }) =>
      (p.targets ?? []).map((t) => t.expr),
    );
    const used = new Set(exprs.flatMap((e) => e.match(/churn_[a-z0-9_]+/g) ?? []));
    const missing = [...used].filter(
      (name) => !types.has(name) && !types.has(name.replace(/_(bucket|sum|count)$/, '')),
    );
    expect(used.size).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });

  it('passes promtool check metrics (when Debian’s prometheus package is installed)', async () => {
    const which = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
    if (which.status !== 0) {
      console.warn(
        'promtool is not installed (apt-get install prometheus): checked by the parser above only',
      );
      return;
    }
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: check.status, problems: check.stdout + check.stderr }).toEqual({
      status: 0,
      problems: '',
    });
  });
});
