// The console's start: the key form, the route (#user/<id> shows a subscriber, anything else the
// overview), the live connection and the panels. Panels reload when the backlog changes (debounced)
// and every minute; none asks anything once the key was refused.

import { loadBacklog, followAlerts, onBacklogChange } from './alerts.js';
import { storeKey, storedKey } from './api.js';
import { connect, onStateChange, refused } from './connection.js';
import { $ } from './format.js';
import { loadRecommendations, loadRetention, loadSegments } from './insights.js';
import { loadModel } from './quality.js';
import { showSubscriber } from './subscriber.js';
import { followUpdates, loadHistory, loadLevels } from './trends.js';

const REFRESH_MS = 60_000;
let refreshTimer = null;
let levelsTimer = null;

/** The subscriber id in #user/<id>, or null for the overview. */
function subscriberInHash() {
  const match = /^#user\/(.+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

function showView() {
  const id = subscriberInHash();
  $('overview').hidden = id !== null;
  $('subscriber').hidden = id === null;
}

function route() {
  if (refused()) return;
  showView();
  const id = subscriberInHash();
  if (id !== null) showSubscriber(id);
}

async function loadOverview() {
  if (refused()) return;
  // The model first: the level cards read what each level means from its bands.
  await loadModel();
  await Promise.all([
    loadLevels(),
    loadHistory(),
    loadSegments(),
    loadRecommendations(),
    loadRetention(),
  ]);
}

function start() {
  clearInterval(refreshTimer);
  connect();
  followAlerts();
  followUpdates();
  loadBacklog();
  loadOverview();
  route();
  refreshTimer = setInterval(() => {
    if (!refused()) Promise.all([loadLevels(), loadHistory()]);
  }, REFRESH_MS);
}

onBacklogChange(() => {
  clearTimeout(levelsTimer);
  levelsTimer = setTimeout(() => refused() || loadLevels(), 500);
});
const REFUSED = {
  'invalid-key': 'The server does not know this API key. Enter a valid key and press Connect.',
  'key-required': 'This server answers only requests with an API key. Enter one and press Connect.',
};
onStateChange((state) => {
  const banner = $('refused');
  if (REFUSED[state]) {
    // Nothing more is asked with this key: one message instead of an error in every panel.
    clearInterval(refreshTimer);
    banner.textContent = REFUSED[state];
    banner.hidden = false;
    $('overview').hidden = true;
    $('subscriber').hidden = true;
  } else if (!banner.hidden) {
    banner.hidden = true;
    showView();
  }
});

$('key').value = storedKey();
$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  storeKey($('key').value.trim());
  start();
});
$('forget-key').addEventListener('click', () => {
  $('key').value = '';
  storeKey('');
  start();
});
window.addEventListener('hashchange', route);
start();
