// How good the serving model is: ranking (ROC AUC, PR AUC) beside the naive baseline, calibration as a
// reliability plot (predicted against observed churn), and the risk levels' bands with what each means.

import { requestInto } from './api.js';
import { xyChart } from './charts.js';
import { $, el, emptyState, figures, fill, int, levelBadge, num, pct, table } from './format.js';
import { setLevelMeanings } from './trends.js';

const MODEL = `query Model {
  activeModel {
    version kind variant calibration createdAt activatedAt threshold horizonDays
    metrics { rocAuc prAuc brier ece rows positives prevalence topDecileLift
      reliability { lower upper meanPredicted observedRate count } }
    baseline { rocAuc prAuc }
    riskLevels { level lowerBound share precision recall lift rows }
  }
}`;

function bandsTable(model) {
  const bands = model.riskLevels;
  if (bands.length === 0) {
    return emptyState('This model version was trained before risk levels were chosen per model.');
  }
  return table(
    ['level', 'probability', 'subscribers', 'churn rate', 'of all churners', 'lift', 'meaning'],
    bands.map((b, i) => {
      const upper = bands[i + 1] ? bands[i + 1].lowerBound : 1;
      const meaning =
        b.precision === null
          ? 'no evaluation subscribers fell here'
          : `${pct(b.precision, 0)} of these subscribers cancelled within ${model.horizonDays} days` +
            (b.lift === null ? '' : `, ${num(b.lift, 1)}× the average`);
      return el(
        'tr',
        { dataset: { level: b.level } },
        el('td', {}, levelBadge(b.level)),
        el('td', {}, `${pct(b.lowerBound, 0)} – ${pct(upper, 0)}`),
        el('td', {}, `${pct(b.share, 0)} (${int(b.rows)})`),
        el('td', {}, pct(b.precision, 0)),
        el('td', {}, pct(b.recall, 0)),
        el('td', {}, b.lift === null ? '–' : `${num(b.lift, 1)}×`),
        el('td', {}, meaning),
      );
    }),
  );
}

export async function loadModel() {
  const body = $('model-body');
  const data = await requestInto(body, MODEL, 'the model');
  if (!data) return;
  const model = data.activeModel;
  if (!model) {
    fill(
      body,
      emptyState('No model is serving yet: train one (churn train, or the trainModel mutation).'),
    );
    return;
  }
  setLevelMeanings(model.riskLevels);
  const m = model.metrics;
  const chart = el('div', { className: 'chart', id: 'reliability-chart' });
  fill(
    body,
    el(
      'p',
      { className: 'note' },
      `${model.version} · ${model.kind} (${model.variant}), ${model.calibration} calibration · evaluated on ${int(m.rows)} subscribers, ${pct(m.prevalence)} of whom cancelled`,
    ),
    figures([
      ['ROC AUC (0.5 is chance)', `${num(m.rocAuc)} vs ${num(model.baseline.rocAuc)} baseline`],
      ['PR AUC', `${num(m.prAuc)} vs ${num(model.baseline.prAuc)} baseline`],
      ['calibration error (ECE)', num(m.ece)],
      ['Brier score', num(m.brier)],
      ['top-decile lift', `${num(m.topDecileLift, 1)}×`],
    ]),
    el(
      'div',
      { className: 'cols' },
      el('div', {}, el('h3', {}, 'Reliability: predicted against observed churn'), chart),
      el('div', {}, el('h3', {}, 'Risk levels and what they mean'), bandsTable(model)),
    ),
  );
  const bins = m.reliability
    .filter((b) => b.count > 0 && b.meanPredicted !== null)
    .sort((a, b) => a.meanPredicted - b.meanPredicted);
  if (bins.length === 0) {
    fill(chart, emptyState('No evaluation rows to plot.'));
    return;
  }
  const xs = bins.map((b) => b.meanPredicted);
  xyChart(
    chart,
    xs,
    [
      {
        label: 'observed',
        values: bins.map((b) => b.observedRate),
        color: '#2456a6',
        points: true,
      },
      { label: 'perfect calibration', values: xs, color: '#999', dash: [4, 4] },
    ],
    {
      xLabel: 'predicted',
      yLabel: 'observed',
      xRange: [0, 1],
      yRange: [0, 1],
      xFormat: (v) => pct(v, 0),
      yFormat: (v) => pct(v, 0),
    },
  );
}
