/**
 * GraphiQL at /graphiql, one page rendered once from node_modules: the graphiql 3 UMD build, React 18
 * and the graphql-ws browser client are inlined, so the IDE works with no network. It opens with three
 * tabs (a query, a mutation and a live subscription); subscriptions go over graphql-ws, and the
 * Headers tab is sent with every HTTP request and inside every subscribe message
 * (`extensions.headers`), which the server honours as it does `connectionParams`.
 */
import fs from 'node:fs';
import path from 'node:path';

const QUERY_TAB = `# Subscribers at risk, highest first. Ctrl+Enter runs it.
# The other tabs hold a mutation and a live subscription;
# the Docs pane (book icon, left) describes every field.
query AtRisk {
  atRiskUsers(minLevel: HIGH, first: 5) {
    totalCount
    edges {
      node {
        user { id plan country }
        score { probability riskLevel scoredAt }
      }
    }
  }
  churnOverview { scoredUsers meanProbability levels { level users } }
}
`;

const MUTATION_TAB = `# Record a viewing event: the subscriber is rescored at once.
# Needs the ingest or admin role: in the Headers pane below put
# {"Authorization": "Bearer <key>"}
mutation Record($events: [ViewingEventInput!]!) {
  recordViewingEvents(events: $events) {
    accepted
    duplicates
    scores { userId probability riskLevel }
  }
}
`;

const SUBSCRIPTION_TAB = `# Risk alerts as they are raised, pushed over WebSocket.
# Run it, then the Record tab (or \`churn simulate\`).
# After a reconnect, catch up with riskAlerts(after: cursor).
subscription Alerts {
  riskAlertRaised(minLevel: MEDIUM) {
    cursor
    userId
    reason
    riskLevel
    probability
    previousProbability
    raisedAt
  }
}
`;

let cached: string | undefined;

export function graphiqlHtml(): string {
  cached ??= render();
  return cached;
}

function asset(pkg: string, file: string): string {
  const dir = path.dirname(require.resolve(`${pkg}/package.json`));
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  // No source maps to fetch (the page must not ask the server, or anyone, for more), and no early
  // end of the inline <script> element.
  return text.replace(/\/\/# sourceMappingURL=\S+/g, '').replace(/<\/(script)/gi, '<\\/$1');
}

/** The documents GraphiQL opens with: a query, a mutation and a live subscription. */
export const GRAPHIQL_TABS = [QUERY_TAB, MUTATION_TAB, SUBSCRIPTION_TAB] as const;

function render(): string {
  const tabs = GRAPHIQL_TABS.map((query) => ({ query }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>churn-predictor · GraphiQL</title>
<style>${asset('graphiql', 'graphiql.min.css')}</style>
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script>${asset('react', 'umd/react.production.min.js')}</script>
<script>${asset('react-dom', 'umd/react-dom.production.min.js')}</script>
<script>${asset('graphiql', 'graphiql.min.js')}</script>
<script>${asset('graphql-ws', 'umd/graphql-ws.min.js')}</script>
<script>
(function () {
  var endpoint = '/graphql';
  // The Headers pane's key also goes into connection_init: a socket without a role is refused.
  var socketHeaders = {};
  var ws = graphqlWs.createClient({
    url: location.origin.replace(/^http/, 'ws') + endpoint,
    lazy: true,
    retryAttempts: 3,
    connectionParams: function () { return socketHeaders; },
  });

  function operationType(params, opts) {
    var doc = opts && opts.documentAST;
    var ops = doc ? doc.definitions.filter(function (d) { return d.kind === 'OperationDefinition'; }) : [];
    var op = ops.find(function (d) { return d.name && d.name.value === params.operationName; }) || ops[0];
    return op ? op.operation : 'query';
  }

  // Subscriptions over graphql-ws with the Headers pane in extensions.headers; the rest over HTTP POST.
  function fetcher(params, opts) {
    var headers = (opts && opts.headers) || {};
    if (operationType(params, opts) === 'subscription') {
      socketHeaders = headers;
      return {
        subscribe: function (sink) {
          var dispose = ws.subscribe(
            Object.assign({}, params, { extensions: { headers: headers } }),
            {
              next: function (v) { sink.next(v); },
              error: function (e) {
                sink.error(e && typeof e.code === 'number' ? new Error('WebSocket closed: ' + e.code + ' ' + (e.reason || '')) : e);
              },
              complete: function () { sink.complete(); },
            },
          );
          return { unsubscribe: dispose };
        },
      };
    }
    return fetch(endpoint, {
      method: 'POST',
      headers: Object.assign(
        { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        headers,
      ),
      body: JSON.stringify(params),
    }).then(function (res) { return res.json(); });
  }

  var anHourAgo = new Date(Date.now() - 3600 * 1000).toISOString();
  var events = JSON.stringify({ events: [{
    clientEventId: 'graphiql-' + Date.now(),
    userId: '1', titleId: '1', startedAt: anHourAgo,
    watchedSeconds: 1500, completion: 0.4, device: 'WEB',
  }] }, null, 2);
  var tabs = ${JSON.stringify(tabs)};
  tabs[1].variables = events;

  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: tabs,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
    }),
  );
})();
</script>
</body>
</html>
`;
}
