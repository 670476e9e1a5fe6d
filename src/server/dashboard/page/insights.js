// Who the subscribers are and what keeping them works: behaviour segments (size, churn, risk mix,
// drift since the previous run), recommendation effectiveness and retention experiments. Each panel
// says plainly when there is nothing yet.

import { requestInto } from './api.js';
import { $, el, emptyState, figures, fill, int, levelStack, pct, table } from './format.js';

const SEGMENTS = `query Segments {
  segments { id label size share churnRate meanRisk riskDistribution { level users }
    drift { previousRunId sizeChange churnRateChange } }
}`;
const RECS = `query Recs { recommendationEffectiveness {
  since impressions usersShown recommendedPairs taken uptakeRate recommendedCompletion organicCompletion
  usersWhoTook usersWhoDidNot churnRateTook churnRateDidNot } }`;
const RETENTION = `query Retention { retentionExperiments(first: 10) {
  id strategy createdAt treatedRows controlRows treatedChurnRate controlChurnRate horizonDays
  effect { mean lower upper } } }`;

const signed = (v, f) => (v === null || v === undefined ? '' : `${v >= 0 ? '+' : ''}${f(v)}`);

export async function loadSegments() {
  const body = $('segments-body');
  const data = await requestInto(body, SEGMENTS, 'the segments');
  if (!data) return;
  const segments = data.segments;
  if (segments.length === 0) {
    fill(
      body,
      emptyState('No segment run yet: run the segmentation (churn segment, or runSegmentation).'),
    );
    return;
  }
  const head = [
    'segment',
    'active members',
    'churn rate',
    'mean risk',
    'risk levels',
    'since the previous run',
  ];
  fill(
    body,
    table(
      head,
      segments.map((s) =>
        el(
          'tr',
          { dataset: { segmentId: s.id } },
          el('td', {}, s.label),
          el('td', {}, `${int(s.size)} (${pct(s.share, 0)})`),
          el('td', {}, pct(s.churnRate)),
          el('td', {}, pct(s.meanRisk)),
          el('td', {}, levelStack(s.riskDistribution)),
          el(
            'td',
            {},
            s.drift && s.drift.previousRunId !== null
              ? `size ${signed(s.drift.sizeChange, int)}, churn ${signed(s.drift.churnRateChange, (v) => `${(v * 100).toFixed(1)} pt`)}`
              : 'new in this run',
          ),
        ),
      ),
    ),
  );
}

export async function loadRecommendations() {
  const body = $('recs-body');
  const data = await requestInto(body, RECS, 'recommendation effectiveness');
  if (!data) return;
  const r = data.recommendationEffectiveness;
  if (r.impressions === 0) {
    fill(
      body,
      emptyState(
        'No recommendations were reported as shown in the last 30 days (recordRecommendationImpressions).',
      ),
    );
    return;
  }
  fill(
    body,
    figures([
      ['subscribers shown', int(r.usersShown)],
      ['taken within 7 days', pct(r.uptakeRate)],
      [
        'completion: recommended vs organic',
        `${pct(r.recommendedCompletion, 0)} vs ${pct(r.organicCompletion, 0)}`,
      ],
      ['churn: took one vs did not', `${pct(r.churnRateTook)} vs ${pct(r.churnRateDidNot)}`],
    ]),
    el(
      'p',
      { className: 'note' },
      `${int(r.impressions)} items shown to ${int(r.usersShown)} subscribers; ${int(r.usersWhoTook)} watched a recommended title, ${int(r.usersWhoDidNot)} did not.`,
    ),
  );
}

export async function loadRetention() {
  const body = $('retention-body');
  const data = await requestInto(body, RETENTION, 'retention experiments');
  if (!data) return;
  const experiments = data.retentionExperiments;
  if (experiments.length === 0) {
    fill(body, emptyState('No retention experiment has been run yet (runRetentionExperiment).'));
    return;
  }
  const head = [
    'strategy',
    'run',
    'treated / control',
    'churn treated vs control',
    'retention effect (95% interval)',
  ];
  fill(
    body,
    table(
      head,
      experiments.map((x) =>
        el(
          'tr',
          {},
          el('td', {}, x.strategy),
          el('td', {}, new Date(x.createdAt).toLocaleDateString()),
          el('td', {}, `${int(x.treatedRows)} / ${int(x.controlRows)}`),
          el('td', {}, `${pct(x.treatedChurnRate)} vs ${pct(x.controlChurnRate)}`),
          el(
            'td',
            {},
            `${signed(x.effect.mean, (v) => `${(v * 100).toFixed(1)} pt`)} (${(x.effect.lower * 100).toFixed(1)} to ${(x.effect.upper * 100).toFixed(1)})`,
          ),
        ),
      ),
    ),
  );
}
