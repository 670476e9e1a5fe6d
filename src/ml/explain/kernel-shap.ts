/**
 * KernelSHAP (Lundberg & Lee, 2017): the model-agnostic fallback for any scoring function. The
 * value of a coalition S of original features is E_b[f(x_S, b_rest)] over background rows b
 * (features outside S are filled from the background); the Shapley values are the solution of a
 * weighted least-squares fit of those values with the Shapley kernel as weights, under the
 * efficiency constraint Σ φ = f(x) − E_b f(b). The constraint is eliminated exactly (one φ written
 * as the rest minus the total), so completeness holds to rounding whatever the sample.
 *
 * Features on which x equals every background row cannot change the value; as in shap they get 0
 * and leave the regression, which shrinks M. All coalitions of one row go to `f` in one batch.
 */
import { Matrix, solve } from 'ml-matrix';
import { rowCount, type FeatureMatrix } from '../data/dataset';
import { createRng } from '../random';
import { completenessError, type Explanation } from './explanation';
import {
  mixChannels,
  originalFeatures,
  sameFeatureValue,
  type OriginalFeature,
  type SequenceGrouping,
} from './feature-columns';
import { shapleyKernelCoalitions } from './shapley-kernel-coalitions';

/** Logits (or any additive-scale score) of a batch of raw rows. Shape: rows [n, ·] → [n]. */
export type ScoreFunction = (rows: FeatureMatrix) => ArrayLike<number>;

export interface KernelShapOptions {
  /** Coalition budget per explained row (excluding the empty and full ones). Default 2048. */
  samples?: number;
  seed?: number;
  /** The sequence as one feature per channel (default) or as a single block. */
  sequenceGrouping?: SequenceGrouping;
}

/**
 * KernelSHAP values of each row of `rows` for `f`, against the background rows (one row, such as
 * the training-mean subscriber, or a few; values are averaged over them). Exact Shapley values when
 * 2^M − 2 ≤ samples. Shapes: background [b, ·], rows [n, ·] with the same columns → n explanations;
 * `f` is called once per row with (1 + b + coalitions · b) rows.
 */
export function kernelShap(
  f: ScoreFunction,
  background: FeatureMatrix,
  rows: FeatureMatrix,
  options: KernelShapOptions = {},
): Explanation[] {
  const { samples = 2048, seed = 0, sequenceGrouping = 'channel' } = options;
  const features = originalFeatures(rows, sequenceGrouping);
  const bgFeatures = originalFeatures(background, sequenceGrouping);
  if (features.map((x) => x.name).join('\n') !== bgFeatures.map((x) => x.name).join('\n')) {
    throw new Error('the background rows must have the same columns as the rows to explain');
  }
  const nb = rowCount(background);
  if (nb === 0) throw new Error('KernelSHAP needs at least one background row');
  const rng = createRng(seed);
  const out: Explanation[] = [];
  for (let r = 0; r < rowCount(rows); r++) {
    const varying = features.filter((feat) =>
      Array.from({ length: nb }, (_, b) => b).some(
        (b) => !sameFeatureValue(rows, r, background, b, feat),
      ),
    );
    const m = varying.length;
    const coalitions =
      m >= 2
        ? shapleyKernelCoalitions(m, samples, createRng(rng.seed()))
        : { masks: new Uint8Array(0), weights: new Float64Array(0), count: 0 };
    // Batch: x itself, the background (empty coalition), then every coalition against every background row.
    const batch: Uint8Array[] = [new Uint8Array(m).fill(1)];
    for (let b = 0; b < nb; b++) batch.push(new Uint8Array(m));
    for (let k = 0; k < coalitions.count; k++) {
      const mask = coalitions.masks.subarray(k * m, (k + 1) * m);
      for (let b = 0; b < nb; b++) batch.push(mask);
    }
    const bgOf = (i: number): number => (i === 0 ? 0 : (i - 1) % nb);
    const values = f(hybridRows(rows, r, background, varying, batch, bgOf));
    if (values.length !== batch.length)
      throw new Error(`f returned ${values.length} values for ${batch.length} rows`);
    const fx = values[0];
    let f0 = 0;
    for (let b = 0; b < nb; b++) f0 += values[1 + b];
    f0 /= nb;
    const v = new Float64Array(coalitions.count);
    for (let k = 0; k < coalitions.count; k++) {
      let s = 0;
      for (let b = 0; b < nb; b++) s += values[1 + nb + k * nb + b];
      v[k] = s / nb;
    }
    const phi =
      m === 0
        ? []
        : m === 1
          ? [fx - f0]
          : constrainedWls(coalitions.masks, coalitions.weights, v, m, fx, f0);
    const byName = new Map(varying.map((feat, j) => [feat.name, phi[j]]));
    const contributions = features.map((feat) => byName.get(feat.name) ?? 0);
    out.push({
      method: 'kernel-shap',
      features: features.map((feat) => feat.name),
      contributions,
      baselineLogit: f0,
      logit: fx,
      completenessError: completenessError(contributions, fx, f0),
      steps: coalitions.count,
    });
  }
  return out;
}

