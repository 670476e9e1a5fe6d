/**
 * In a randomised campaign every pre-treatment covariate is balanced across arms; a column whose
 * distribution differs between an arm and the control far beyond chance was measured after the
 * treatment (another outcome, such as spend beside visits) and would leak the outcome into an
 * uplift model. This finds such columns so they can be set aside.
 */
import type { FeatureMatrix } from '../data/dataset';

export interface ImbalancedColumn {
  column: string;
  /** Largest |z| of a difference in means (numeric) or in a category's share (categorical). */
  z: number;
}

/**
 * Columns whose largest |z| between any treatment arm and the control exceeds `threshold`
 * (default 4: under randomisation a given column passes it with probability ≈ 6e-5).
 * Shapes: features [n, ·]; arm [n]: the arm label of each row.
 */
export function imbalancedColumns(
  features: FeatureMatrix,
  arm: readonly string[],
  control: string,
  threshold = 4,
): ImbalancedColumn[] {
  const arms = [...new Set(arm)].filter((a) => a !== control);
  const out: ImbalancedColumn[] = [];
  features.numericNames.forEach((column, j) => {
    const value = (i: number) => Number(features.numeric[i][j]);
    const z = Math.max(0, ...arms.map((a) => zOf(arm, a, control, value)));
    if (z > threshold) out.push({ column, z });
  });
  features.categoricalNames.forEach((column, j) => {
    const categories = new Set(features.categorical.map((row) => row[j]));
    let z = 0;
    for (const cat of categories) {
      const value = (i: number) => (features.categorical[i][j] === cat ? 1 : 0);
      for (const a of arms) z = Math.max(z, zOf(arm, a, control, value));
    }
    if (z > threshold) out.push({ column, z });
  });
  return out;
}

function zOf(arm: readonly string[], a: string, control: string, value: (i: number) => number) {
  const s = { [a]: [0, 0, 0], [control]: [0, 0, 0] } as Record<string, number[]>;
  arm.forEach((label, i) => {
    const acc = s[label];
    if (!acc) return;
    const v = value(i);
    if (!Number.isFinite(v)) return;
    acc[0]++;
    acc[1] += v;
    acc[2] += v * v;
  });
  const [n1, s1, q1] = s[a];
  const [n0, s0, q0] = s[control];
  if (n1 < 2 || n0 < 2) return 0;
  const m1 = s1 / n1;
  const m0 = s0 / n0;
  const v1 = (q1 - n1 * m1 * m1) / (n1 - 1);
  const v0 = (q0 - n0 * m0 * m0) / (n0 - 1);
  const se = Math.sqrt(v1 / n1 + v0 / n0);
  return se > 0 ? Math.abs(m1 - m0) / se : 0;
}
