// The alert backlog: every OPEN and ACKNOWLEDGED alert, loaded with riskAlerts, kept live with
// riskAlertChanged (opened, escalated, acknowledged, resolved), and reloaded after a reconnect so
// changes made while the socket was down are not lost. Acknowledge and resolve are buttons.

import { request } from './api.js';
import { onReconnected, subscribe } from './connection.js';
import { $, delta, el, fill, levelBadge, pct, time, userLink } from './format.js';

const FIELDS = `id userId reason status riskLevel currentLevel probability currentProbability
  previousProbability raisedAt levelReachedAt acknowledgedBy acknowledgedAt note`;

const BACKLOG = `query Backlog($after: String) {
  riskAlerts(status: [OPEN, ACKNOWLEDGED], first: 100, after: $after) {
    totalCount
    edges { node { ${FIELDS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const CHANGES = `subscription AlertChanges { riskAlertChanged { change alert { ${FIELDS} } } }`;
const ACKNOWLEDGE = `mutation Acknowledge($id: ID!) { acknowledgeAlert(id: $id) { ${FIELDS} } }`;
const RESOLVE = `mutation Resolve($id: ID!) { resolveAlert(id: $id) { ${FIELDS} } }`;

const REASONS = {
  LEVEL_CROSSED: 'risk level rose to the alert level',
  PROBABILITY_JUMP: 'probability jumped in one rescore',
  HIGH_RISK: 'at high risk when no alert was open',
};

/** Open and acknowledged alerts by id. */
const alerts = new Map();
let changed = () => undefined;
let followingReconnects = false;

/** Called whenever the backlog changes (the level cards refresh). */
export function onBacklogChange(listener) {
  changed = listener;
}

function showError(text) {
  const p = $('alerts-error');
  p.hidden = !text;
  p.textContent = text || '';
}

async function act(alert, mutation, verb) {
  showError('');
  try {
    const data = await request(mutation, { id: alert.id });
    upsert(Object.values(data)[0]);
  } catch (err) {
    showError(
      err.code === 'FORBIDDEN'
        ? `This key may not ${verb} alerts (the analyst role may).`
        : `Could not ${verb} the alert of subscriber ${alert.userId}: ${err.message}`,
    );
  }
}

function row(a) {
  const actions = el('td', { className: 'actions' });
  if (a.status === 'OPEN') {
    actions.append(
      el(
        'button',
        { type: 'button', onclick: () => act(a, ACKNOWLEDGE, 'acknowledge') },
        'Acknowledge',
      ),
      ' ',
    );
  }
  actions.append(
    el('button', { type: 'button', onclick: () => act(a, RESOLVE, 'resolve') }, 'Resolve'),
  );
  return el(
    'tr',
    { dataset: { alertId: a.id, userId: a.userId, status: a.status } },
    el(
      'td',
      { title: new Date(a.raisedAt).toLocaleString() },
      time(a.levelReachedAt || a.raisedAt),
    ),
    el('td', {}, userLink(a.userId)),
    el('td', {}, levelBadge(a.riskLevel), ' ', pct(a.probability)),
    el(
      'td',
      {},
      levelBadge(a.currentLevel),
      ' ',
      pct(a.currentProbability),
      ' ',
      delta(a.currentProbability, a.probability),
    ),
    el('td', {}, REASONS[a.reason] || a.reason),
    el(
      'td',
      { className: 'status', title: a.note || '' },
      a.status === 'ACKNOWLEDGED' ? `acknowledged by ${a.acknowledgedBy || 'someone'}` : 'open',
    ),
    actions,
  );
}

function render() {
  // Newest first: the latest opening or escalation at the top.
  const list = [...alerts.values()].sort(
    (a, b) =>
      Date.parse(b.levelReachedAt || b.raisedAt) - Date.parse(a.levelReachedAt || a.raisedAt),
  );
  fill($('alert-rows'), list.map(row));
  $('alerts-empty').hidden = list.length > 0;
  const open = list.filter((a) => a.status === 'OPEN').length;
  $('alert-counts').textContent = `${open} open · ${list.length - open} acknowledged`;
  changed();
}

function upsert(alert) {
  if (alert.status === 'RESOLVED') alerts.delete(alert.id);
  else alerts.set(alert.id, alert);
  render();
}

/** Load the whole backlog (every page) and replace what the table shows. */
export async function loadBacklog() {
  const fresh = new Map();
  let after = null;
  try {
    for (;;) {
      const { riskAlerts } = await request(BACKLOG, { after });
      for (const { node } of riskAlerts.edges) fresh.set(node.id, node);
      if (!riskAlerts.pageInfo.hasNextPage) break;
      after = riskAlerts.pageInfo.endCursor;
    }
  } catch (err) {
    showError(
      err.code === 'FORBIDDEN'
        ? `This key may not read alerts: ${err.message}`
        : `Could not load the alerts: ${err.message}`,
    );
    return;
  }
  showError('');
  alerts.clear();
  for (const [id, a] of fresh) alerts.set(id, a);
  render();
}

/** Follow every lifecycle change live; reload the backlog after a reconnect. */
export function followAlerts() {
  subscribe(
    CHANGES,
    {},
    (data) => upsert(data.riskAlertChanged.alert),
    (err) => showError(`Live alerts stopped: ${err.message}`),
  );
  if (!followingReconnects) onReconnected(loadBacklog);
  followingReconnects = true;
}
