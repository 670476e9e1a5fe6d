// One subscriber (#user/<id>): their account and risk now, the score history as a chart, why the
// model rates them so (the explanation's contributions as bars, each in a plain sentence), their
// alerts, the titles recommended to them, and their survival curve when a survival model exists.
// Each part is its own request, so a part that fails or is absent leaves the others standing.

import { request } from './api.js';
import { timeChart, xyChart } from './charts.js';
import {
  $,
  LEVEL_COLORS,
  dateTime,
  el,
  emptyState,
  errorState,
  figures,
  fill,
  levelBadge,
  num,
  pct,
  userLink,
} from './format.js';

const USER = `query Subscriber($id: ID!) {
  user(id: $id) { id externalId plan country status signupAt cancelledAt monthlyFee
    churnScore { probability riskLevel scoredAt modelVersion }
    scoreHistory(first: 100) { probability riskLevel scoredAt }
    segment { id label } }
  churnOverview { thresholds }
  riskAlerts(userId: $id, first: 20) { edges { node { id status riskLevel reason raisedAt resolution } } }
}`;
const EXPLANATION = `query Why($id: ID!) { user(id: $id) { explanation(top: 8) {
  summary probability baseProbability averageProbability otherContributions
  contributions { label reason contribution direction } } } }`;
const RECOMMENDATIONS = `query Recs($id: ID!) { user(id: $id) { recommendations(first: 8) {
  rank score title { name type genres } reasons { text } } } }`;
const SURVIVAL = `query Survival($id: ID!) { user(id: $id) { survival {
  asOf medianDays expectedRemainingDays modelVersion curve(days: 180) { day survival } } } }`;

function part(title, id) {
  const body = el('div', { id });
  return [el('section', {}, el('h2', {}, title), body), body];
}

/** Load a part; `render(user)` fills it, failures are said in its place. */
async function load(body, query, id, what, render) {
  try {
    const { user } = await request(query, { id });
    if (user) render(user);
  } catch (err) {
    fill(body, errorState(err, what));
  }
}

function headline(user, alerts) {
  const s = user.churnScore;
  return [
    el('h2', {}, 'Subscriber ', userLink(user.id), ` · ${user.externalId}`),
    figures([
      [
        'risk now',
        s ? el('span', {}, levelBadge(s.riskLevel), ' ', pct(s.probability)) : 'not scored',
      ],
      ['plan', `${user.plan} · ${num(user.monthlyFee, 2)}/month`],
      [
        'status',
        user.status === 'CANCELLED' ? `cancelled ${dateTime(user.cancelledAt)}` : 'active',
      ],
      ['subscribed since', new Date(user.signupAt).toLocaleDateString()],
      ['country', user.country],
      ['segment', user.segment ? user.segment.label : 'not placed'],
    ]),
    alerts.length === 0
      ? emptyState('No alerts for this subscriber.')
      : el(
          'ul',
          { id: 'subscriber-alerts' },
          alerts.map(({ node: a }) =>
            el(
              'li',
              {},
              levelBadge(a.riskLevel),
              ` ${a.status.toLowerCase()}${a.resolution ? ` (${a.resolution.toLowerCase()})` : ''}, raised ${dateTime(a.raisedAt)}`,
            ),
          ),
        ),
  ];
}

function history(body, user, thresholds) {
  const scores = [...user.scoreHistory].reverse(); // oldest first
  if (scores.length === 0) return fill(body, emptyState('No scores yet.'));
  const times = scores.map((s) => s.scoredAt);
  const names = ['MEDIUM', 'HIGH', 'CRITICAL'];
  timeChart(
    body,
    times,
    [
      { label: 'probability', values: scores.map((s) => s.probability), color: '#2456a6' },
      ...thresholds.map((t, i) => ({
        label: `${names[i]} from`,
        values: times.map(() => t),
        color: LEVEL_COLORS[names[i]],
        dash: [4, 4],
      })),
    ],
    { yFormat: (v) => pct(v, 0), yRange: [0, 1] },
  );
}

