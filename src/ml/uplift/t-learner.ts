/**
 * T-learner (two models): one outcome model per arm; the uplift of a row is the treated model's
 * probability minus the control model's. Works with any number of treatment arms sharing one
 * control model.
 */
import { selectRows, type FeatureMatrix } from '../data/dataset';
import { OutcomeModel, type OutcomeModelOptions } from './outcome-model';

export interface ArmPredictions {
  /** P(outcome = 1 | treated). Shape: [n] */
  treated: Float64Array;
  /** P(outcome = 1 | control). Shape: [n] */
  control: Float64Array;
  /** treated − control. Shape: [n] */
  uplift: Float64Array;
}

export class TLearner {
  constructor(
    readonly treatedModel: OutcomeModel,
    readonly controlModel: OutcomeModel,
  ) {}

  /**
   * Fit on experiment rows. Shapes: features [n, ·], treated [n] (1 = treated, 0 = control),
   * outcome [n] (0/1). `control` reuses an already fitted control model (several arms).
   */
  static async fit(
    features: FeatureMatrix,
    treated: ArrayLike<number>,
    outcome: ArrayLike<number>,
    options: OutcomeModelOptions & { control?: OutcomeModel } = {},
  ): Promise<TLearner> {
    const arm = (value: number) => armRows(features, treated, outcome, value);
    const t = arm(1);
    const treatedModel = await OutcomeModel.fit(t.features, t.outcome, options);
    let controlModel = options.control;
    if (!controlModel) {
      const c = arm(0);
      controlModel = await OutcomeModel.fit(c.features, c.outcome, options);
    }
    return new TLearner(treatedModel, controlModel);
  }

  /** Both arms' probabilities and their difference. Shape: features [n, ·] → [n] each. */
  predict(features: FeatureMatrix): ArmPredictions {
    const treated = this.treatedModel.predict(features);
    const control = this.controlModel.predict(features);
    return { treated, control, uplift: treated.map((p, i) => p - control[i]) };
  }
}

/** Rows of one arm (treated[i] === value) with their outcomes. */
export function armRows(
  features: FeatureMatrix,
  treated: ArrayLike<number>,
  outcome: ArrayLike<number>,
  value: number,
): { features: FeatureMatrix; outcome: number[]; index: number[] } {
  const index: number[] = [];
  for (let i = 0; i < treated.length; i++) if (treated[i] === value) index.push(i);
  if (index.length < 2) throw new Error(`an arm has ${index.length} rows: too few to fit`);
  return { features: selectRows(features, index), outcome: index.map((i) => outcome[i]), index };
}
