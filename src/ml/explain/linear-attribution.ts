/**
 * Exact attributions for the logistic regression. Its logit is intercept + Σ_c coef_c · x_c over the
 * design columns, so relative to the baseline design vector b it splits exactly into
 * Σ_c coef_c · (x_c − b_c); grouping columns by original feature keeps that exactness. (This is also
 * what SHAP gives for a linear model with independent features: no sampling, no approximation.)
 */
import type { FeatureMatrix } from '../data/dataset';
import type { LogisticRegression } from '../models/logistic-regression';
import { completenessError, type Explanation } from './explanation';
import { designColumnGroups } from './feature-groups';
import { assertBaselineMatches, designBaseline, type TrainingBaseline } from './training-baseline';

/** The model's logit at the baseline design vector: intercept + Σ coef_c · b_c. */
export function logisticBaselineLogit(
  model: LogisticRegression,
  baseline: TrainingBaseline,
): number {
  assertBaselineMatches(baseline, model.preprocessor);
  const b = designBaseline(baseline);
  let z = model.intercept;
  for (let c = 0; c < b.length; c++) z += model.coefficients[c] * b[c];
  return z;
}

/**
 * Per-feature logit contributions for each row: contribution_j = Σ_{c ∈ j} coef_c · (x_c − b_c).
 * Exact: each row's contributions sum to logit(x) − logit(baseline) to floating-point precision.
 * Shapes: rows [n, ·] → n explanations over the p + q original features.
 */
export function explainLogistic(
  model: LogisticRegression,
  baseline: TrainingBaseline,
  rows: FeatureMatrix,
): Explanation[] {
  const pre = model.preprocessor;
  const baselineLogit = logisticBaselineLogit(model, baseline);
  const b = designBaseline(baseline);
  const coef = model.coefficients;
  const groups = designColumnGroups(pre);
  const t = pre.transform(rows);
  // The logit comes from the model's own scoring path, so the completeness check compares two
  // independent computations rather than a sum with itself.
  const logits = model.logitsFromTransformed(t);
  const w = t.numericWidth;
  const q = pre.cardinalities.length;
  // For a one-hot block the contribution is coef[chosen] − Σ coef_c · freq_c; the second term is
  // the same for every row.
  const blockBase = groups.slice(groups.length - q).map((g) => {
    let s = 0;
    for (const c of g.columns) s += coef[c] * b[c];
    return s;
  });
  const features = groups.map((g) => g.feature);
  const out: Explanation[] = [];
  for (let i = 0; i < t.n; i++) {
    const contributions = groups.map((g, j) => {
      if (g.kind === 'categorical') {
        const f = j - (groups.length - q);
        return coef[g.columns[0] + t.categorical[f][i]] - blockBase[f];
      }
      let s = 0;
      for (const c of g.columns) s += coef[c] * (t.numeric[i * w + c] - b[c]);
      return s;
    });
    out.push({
      method: 'linear',
      features: [...features],
      contributions,
      baselineLogit,
      logit: logits[i],
      completenessError: completenessError(contributions, logits[i], baselineLogit),
    });
  }
  return out;
}
