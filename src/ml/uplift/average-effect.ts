/**
 * The average effect of a randomised arm against the control: the difference in mean outcomes
 * with a 95% Wald interval (unpooled standard error), which is what randomisation licenses.
 */

export interface AverageEffect {
  treatedRows: number;
  controlRows: number;
  treatedMean: number;
  controlMean: number;
  /** treatedMean − controlMean. */
  effect: number;
  standardError: number;
  /** 95% interval of the effect. */
  lower: number;
  upper: number;
}

const Z95 = 1.959964;

/** Shapes: treatedOutcomes [n1], controlOutcomes [n0] (any real outcome). */
export function averageEffect(
  treatedOutcomes: ArrayLike<number>,
  controlOutcomes: ArrayLike<number>,
): AverageEffect {
  const t = meanAndVariance(treatedOutcomes);
  const c = meanAndVariance(controlOutcomes);
  const effect = t.mean - c.mean;
  const standardError = Math.sqrt(t.variance / t.n + c.variance / c.n);
  return {
    treatedRows: t.n,
    controlRows: c.n,
    treatedMean: t.mean,
    controlMean: c.mean,
    effect,
    standardError,
    lower: effect - Z95 * standardError,
    upper: effect + Z95 * standardError,
  };
}

function meanAndVariance(values: ArrayLike<number>): { n: number; mean: number; variance: number } {
  const n = values.length;
  if (n < 2) throw new Error(`an arm needs at least 2 rows, got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { n, mean, variance: ss / (n - 1) };
}
