/**
 * Qini curves and the area under them, for ranking rows by predicted uplift.
 *
 * Rows are sorted by score, highest first (tied scores enter together). After each block the
 * Qini value is Q = Y_t − Y_c · N_t / N_c: the outcomes among treated rows of the prefix beyond
 * what the prefix's controls say they would have had (0 while the prefix has no control). The
 * curve runs from (0, 0) to (1, Q(1)) over the share of rows targeted; random targeting follows
 * the straight line to Q(1).
 *
 * - AUUC: the area under the Qini curve divided by the number of rows (incremental outcomes per
 *   row, averaged over every targeting depth). Random targeting expects Q(1) / (2n).
 * - Qini coefficient: AUUC minus that random area (the area between the curve and the diagonal).
 */

export interface QiniPoint {
  /** Share of rows targeted, (0, 1]. */
  fraction: number;
  /** Q at that depth (outcome units, e.g. extra visits). */
  qini: number;
}

export interface QiniSummary {
  curve: QiniPoint[];
  /** Area under the Qini curve / n. */
  auuc: number;
  /** Expected AUUC of random targeting: Q(1) / (2n). */
  randomAuuc: number;
  /** auuc − randomAuuc. */
  qiniCoefficient: number;
  /** Q(1): incremental outcomes if everyone were treated, on the treated arm's scale. */
  total: number;
}

/**
 * Qini curve and areas. Shapes: scores [n] (higher = target first), treated [n] (1/0),
 * outcome [n] (any real outcome; 0/1 for conversions).
 */
export function qini(
  scores: ArrayLike<number>,
  treated: ArrayLike<number>,
  outcome: ArrayLike<number>,
): QiniSummary {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const curve: QiniPoint[] = [{ fraction: 0, qini: 0 }];
  let nt = 0;
  let nc = 0;
  let yt = 0;
  let yc = 0;
  for (let k = 0; k < n;) {
    let j = k;
    while (j < n && scores[order[j]] === scores[order[k]]) {
      const i = order[j];
      if (treated[i] === 1) {
        nt++;
        yt += outcome[i];
      } else {
        nc++;
        yc += outcome[i];
      }
      j++;
    }
    curve.push({ fraction: j / n, qini: nc > 0 ? yt - (yc * nt) / nc : 0 });
    k = j;
  }
  return summarise(curve, n);
}

/**
 * The same areas when the true individual effects are known (the synthetic world): the curve is
 * the cumulative true effect of the rows targeted so far. Shapes: scores [n], effects [n].
 */
export function trueGain(scores: ArrayLike<number>, effects: ArrayLike<number>): QiniSummary {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const curve: QiniPoint[] = [{ fraction: 0, qini: 0 }];
  let gain = 0;
  for (let k = 0; k < n;) {
    let j = k;
    while (j < n && scores[order[j]] === scores[order[k]]) gain += effects[order[j++]];
    curve.push({ fraction: j / n, qini: gain });
    k = j;
  }
  return summarise(curve, n);
}

function summarise(curve: QiniPoint[], n: number): QiniSummary {
  let area = 0;
  for (let k = 1; k < curve.length; k++) {
    const a = curve[k - 1];
    const b = curve[k];
    area += ((a.qini + b.qini) / 2) * (b.fraction - a.fraction);
  }
  const total = curve[curve.length - 1].qini;
  const auuc = n > 0 ? area / n : 0;
  const randomAuuc = n > 0 ? total / (2 * n) : 0;
  return { curve, auuc, randomAuuc, qiniCoefficient: auuc - randomAuuc, total };
}
