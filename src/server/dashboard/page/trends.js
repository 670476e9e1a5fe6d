// Where the subscribers stand: a card per risk level now (churnOverview), the counts over time
// (riskLevelHistory, a uPlot chart) and the live feed of rescores (riskUpdated).

import { request } from './api.js';
import { timeChart } from './charts.js';
import { subscribe } from './connection.js';
import {
  $,
  LEVEL_COLORS,
  LEVELS,
  delta,
  el,
  errorState,
  fill,
  int,
  levelBadge,
  pct,
  time,
  userLink,
} from './format.js';

const OVERVIEW = `query Overview {
  churnOverview { scoredUsers meanProbability activeModelVersion thresholds levels { level users meanProbability } }
}`;
const HISTORY = `query History($since: DateTimeISO) {
  riskLevelHistory(since: $since) { takenAt reason level users meanProbability }
}`;
const UPDATES = `subscription Updates {
  riskUpdated { userId probability previousProbability riskLevel scoredAt }
}`;
const MAX_UPDATES = 15;

/** What each level means, from the serving model's bands when it has them. */
let meanings = {};

export function setLevelMeanings(bands) {
  meanings = {};
  for (const b of bands) {
    const rate =
      b.precision === null ? '' : `; ${pct(b.precision, 0)} of them cancelled within 30 days`;
    meanings[b.level] = `from ${pct(b.lowerBound, 0)}${rate}`;
  }
}

export async function loadLevels() {
  let overview;
  try {
    ({ churnOverview: overview } = await request(OVERVIEW));
  } catch (err) {
    fill($('levels'), errorState(err, 'the risk levels'));
    return;
  }
  fill(
    $('levels'),
    overview.levels.map((l) =>
      el(
        'div',
        { className: `level ${l.level}`, dataset: { level: l.level } },
        el('span', {}, l.level),
        el('b', {}, int(l.users)),
        el('small', {}, l.meanProbability === null ? 'nobody' : `mean ${pct(l.meanProbability)}`),
        meanings[l.level] ? el('small', {}, meanings[l.level]) : null,
      ),
    ),
  );
  $('levels-note').textContent =
    overview.scoredUsers === 0
      ? 'No subscriber has been scored yet.'
      : `${int(overview.scoredUsers)} scored subscribers, mean ${pct(overview.meanProbability)} · model ${overview.activeModelVersion || 'none active'}`;
}

export async function loadHistory() {
  const since = new Date(Date.now() - 7 * 86_400_000).toISOString();
  let points;
  try {
    ({ riskLevelHistory: points } = await request(HISTORY, { since }));
  } catch (err) {
    fill($('trend-chart'), errorState(err, 'the risk history'));
    return;
  }
  const times = [...new Set(points.map((p) => p.takenAt))];
  $('trend-empty').hidden = times.length > 0;
  if (times.length === 0) {
    fill($('trend-chart'));
    return;
  }
  const index = new Map(times.map((t, i) => [t, i]));
  const series = LEVELS.map((level) => {
    const values = times.map(() => null);
    for (const p of points) if (p.level === level) values[index.get(p.takenAt)] = p.users;
    return { label: level, values, color: LEVEL_COLORS[level] };
  });
  // The whole window, so that a single snapshot still sits at its place in the week.
  timeChart($('trend-chart'), times, series, {
    yFormat: (v) => int(v),
    xRange: [since, new Date()],
  });
}

/** The last rescores, newest first. */
export function followUpdates() {
  subscribe(
    UPDATES,
    {},
    ({ riskUpdated: u }) => {
      const rows = $('update-rows');
      rows.prepend(
        el(
          'tr',
          {},
          el('td', {}, time(u.scoredAt)),
          el('td', {}, userLink(u.userId)),
          el('td', {}, levelBadge(u.riskLevel)),
          el('td', {}, pct(u.probability)),
          el('td', {}, delta(u.probability, u.previousProbability)),
        ),
      );
      while (rows.children.length > MAX_UPDATES) rows.lastChild.remove();
      $('updates-empty').hidden = true;
    },
    (err) => fill($('updates-empty'), `Live updates stopped: ${err.message}`),
  );
}