/**
 * Row i of the result takes the features in mask i from rows[r] and all others from background row
 * bgOf(i). Shape: [masks.length, ·].
 */
function hybridRows(
  rows: FeatureMatrix,
  r: number,
  background: FeatureMatrix,
  varying: OriginalFeature[],
  masks: Uint8Array[],
  bgOf: (i: number) => number,
): FeatureMatrix {
  const c = rows.sequenceChannels?.length ?? 0;
  const numeric: (number | null)[][] = [];
  const categorical: string[][] = [];
  const sequence: ArrayLike<ArrayLike<number>>[] = [];
  masks.forEach((mask, i) => {
    const b = bgOf(i);
    const num = Array.from(background.numeric[b] ?? []);
    const cat = [...(background.categorical[b] ?? [])];
    const fromX = new Array<boolean>(c).fill(false);
    varying.forEach((feat, j) => {
      if (mask[j] !== 1) return;
      if (feat.kind === 'numeric') num[feat.index] = rows.numeric[r][feat.index];
      else if (feat.kind === 'categorical') cat[feat.index] = rows.categorical[r][feat.index];
      else if (feat.index < 0) fromX.fill(true);
      else fromX[feat.index] = true;
    });
    numeric.push(num);
    categorical.push(cat);
    if (rows.sequence !== undefined) {
      const taken = fromX.filter(Boolean).length;
      const bgDays = background.sequence![b];
      const xDays = rows.sequence[r];
      sequence.push(
        taken === 0 ? bgDays : taken === c ? xDays : mixChannels(bgDays, xDays, fromX, c),
      );
    }
  });
  return {
    numeric: rows.numericNames.length > 0 ? numeric : [],
    numericNames: rows.numericNames,
    categorical: rows.categoricalNames.length > 0 ? categorical : [],
    categoricalNames: rows.categoricalNames,
    ...(rows.sequence !== undefined ? { sequence, sequenceChannels: rows.sequenceChannels } : {}),
  };
}

/**
 * Minimises Σ_k w_k (v_k − f0 − z_k·φ)² subject to Σ φ = fx − f0, by substituting
 * φ_last = (fx − f0) − Σ_{j<last} φ_j and solving the (M − 1)-dimensional normal equations.
 * SVD-based solve: a sample that leaves some direction unidentified gets the minimum-norm answer
 * instead of an error. Shapes: masks [K, M], weights [K], v [K] → [M].
 */
function constrainedWls(
  masks: Uint8Array,
  weights: Float64Array,
  v: Float64Array,
  m: number,
  fx: number,
  f0: number,
): number[] {
  const d = m - 1;
  const total = fx - f0;
  const ata = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const aty = new Array<number>(d).fill(0);
  const a = new Float64Array(d);
  for (let k = 0; k < weights.length; k++) {
    const last = masks[k * m + d];
    for (let j = 0; j < d; j++) a[j] = masks[k * m + j] - last;
    const y = v[k] - f0 - last * total;
    const w = weights[k];
    for (let i = 0; i < d; i++) {
      if (a[i] === 0) continue;
      aty[i] += w * a[i] * y;
      for (let j = 0; j < d; j++) ata[i][j] += w * a[i] * a[j];
    }
  }
  const x = solve(new Matrix(ata), Matrix.columnVector(aty), true).getColumn(0);
  const rest = x.reduce((s, xi) => s + xi, 0);
  return [...x, total - rest];
}
