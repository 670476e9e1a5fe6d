/**
 * Ranking metrics: how well scores order churners above stayers, whatever their scale.
 * Pure JS over parallel arrays; ties are handled exactly, never by accident of sort order.
 */

function checkLengths(scores: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (scores.length !== labels.length) {
    throw new Error(`${scores.length} scores but ${labels.length} labels`);
  }
}

function countPositives(labels: ArrayLike<number>): number {
  let p = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) p++;
  return p;
}

/** Indices sorted by score, descending; stable so equal scores keep row order. */
function orderDescending(scores: ArrayLike<number>): Int32Array {
  const idx = Int32Array.from({ length: scores.length }, (_, i) => i);
  return idx.sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * ROC-AUC as the Mann-Whitney statistic: the probability that a random positive scores above a
 * random negative, counting ties as one half (average ranks). NaN when a class is absent.
 * Shapes: scores [n], labels [n] (0/1).
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkLengths(scores, labels);
  const n = scores.length;
  const pos = countPositives(labels);
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  const idx = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && scores[idx[end + 1]] === scores[idx[start]]) end++;
    // Ranks start..end (1-based: start+1..end+1) are shared by the tie group.
    const avgRank = (start + end + 2) / 2;
    for (let k = start; k <= end; k++) if (labels[idx[k]] === 1) rankSumPos += avgRank;
    start = end + 1;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * PR-AUC as average precision (step-wise, no interpolation): AP = Σ_k (R_k − R_{k−1}) · P_k over
 * the distinct score thresholds, highest first; tied scores enter together. NaN with no positives.
 * Shapes: scores [n], labels [n] (0/1).
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkLengths(scores, labels);
  const pos = countPositives(labels);
  if (pos === 0) return NaN;
  const idx = orderDescending(scores);
  let tp = 0;
  let seen = 0;
  let prevRecall = 0;
  let ap = 0;
  for (let start = 0; start < idx.length;) {
    let end = start;
    while (end + 1 < idx.length && scores[idx[end + 1]] === scores[idx[start]]) end++;
    for (let k = start; k <= end; k++) if (labels[idx[k]] === 1) tp++;
    seen = end + 1;
    const recall = tp / pos;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
    start = end + 1;
  }
  return ap;
}

/**
 * Lift in the top `fraction` of rows by score: the churn rate among them over the overall rate.
 * The top group is ceil(fraction · n) rows; a tie group straddling its edge counts with its mean
 * rate (the expected value over random tie-breaking), so the result does not depend on row order.
 * NaN with no positives. Shapes: scores [n], labels [n] (0/1).
 */
export function liftAt(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  fraction = 0.1,
): number {
  checkLengths(scores, labels);
  const n = scores.length;
  const pos = countPositives(labels);
  if (pos === 0 || n === 0) return NaN;
  const k = Math.max(1, Math.ceil(fraction * n - 1e-9));
  const idx = orderDescending(scores);
  let taken = 0;
  let hits = 0;
  for (let start = 0; start < n && taken < k;) {
    let end = start;
    while (end + 1 < n && scores[idx[end + 1]] === scores[idx[start]]) end++;
    const size = end - start + 1;
    let groupPos = 0;
    for (let j = start; j <= end; j++) groupPos += labels[idx[j]] === 1 ? 1 : 0;
    const take = Math.min(size, k - taken);
    hits += (groupPos * take) / size;
    taken += take;
    start = end + 1;
  }
  return hits / k / (pos / n);
}
