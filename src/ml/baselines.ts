/**
 * Naive baselines reported beside every model, so a metric always has something to be compared
 * with: the base rate for everyone, and the single most predictive raw column.
 */
import type { FeatureMatrix } from './data/dataset';
import { rowCount } from './data/dataset';
import { PlattScaling } from './calibration/platt';
import { rocAuc } from './metrics/ranking';

export interface Baseline {
  /** What the baseline uses, e.g. 'prior' or 'Contract (category churn rate)'. */
  description: string;
  /** Churn probabilities. Shape: features [n, ·] → [n]. */
  predictProba(features: FeatureMatrix): Float64Array;
}

/** Everyone gets the training churn rate: AUC 0.5, Brier = p(1 − p). Shape: labels [n]. */
export function priorBaseline(labels: ArrayLike<number>): Baseline {
  let pos = 0;
  for (let i = 0; i < labels.length; i++) pos += labels[i];
  const rate = labels.length === 0 ? 0.5 : pos / labels.length;
  return {
    description: `prior (churn rate ${rate.toFixed(3)})`,
    predictProba: (features) => new Float64Array(rowCount(features)).fill(rate),
  };
}

type Scorer = (features: FeatureMatrix) => Float64Array;

function numericScorer(name: string, fill: number): Scorer {
  return (features) => {
    const j = features.numericNames.indexOf(name);
    return Float64Array.from(features.numeric, (row) => {
      const v = row[j];
      return v === null || !Number.isFinite(v) ? fill : v;
    });
  };
}

function categoryScorer(name: string, rates: Map<string, number>, other: number): Scorer {
  return (features) => {
    const j = features.categoricalNames.indexOf(name);
    return Float64Array.from(features.categorical, (row) => rates.get(row[j].trim()) ?? other);
  };
}

/**
 * The one column whose raw values (numeric) or per-category churn rates (categorical) rank the
 * training rows best, mapped to probabilities by Platt scaling on the training rows.
 * Shapes: features [n, ·], labels [n] (0/1).
 */
export function bestSingleFeatureBaseline(
  features: FeatureMatrix,
  labels: ArrayLike<number>,
): Baseline {
  const n = rowCount(features);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += labels[i];
  const prior = n === 0 ? 0.5 : pos / n;
  const candidates: { description: string; scorer: Scorer }[] = [];
  features.numericNames.forEach((name, j) => {
    const present = features.numeric
      .map((r) => r[j])
      .filter((v): v is number => v !== null && Number.isFinite(v));
    const mean = present.length === 0 ? 0 : present.reduce((a, b) => a + b, 0) / present.length;
    candidates.push({ description: `${name} (value)`, scorer: numericScorer(name, mean) });
  });
  features.categoricalNames.forEach((name, j) => {
    const count = new Map<string, [number, number]>();
    for (let i = 0; i < n; i++) {
      const v = features.categorical[i][j].trim();
      const c = count.get(v) ?? [0, 0];
      c[0] += labels[i];
      c[1] += 1;
      count.set(v, c);
    }
    // Shrink each rate toward the prior by 10 pseudo-rows so tiny categories do not look decisive.
    const rates = new Map([...count].map(([v, [p, m]]) => [v, (p + 10 * prior) / (m + 10)]));
    candidates.push({
      description: `${name} (category churn rate)`,
      scorer: categoryScorer(name, rates, prior),
    });
  });
  let best: { description: string; scorer: Scorer; sign: number; gap: number } | null = null;
  for (const c of candidates) {
    const auc = rocAuc(c.scorer(features), labels);
    if (!Number.isFinite(auc)) continue;
    const gap = Math.abs(auc - 0.5);
    if (best === null || gap > best.gap) best = { ...c, sign: auc >= 0.5 ? 1 : -1, gap };
  }
  if (best === null) return priorBaseline(labels);
  const { scorer, sign, description } = best;
  const raw = scorer(features);
  const centre = raw.reduce((a, b) => a + b, 0) / Math.max(1, raw.length);
  const scale =
    Math.sqrt(raw.reduce((a, b) => a + (b - centre) ** 2, 0) / Math.max(1, raw.length)) || 1;
  // Platt works on probabilities, so squash the oriented, standardised score through a logistic.
  const squash = (f: FeatureMatrix): Float64Array =>
    scorer(f).map((v) => 1 / (1 + Math.exp((-sign * (v - centre)) / scale)));
  const platt = PlattScaling.fit(squash(features), labels);
  return { description, predictProba: (f) => platt.transform(squash(f)) };
}
