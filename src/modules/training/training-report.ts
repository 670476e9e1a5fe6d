import type { EvaluatedScorer } from '../model-registry/model-metadata';
import type { FitReporter } from './fit-candidates';
import type { SurvivalTrainingSummary } from '../survival/survival-training';
import type { TrainingSummary } from './training.service';

/** Progress of a training run on a stream: each step, and one line per epoch of the deep models. */
export function streamReporter(stream: NodeJS.WritableStream = process.stderr): FitReporter {
  return {
    step: (message) => stream.write(`train: ${message}\n`),
    epoch: (model, epoch, l) =>
      stream.write(
        `train: ${model} epoch ${String(epoch + 1).padStart(2)}: loss ${l.loss.toFixed(4)}  val_loss ${l.valLoss.toFixed(4)}  val_auc ${l.valAuc.toFixed(4)}  (${(l.ms / 1000).toFixed(1)}s)\n`,
      ),
  };
}

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '—');

/** The summary table `churn train` and the first start print. */
export function formatTrainingSummary(summary: TrainingSummary): string {
  const rows: EvaluatedScorer[] = [...summary.candidates, summary.baseline];
  const header = [
    'model',
    'ROC-AUC',
    'PR-AUC',
    'Brier',
    'ECE',
    'F1',
    'accuracy',
    'lift@10%',
    'gap to oracle',
  ];
  const lines = rows.map((m) => [
    m.name,
    f4(m.rocAuc),
    f4(m.prAuc),
    f4(m.brier),
    f4(m.ece),
    f4(m.f1),
    f4(m.accuracy),
    m.topDecileLift.toFixed(2),
    summary.oracleAuc === null ? '—' : f4(summary.oracleAuc - m.rocAuc),
  ]);
  if (summary.oracleAuc !== null)
    lines.push(['oracle (true probabilities)', f4(summary.oracleAuc), '', '', '', '', '', '', '0']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const r = summary.result;
  const survival = summary.survival ? ['', formatSurvivalSummary(summary.survival)] : [];
  return [...classifierLines(), ...survival].join('\n');

  function classifierLines(): string[] {
    return [
      `evaluation: ${summary.baseline.n} subscribers active at ${summary.plan.validation.toISOString().slice(0, 10)}, ${summary.baseline.positives} cancelled within ${summary.plan.horizonDays} days`,
      fmt(header),
      fmt(widths.map((w) => '-'.repeat(w))),
      ...lines.map(fmt),
      `registered ${r.versions.join(', ')}; ${r.activated ? 'activated' : 'did not activate'} ${r.winner}: ${r.reason}` +
        (r.scored > 0 ? `; scored ${r.scored} subscribers` : ''),
    ];
  }
}

/** The survival models' table: concordance, integrated Brier and calibration beside the KM baseline. */
export function formatSurvivalSummary(s: SurvivalTrainingSummary): string {
  const header = [
    'survival model',
    'C-index',
    'int. Brier',
    `Brier@${s.tau}d`,
    'calib. error',
    `S(${s.tau}) pred / KM`,
  ];
  const lines = [...s.evaluations, s.baseline].map((e) => [
    e.name,
    f4(e.concordance),
    f5(e.integratedBrier),
    f5(e.brierAtTau),
    f4(e.calibrationError),
    `${f4(e.meanPredictedSurvival)} / ${f4(e.observedSurvival)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    `survival: ${s.baseline.subjects} subscribers of the evaluation half, ${s.baseline.events} cancelled within ${s.tau} days`,
    fmt(header),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...lines.map(fmt),
    `registered ${s.versions.join(', ')}; ${s.activated ? 'activated' : 'did not activate'} ${s.winner}: ${s.reason}`,
  ].join('\n');
}

const f5 = (x: number) => (Number.isFinite(x) ? x.toFixed(5) : '—');
