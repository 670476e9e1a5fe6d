/**
 * X-learner (Künzel et al., 2019): impute each row's individual effect with the other arm's
 * outcome model (treated: y − μ0(x); control: μ1(x) − y), regress the imputed effects on the
 * features within each arm, and blend the two effect models by the propensity (constant in a
 * randomised campaign): τ(x) = e·τ0(x) + (1 − e)·τ1(x). It borrows strength from the larger arm
 * and fits the effect directly, where the T-learner differences two noisy fits.
 */
import type { FeatureMatrix } from '../data/dataset';
import { RidgeRegression } from './ridge';
import { TLearner, armRows } from './t-learner';

export class XLearner {
  private constructor(
    private readonly effectTreated: RidgeRegression,
    private readonly effectControl: RidgeRegression,
    /** Share of rows treated (the propensity). */
    readonly propensity: number,
  ) {}

  /**
   * Fit from the same rows as `outcomes` (a fitted T-learner). Shapes: features [n, ·],
   * treated [n] (0/1), outcome [n] (0/1). `lambda` is the ridge penalty per row.
   */
  static fit(
    features: FeatureMatrix,
    treated: ArrayLike<number>,
    outcome: ArrayLike<number>,
    outcomes: TLearner,
    lambda = 0.02,
  ): XLearner {
    const t = armRows(features, treated, outcome, 1);
    const c = armRows(features, treated, outcome, 0);
    const mu0 = outcomes.controlModel.predict(t.features);
    const mu1 = outcomes.treatedModel.predict(c.features);
    const d1 = t.outcome.map((y, i) => y - mu0[i]);
    const d0 = c.outcome.map((y, i) => mu1[i] - y);
    const propensity = t.index.length / (t.index.length + c.index.length);
    return new XLearner(
      RidgeRegression.fit(t.features, d1, lambda),
      RidgeRegression.fit(c.features, d0, lambda),
      propensity,
    );
  }

  /** Estimated uplift P(y=1 | treated) − P(y=1 | control). Shape: features [n, ·] → [n]. */
  predict(features: FeatureMatrix): Float64Array {
    const t1 = this.effectTreated.predict(features);
    const t0 = this.effectControl.predict(features);
    const e = this.propensity;
    return t1.map((v, i) => e * t0[i] + (1 - e) * v);
  }
}
