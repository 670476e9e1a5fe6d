/**
 * Integrated-gradients explanations for DeepChurn, from the training-mean baseline:
 *   numeric inputs  interpolate from the mean transformed training row to the user's row;
 *   categories      interpolate in embedding space, from the frequency-weighted mean embedding of
 *                   the field to the user's category embedding (one contribution per field, summed
 *                   over embedding dimensions);
 *   sequence        interpolates from the mean transformed training sequence; attributions are
 *                   summed over days into one `sequence:<channel>` feature per channel.
 * A numeric feature's missing indicator is folded into the feature, as for the linear model.
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureMatrix } from '../data/dataset';
import type { TransformedFeatures } from '../data/preprocess';
import type { DeepChurn } from '../models/deep-churn';
import { COMPLETENESS_TOLERANCE } from './completeness';
import { deepChurnForward } from './deep-churn-forward';
import { completenessError, type Explanation } from './explanation';
import { numericInputGroups, sequenceFeatureName } from './feature-groups';
import {
  DEFAULT_IG_STEPS,
  integratedGradients,
  type IntegratedGradientsResult,
} from './integrated-gradients';
import { assertBaselineMatches, type TrainingBaseline } from './training-baseline';

export interface DeepChurnExplainOptions {
  /** Integration steps of the first attempt. Default 64. */
  steps?: number;
  /** Rows above `tolerance` are explained again with twice the steps, up to this. Default 1024. */
  maxSteps?: number;
  /** Completeness tolerance in absolute logits. Default COMPLETENESS_TOLERANCE['integrated-gradients']. */
  tolerance?: number;
  /** Cap on interpolated rows per forward/backward pass. Default 8192. */
  maxRowsPerBatch?: number;
}

/**
 * Explains rows of a DeepChurn in logit space with integrated gradients. Rows whose completeness
 * error exceeds the tolerance are retried with doubled steps until it holds or `maxSteps` is
 * reached; each explanation records the steps it used and its final error (the caller decides what
 * to do with one that is still above tolerance). Shapes: rows [n, ·] → n explanations over
 * p numeric + q categorical (+ c sequence channel) features.
 */
export function explainDeepChurn(
  model: DeepChurn,
  baseline: TrainingBaseline,
  rows: FeatureMatrix,
  options: DeepChurnExplainOptions = {},
): Explanation[] {
  const steps = options.steps ?? DEFAULT_IG_STEPS;
  const maxSteps = Math.max(steps, options.maxSteps ?? 1024);
  const tolerance = options.tolerance ?? COMPLETENESS_TOLERANCE['integrated-gradients'];
  const pre = model.preprocessor;
  assertBaselineMatches(baseline, pre);
  const t = pre.transform(rows);
  const out = explainTransformed(
    model,
    baseline,
    t,
    Int32Array.from({ length: t.n }, (_, i) => i),
    steps,
    options,
  );
  for (let s = steps * 2; s <= maxSteps; s *= 2) {
    const retry = Int32Array.from(
      out.flatMap((e, i) => (e.completenessError > tolerance ? [i] : [])),
    );
    if (retry.length === 0) break;
    explainTransformed(model, baseline, t, retry, s, options).forEach(
      (e, r) => (out[retry[r]] = e),
    );
  }
  return out;
}

function explainTransformed(
  model: DeepChurn,
  baseline: TrainingBaseline,
  t: TransformedFeatures,
  rows: Int32Array,
  steps: number,
  options: DeepChurnExplainOptions,
): Explanation[] {
  const forward = deepChurnForward(model);
  const n = rows.length;
  const w = forward.numericWidth;
  let result: IntegratedGradientsResult | undefined;
  tf.tidy(() => {
    const inputs: tf.Tensor[] = [];
    const baselines: tf.Tensor[] = [];
    const idx = tf.tensor1d(rows, 'int32');
    if (w > 0) {
      inputs.push(tf.gather(tf.tensor2d(t.numeric, [t.n, w]), idx));
      baselines.push(tf.tensor2d(baseline.numeric, [1, w]));
    }
    forward.embeddings.forEach((e, f) => {
      const cats = Int32Array.from(rows, (i) => t.categorical[f][i]);
      inputs.push(tf.gather(e, tf.tensor1d(cats, 'int32')));
      const freq = tf.tensor2d(baseline.categorical[f].frequencies, [1, e.shape[0]]);
      baselines.push(tf.matMul(freq, e));
    });
    const shape = forward.sequenceShape;
    if (shape !== null) {
      const seq = t.sequence;
      if (seq === null || baseline.sequence === null)
        throw new Error('the model needs a sequence input');
      inputs.push(tf.gather(tf.tensor3d(seq, [t.n, shape[0], shape[1]]), idx));
      baselines.push(tf.tensor3d(baseline.sequence.mean, [1, shape[0], shape[1]]));
    }
    result = integratedGradients(forward.logits, inputs, baselines, {
      steps,
      maxRowsPerBatch: options.maxRowsPerBatch,
    });
  });
  const ig = result!;
  const pre = model.preprocessor;
  const numericGroups = w > 0 ? numericInputGroups(pre) : [];
  const fields = pre.state.categorical.map((c) => c.name);
  const channels = forward.sequenceShape === null ? [] : pre.state.sequence!.channels;
  const features = [
    ...numericGroups.map((g) => g.feature),
    ...fields,
    ...channels.map(sequenceFeatureName),
  ];
  const dims = forward.embeddings.map((e) => e.shape[1]);
  return Array.from({ length: n }, (_, r): Explanation => {
    const contributions: number[] = [];
    let a = 0;
    if (w > 0) {
      const attr = ig.attributions[a++];
      for (const g of numericGroups)
        contributions.push(g.columns.reduce((s, c) => s + attr[r * w + c], 0));
    }
    dims.forEach((dim) => {
      const attr = ig.attributions[a++];
      let s = 0;
      for (let k = 0; k < dim; k++) s += attr[r * dim + k];
      contributions.push(s);
    });
    if (forward.sequenceShape !== null) {
      const [days, c] = forward.sequenceShape;
      const attr = ig.attributions[a++];
      const perChannel = new Float64Array(c);
      for (let d = 0; d < days; d++)
        for (let k = 0; k < c; k++) perChannel[k] += attr[(r * days + d) * c + k];
      contributions.push(...perChannel);
    }
    const logit = ig.logits[r];
    const baselineLogit = ig.baselineLogits[r];
    return {
      method: 'integrated-gradients',
      features: [...features],
      contributions,
      baselineLogit,
      logit,
      completenessError: completenessError(contributions, logit, baselineLogit),
      steps: ig.steps,
    };
  });
}
