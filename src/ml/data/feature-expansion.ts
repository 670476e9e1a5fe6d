/**
 * Extra columns for a linear model on a customer table, learned from training rows only:
 * - a restricted cubic spline basis (Harrell's natural spline: linear beyond the outer knots) of
 *   each numeric column with enough distinct values, knots at fixed quantiles, so a logistic
 *   regression can bend with tenure or spend where churn does;
 * - products of each standardised numeric column with each common level of each categorical field,
 *   so a slope may differ by group (tenure on a month-to-month contract against a two-year one).
 * The output is a FeatureMatrix with the new numeric columns appended; the preprocessor and the
 * model's L2 penalty take it from there.
 */
import type { FeatureMatrix } from './dataset';

export interface FeatureExpansionOptions {
  /** Knots per spline (3–6); 0 for no splines. Default 4. */
  splineKnots?: number;
  /** Add numeric × categorical-level products. Default true. */
  interactions?: boolean;
  /** A level joins the interactions when it holds at least this share of training rows. Default 0.05. */
  minLevelShare?: number;
}

export interface FeatureExpansionState {
  splines: { column: string; knots: number[] }[];
  interactions: { numeric: string; mean: number; std: number; field: string; level: string }[];
}

/** Quantiles of the knots for k = 3 … 6 (Harrell, Regression Modeling Strategies, table 2.3). */
const KNOT_QUANTILES: Record<number, number[]> = {
  3: [0.1, 0.5, 0.9],
  4: [0.05, 0.35, 0.65, 0.95],
  5: [0.05, 0.275, 0.5, 0.725, 0.95],
  6: [0.05, 0.23, 0.41, 0.59, 0.77, 0.95],
};
const MIN_DISTINCT_FOR_SPLINE = 10;

export class FeatureExpansion {
  private constructor(readonly state: FeatureExpansionState) {}

  /** Learns knots, levels and scales from training rows. */
  static fit(features: FeatureMatrix, options: FeatureExpansionOptions = {}): FeatureExpansion {
    const { splineKnots = 4, interactions = true, minLevelShare = 0.05 } = options;
    if (splineKnots !== 0 && !KNOT_QUANTILES[splineKnots]) {
      throw new Error(`splineKnots must be 0 or 3..6, got ${splineKnots}`);
    }
    const n = features.numeric.length || features.categorical.length;
    const splines: FeatureExpansionState['splines'] = [];
    const scales = features.numericNames.map((column, j) => {
      const values = features.numeric
        .map((row) => Number(row[j]))
        .filter((v) => Number.isFinite(v))
        .sort((a, b) => a - b);
      const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
      const std =
        Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length)) ||
        1;
      if (splineKnots > 0 && new Set(values).size >= MIN_DISTINCT_FOR_SPLINE) {
        const knots = KNOT_QUANTILES[splineKnots].map((q) => quantile(values, q));
        if (new Set(knots).size === knots.length) splines.push({ column, knots });
      }
      return { column, mean, std, binary: new Set(values).size <= 2 };
    });
    const pairs: FeatureExpansionState['interactions'] = [];
    if (interactions) {
      features.categoricalNames.forEach((field, f) => {
        const counts = new Map<string, number>();
        for (const row of features.categorical) counts.set(row[f], (counts.get(row[f]) ?? 0) + 1);
        const levels = [...counts.entries()]
          .filter(([level, c]) => level.trim() !== '' && c >= minLevelShare * n)
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .map(([level]) => level);
        // The most common level is the reference: its slope is the numeric column's own.
        for (const level of levels.slice(1)) {
          for (const s of scales) {
            if (!s.binary)
              pairs.push({ numeric: s.column, mean: s.mean, std: s.std, field, level });
          }
        }
      });
    }
    return new FeatureExpansion({ splines, interactions: pairs });
  }

  static fromJSON(state: FeatureExpansionState): FeatureExpansion {
    return new FeatureExpansion(structuredClone(state));
  }

  toJSON(): FeatureExpansionState {
    return structuredClone(this.state);
  }

  /** Names of the columns `transform` appends, in order. */
  get addedColumns(): string[] {
    return [
      ...this.state.splines.flatMap((s) =>
        s.knots.slice(0, -2).map((_, k) => `${s.column}__spline${k + 1}`),
      ),
      ...this.state.interactions.map((p) => `${p.numeric}__x__${p.field}=${p.level}`),
    ];
  }

  /** The rows with the added numeric columns appended. Shape: [n, p + added]. */
  transform(features: FeatureMatrix): FeatureMatrix {
    const numIndex = new Map(features.numericNames.map((name, j) => [name, j]));
    const catIndex = new Map(features.categoricalNames.map((name, j) => [name, j]));
    const column = (name: string, index: Map<string, number>) => {
      const j = index.get(name);
      if (j === undefined) throw new Error(`column '${name}' is missing from the input`);
      return j;
    };
    const splineCols = this.state.splines.map((s) => ({ ...s, j: column(s.column, numIndex) }));
    const pairCols = this.state.interactions.map((p) => ({
      ...p,
      j: column(p.numeric, numIndex),
      f: column(p.field, catIndex),
    }));
    const n = features.numeric.length || features.categorical.length;
    const numeric = Array.from({ length: n }, (_, i) => {
      const row = Array.from(features.numeric[i] ?? [], (v) => (v === null ? Number.NaN : v));
      for (const s of splineCols)
        row.push(...splineBasis(Number(features.numeric[i][s.j]), s.knots));
      for (const p of pairCols) {
        const x = Number(features.numeric[i][p.j]);
        const z = Number.isFinite(x) ? (x - p.mean) / p.std : 0;
        row.push(features.categorical[i][p.f] === p.level ? z : 0);
      }
      return row;
    });
    return { ...features, numeric, numericNames: [...features.numericNames, ...this.addedColumns] };
  }
}

/**
 * The k − 2 non-linear terms of a restricted cubic spline with knots t (Harrell's form, scaled by
 * (t_k − t_1)² so the terms are in the units of x). NaN for a missing x.
 */
export function splineBasis(x: number, t: readonly number[]): number[] {
  const k = t.length;
  if (!Number.isFinite(x)) return Array.from({ length: k - 2 }, () => Number.NaN);
  const cube = (v: number) => (v > 0 ? v * v * v : 0);
  const scale = (t[k - 1] - t[0]) ** 2;
  const out: number[] = [];
  for (let j = 0; j < k - 2; j++) {
    out.push(
      (cube(x - t[j]) -
        (cube(x - t[k - 2]) * (t[k - 1] - t[j])) / (t[k - 1] - t[k - 2]) +
        (cube(x - t[k - 1]) * (t[k - 2] - t[j])) / (t[k - 1] - t[k - 2])) /
        scale,
    );
  }
  return out;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
