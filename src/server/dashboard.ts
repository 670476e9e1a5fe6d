/**
 * The operators' live dashboard at /dashboard: one self-contained page (the graphql-ws browser client
 * is inlined from node_modules, so it works offline) that shows the subscribers by risk level, and
 * streams `riskUpdated` and `riskAlertRaised` as they happen. An API key typed into the page is sent as
 * the Authorization header and as connectionParams; without one the default role applies.
 */
import fs from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

export function dashboardHtml(): string {
  cached ??= render(
    fs.readFileSync(
      path.join(
        path.dirname(require.resolve('graphql-ws/package.json')),
        'umd',
        'graphql-ws.min.js',
      ),
      'utf8',
    ),
  );
  return cached;
}

function render(graphqlWs: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>churn-predictor · live</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f5f6f8; }
  body { margin: 0; padding: 1.2rem 1.6rem; }
  header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
  h1 { font-size: 1.3rem; margin: 0; }
  #status { font-size: .9rem; padding: .15rem .5rem; border-radius: .3rem; background: #ddd; }
  #status.live { background: #c9f0d3; } #status.down { background: #f6c9c9; }
  .levels { display: grid; grid-template-columns: repeat(4, 1fr); gap: .8rem; margin: 1rem 0; }
  .level { background: #fff; border-radius: .5rem; padding: .8rem; box-shadow: 0 1px 2px #0001; }
  .level b { display: block; font-size: 1.6rem; }
  .LOW { border-top: 4px solid #58a55c; } .MEDIUM { border-top: 4px solid #e0b341; }
  .HIGH { border-top: 4px solid #e07b39; } .CRITICAL { border-top: 4px solid #c93c3c; }
  .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
  section { background: #fff; border-radius: .5rem; padding: .8rem; box-shadow: 0 1px 2px #0001; }
  h2 { font-size: 1rem; margin: 0 0 .5rem; }
  table { width: 100%; border-collapse: collapse; font-size: .85rem; font-variant-numeric: tabular-nums; }
  td, th { text-align: left; padding: .2rem .4rem; border-bottom: 1px solid #eee; }
  .up { color: #c93c3c; } .down { color: #2e7d32; }
  input { font: inherit; padding: .2rem .4rem; width: 16rem; }
  .counters { font-size: .9rem; color: #555; }
</style>
</head>
<body>
<header>
  <h1>churn-predictor · live risk</h1>
  <span id="status">connecting…</span>
  <span class="counters">updates <b id="updates">0</b> · alerts <b id="alerts">0</b></span>
  <label>API key <input id="key" type="password" placeholder="optional (default role)"></label>
</header>
<div class="levels" id="levels"></div>
<div class="cols">
  <section><h2>Alerts</h2><table><thead><tr><th>time</th><th>user</th><th>level</th><th>probability</th><th>reason</th></tr></thead><tbody id="alert-rows"></tbody></table></section>
  <section><h2>Risk updates</h2><table><thead><tr><th>time</th><th>user</th><th>level</th><th>probability</th><th>change</th></tr></thead><tbody id="update-rows"></tbody></table></section>
</div>
<script>${graphqlWs}</script>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const keyInput = $('key');
  keyInput.value = localStorage.getItem('churn-api-key') || '';
  const auth = () => (keyInput.value ? { Authorization: 'Bearer ' + keyInput.value } : {});
  const counts = { updates: 0, alerts: 0 };
  const pct = (p) => (p * 100).toFixed(1) + '%';
  const time = (iso) => new Date(iso).toLocaleTimeString();
  function row(tbody, cells, max) {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      if (c && typeof c === 'object') { td.textContent = c.text; td.className = c.cls || ''; } else td.textContent = c;
      tr.appendChild(td);
    }
    tbody.insertBefore(tr, tbody.firstChild);
    while (tbody.children.length > max) tbody.removeChild(tbody.lastChild);
  }
  async function refreshLevels() {
    try {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth() },
        body: JSON.stringify({ query: '{ churnOverview { scoredUsers levels { level users meanProbability } } }' }),
      });
      const body = await res.json();
      if (body.errors) throw new Error(body.errors[0].message);
      $('levels').innerHTML = '';
      for (const l of body.data.churnOverview.levels) {
        const div = document.createElement('div');
        div.className = 'level ' + l.level;
        div.innerHTML = '<span></span><b></b><small></small>';
        div.children[0].textContent = l.level;
        div.children[1].textContent = l.users;
        div.children[2].textContent = l.meanProbability == null ? '' : 'mean ' + pct(l.meanProbability);
        $('levels').appendChild(div);
      }
    } catch (err) { $('status').textContent = 'error: ' + err.message; $('status').className = 'down'; }
  }
  let client;
  function connect() {
    if (client) client.dispose();
    client = graphqlWs.createClient({
      url: location.origin.replace(/^http/, 'ws') + '/graphql',
      connectionParams: auth,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      on: {
        connected: () => { $('status').textContent = 'live'; $('status').className = 'live'; },
        closed: () => { $('status').textContent = 'reconnecting…'; $('status').className = 'down'; },
      },
    });
    client.subscribe(
      { query: 'subscription { riskUpdated { userId probability previousProbability riskLevel scoredAt } }' },
      { next: ({ data }) => {
          if (!data) return;
          const u = data.riskUpdated;
          $('updates').textContent = ++counts.updates;
          const d = u.previousProbability == null ? 0 : u.probability - u.previousProbability;
          row($('update-rows'), [time(u.scoredAt), u.userId, { text: u.riskLevel, cls: u.riskLevel }, pct(u.probability),
            { text: (d >= 0 ? '+' : '') + (d * 100).toFixed(1) + ' pt', cls: d > 0 ? 'up' : 'down' }], 15);
        }, error: (e) => console.error(e), complete: () => {} },
    );
    client.subscribe(
      { query: 'subscription { riskAlertRaised(minLevel: MEDIUM) { userId probability riskLevel reason raisedAt } }' },
      { next: ({ data }) => {
          if (!data) return;
          const a = data.riskAlertRaised;
          $('alerts').textContent = ++counts.alerts;
          row($('alert-rows'), [time(a.raisedAt), a.userId, { text: a.riskLevel, cls: a.riskLevel }, pct(a.probability), a.reason], 15);
          refreshLevels();
        }, error: (e) => console.error(e), complete: () => {} },
    );
  }
  keyInput.addEventListener('change', () => { localStorage.setItem('churn-api-key', keyInput.value); connect(); refreshLevels(); });
  connect();
  refreshLevels();
  setInterval(refreshLevels, 10000);
})();
</script>
</body>
</html>`;
}