function explanation(body, e) {
  if (!e) return fill(body, emptyState('No explanation: the subscriber has not been scored.'));
  const largest = Math.max(...e.contributions.map((c) => Math.abs(c.contribution)), 1e-9);
  fill(
    body,
    el('p', {}, e.summary),
    el(
      'p',
      { className: 'note' },
      `${pct(e.probability)} likely to cancel within 30 days` +
        (e.averageProbability === null
          ? '. '
          : `, against ${pct(e.averageProbability)} for the average subscriber. `) +
        `Bars are measured from a subscriber with average behaviour (${pct(e.baseProbability)}); longer bars weigh more; orange raises the risk, green lowers it.`,
    ),
    el(
      'ul',
      { className: 'reasons' },
      e.contributions.map((c) =>
        el(
          'li',
          { dataset: { direction: c.direction } },
          el('span', {}, c.reason),
          el('div', {
            className: `bar ${c.direction}`,
            style: `width:${(100 * Math.abs(c.contribution)) / largest}%`,
          }),
        ),
      ),
    ),
  );
}

function recommendations(body, recs) {
  if (recs.length === 0) return fill(body, emptyState('No recommendations for this subscriber.'));
  fill(
    body,
    el(
      'ol',
      {},
      recs.map((r) =>
        el(
          'li',
          {},
          el('b', {}, r.title.name),
          ` (${r.title.type.toLowerCase()}, ${r.title.genres.join(', ')}) `,
          el('small', {}, r.reasons.map((x) => x.text).join(' · ')),
        ),
      ),
    ),
  );
}

function survival(body, s) {
  if (!s)
    return fill(
      body,
      emptyState(
        'No survival curve: the subscriber has cancelled, or no survival model is trained yet.',
      ),
    );
  const chart = el('div', { className: 'chart' });
  fill(
    body,
    figures([
      ['median days to cancel', s.medianDays === null ? 'beyond 10 years' : s.medianDays],
      ['expected days still subscribed', num(s.expectedRemainingDays, 0)],
    ]),
    chart,
  );
  xyChart(
    chart,
    s.curve.map((p) => p.day),
    [{ label: 'still subscribed', values: s.curve.map((p) => p.survival), color: '#2456a6' }],
    {
      xLabel: 'days from now',
      yRange: [0, 1],
      yFormat: (v) => pct(v, 0),
    },
  );
}

/** Render the subscriber page for `id` into #subscriber-body. */
export async function showSubscriber(id) {
  const root = $('subscriber-body');
  const head = el('section', { id: 'subscriber-head' }, el('p', { className: 'note' }, 'loading…'));
  const [historySection, historyBody] = part('Churn probability over time', 'score-history');
  const [whySection, whyBody] = part('Why this risk', 'explanation');
  const [recsSection, recsBody] = part('Recommended titles', 'recommendations');
  const [survivalSection, survivalBody] = part(
    'Survival: chance of still being subscribed',
    'survival',
  );
  fill(
    root,
    head,
    historySection,
    el('div', { className: 'cols' }, whySection, recsSection),
    survivalSection,
  );
  try {
    const data = await request(USER, { id });
    if (!data.user) {
      fill(root, emptyState(`There is no subscriber with id ${id}.`));
      return;
    }
    fill(head, headline(data.user, data.riskAlerts.edges));
    history(historyBody, data.user, data.churnOverview.thresholds);
  } catch (err) {
    fill(head, errorState(err, 'this subscriber'));
    return;
  }
  await Promise.all([
    load(whyBody, EXPLANATION, id, 'the explanation', (u) => explanation(whyBody, u.explanation)),
    load(recsBody, RECOMMENDATIONS, id, 'recommendations', (u) =>
      recommendations(recsBody, u.recommendations),
    ),
    load(survivalBody, SURVIVAL, id, 'the survival curve', (u) =>
      survival(survivalBody, u.survival),
    ),
  ]);
}
