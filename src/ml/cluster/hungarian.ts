/**
 * Optimal assignment (the Hungarian method, Kuhn–Munkres, in the O(n³) shortest-augmenting-path
 * form with potentials). Rectangular costs are handled by matching min(rows, cols) pairs.
 */

/**
 * The assignment of rows to distinct columns with the smallest total cost. Shape: cost [r][c] →
 * [r], the column of each row, or −1 for rows left over when r > c.
 */
export function optimalAssignment(cost: number[][]): Int32Array {
  const r = cost.length;
  const c = r > 0 ? cost[0].length : 0;
  const out = new Int32Array(r).fill(-1);
  if (r === 0 || c === 0) return out;
  // The algorithm wants rows ≤ columns; transpose otherwise.
  const transpose = r > c;
  const n = transpose ? c : r;
  const m = transpose ? r : c;
  const at = (i: number, j: number): number => (transpose ? cost[j][i] : cost[i][j]);
  // 1-based arrays; column 0 is a virtual start.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const match = new Int32Array(m + 1); // match[j] = row assigned to column j (0 = none)
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    match[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = match[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = at(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[match[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (match[j0] !== 0);
    do {
      const j1 = way[j0];
      match[j0] = match[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  for (let j = 1; j <= m; j++) {
    if (match[j] === 0) continue;
    if (transpose) out[j - 1] = match[j] - 1;
    else out[match[j] - 1] = j - 1;
  }
  return out;
}
