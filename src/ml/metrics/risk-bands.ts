/**
 * Risk bands cut at quantiles of a model's scores: the top `shares[k]` of subscribers form band k
 * (highest first), so every band is reachable whatever the model's calibration, and each band's
 * precision (its churn rate) and lift (precision over the base rate) can be stated from labelled rows.
 */

export interface RiskBand {
  /** Lower bound of the band's scores (inclusive); 0 for the lowest band. */
  lowerBound: number;
  /** Share of the rows that fall in the band. */
  share: number;
  rows: number;
  /** Churn rate within the band (NaN when empty). */
  precision: number;
  /** precision / base rate. */
  lift: number;
  /** Share of all positives that fall in the band. */
  recall: number;
}

export interface RiskBands {
  /** Lower bounds, lowest band excluded, in increasing order. Shape: [shares.length]. */
  thresholds: number[];
  /** Bands from lowest to highest. Shape: [shares.length + 1]. */
  bands: RiskBand[];
  baseRate: number;
}

/**
 * Cut `scores` into bands whose top ones hold `topShares` of the rows (highest band first, e.g.
 * [0.025, 0.075, 0.2] → the top 2.5%, the next 7.5%, the next 20%, the rest), and describe each with
 * `labels`. Shapes: scores [n], labels [n] (1 = churned).
 */
export function riskBands(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  topShares: readonly number[],
): RiskBands {
  const n = scores.length;
  if (n === 0) throw new Error('riskBands needs at least one row');
  const sorted = Float64Array.from(scores).sort();
  // Lower bounds from the top: the top c% starts near the (1 − c) quantile. Calibrated scores have
  // plateaus (isotonic steps), so the cut goes at the distinct value whose share is closest to c.
  let cumulative = 0;
  const fromTop: number[] = [];
  for (const share of topShares) {
    cumulative += share;
    fromTop.push(closestCut(sorted, cumulative));
  }
  const thresholds = [...fromTop].reverse();
  for (let i = 1; i < thresholds.length; i++) {
    // Ties at the cut: keep bounds strictly increasing so every band stays reachable.
    if (thresholds[i] <= thresholds[i - 1]) thresholds[i] = nextUp(thresholds[i - 1]);
  }
  return describeBands(scores, labels, thresholds);
}

/**
 * Bands of `scores` at given lower bounds (increasing; the lowest band has none), described with
 * `labels`. Shapes: scores [n], labels [n], thresholds [k] → bands [k + 1].
 */
export function describeBands(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  thresholds: readonly number[],
): RiskBands {
  const n = scores.length;
  const positives = Array.from(labels).reduce((a, b) => a + b, 0);
  const baseRate = n > 0 ? positives / n : Number.NaN;
  const counts = [...thresholds, Infinity].map(() => ({ rows: 0, pos: 0 }));
  for (let i = 0; i < n; i++) {
    let band = 0;
    while (band < thresholds.length && scores[i] >= thresholds[band]) band++;
    counts[band].rows++;
    counts[band].pos += labels[i];
  }
  const bands = counts.map((c, b) => {
    const precision = c.rows > 0 ? c.pos / c.rows : Number.NaN;
    return {
      lowerBound: b === 0 ? 0 : thresholds[b - 1],
      share: n > 0 ? c.rows / n : Number.NaN,
      rows: c.rows,
      precision,
      lift: baseRate > 0 ? precision / baseRate : Number.NaN,
      recall: positives > 0 ? c.pos / positives : Number.NaN,
    };
  });
  return { thresholds: [...thresholds], bands, baseRate };
}

/**
 * The value v of ascending `sorted` for which the share of values ≥ v is closest to `share`: the
 * quantile itself, or the next distinct value above it when its plateau would overshoot.
 */
function closestCut(sorted: Float64Array, share: number): number {
  const n = sorted.length;
  const k = Math.min(n - 1, Math.max(0, Math.floor((1 - share) * n)));
  const v = sorted[k];
  const shareFrom = (value: number) => (n - lowerBound(sorted, value)) / n;
  let above = k;
  while (above < n && sorted[above] === v) above++;
  if (above >= n) return v;
  const next = sorted[above];
  return Math.abs(shareFrom(next) - share) < Math.abs(shareFrom(v) - share) ? next : v;
}

/** Index of the first value ≥ x in ascending `sorted`. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function nextUp(x: number): number {
  return x + Math.max(Number.EPSILON, Math.abs(x) * 1e-12);
}
