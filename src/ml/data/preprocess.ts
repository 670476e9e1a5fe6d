/**
 * Turns raw FeatureMatrix rows into model inputs, with every statistic learned from training rows
 * only (so validation and test rows never leak into imputation or scaling).
 *
 * numeric:     optional log1p for heavy-tailed non-negative columns, median imputation, a 0/1
 *              missing-indicator column for each column that had gaps in training, standardisation
 *              (mean/std), then clipping to ±clip standard deviations.
 * categorical: a vocabulary per field (most frequent first, capped); index 0 is "other": unseen,
 *              rare and blank values all land there, so scoring never fails on a new category.
 * sequence:    per-channel log1p (heavy tails) and standardisation; missing days become 0 (the mean).
 */
import { rowCount, validateFeatureMatrix, type FeatureMatrix } from './dataset';

export interface PreprocessorOptions {
  /** Categories kept per field, most frequent first; the rest share index 0. Default 50. */
  maxCategories?: number;
  /** A category seen fewer times than this in training shares index 0. Default 2. */
  minCategoryCount?: number;
  /** 'auto' applies log1p to non-negative columns with skewness above 2. Default 'auto'. */
  logTransform?: 'auto' | 'never';
  /** Standardised values are clipped to ±clip, so one absurd value cannot dominate a score. Default 10. */
  clip?: number;
}

export interface NumericColumnState {
  name: string;
  log1p: boolean;
  median: number;
  mean: number;
  std: number;
  /** Whether a `<name>__missing` indicator column follows the numeric block. */
  missingIndicator: boolean;
}

export interface CategoricalFieldState {
  name: string;
  /** Category at index i + 1; index 0 is "other/unseen/blank". */
  vocabulary: string[];
}

export interface SequenceState {
  channels: string[];
  /** Days per row the models were trained on (T). */
  length: number;
  log1p: boolean[];
  mean: number[];
  std: number[];
}

/** Everything a fitted Preprocessor knows, as plain JSON. */
export interface PreprocessorState {
  version: 1;
  clip: number;
  numeric: NumericColumnState[];
  categorical: CategoricalFieldState[];
  sequence: SequenceState | null;
}

/** Model-ready inputs for n rows. */
export interface TransformedFeatures {
  n: number;
  /** Shape: [n, numericWidth], row-major, standardised (plus 0/1 missing indicators). */
  numeric: Float32Array;
  numericWidth: number;
  /** One index array per categorical field. Shape: [q][n], values in [0, cardinality). */
  categorical: Int32Array[];
  /** Shape: [n, T, c], row-major, standardised; null when the preprocessor has no sequence. */
  sequence: Float32Array | null;
}

const MISSING_SUFFIX = '__missing';
const STD_FLOOR = 1e-9;

function isMissing(v: number | null | undefined): boolean {
  return v === null || v === undefined || !Number.isFinite(v);
}

function moments(values: Float64Array): { mean: number; std: number; skew: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, std: 0, skew: 0 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  const std = Math.sqrt(m2);
  return { mean, std, skew: std > 0 ? m3 / (std * std * std) : 0 };
}

function median(values: Float64Array): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function wantsLog(values: Float64Array, mode: 'auto' | 'never'): boolean {
  if (mode === 'never' || values.length === 0) return false;
  let min = Infinity;
  const distinct = new Set<number>();
  for (const v of values) {
    min = Math.min(min, v);
    if (distinct.size <= 10) distinct.add(v);
  }
  // Few distinct values (flags, small counts) gain nothing from a log and lose readability.
  return min >= 0 && distinct.size > 10 && moments(values).skew > 2;
}

/** Learns imputation, scaling and vocabularies from training rows; applies them to any rows. */
export class Preprocessor {
  private constructor(readonly state: PreprocessorState) {}

  /** Fits on training rows only. Shape of `features`: see FeatureMatrix. */
  static fit(features: FeatureMatrix, options: PreprocessorOptions = {}): Preprocessor {
    const { maxCategories = 50, minCategoryCount = 2, logTransform = 'auto', clip = 10 } = options;
    const n = validateFeatureMatrix(features);
    const numeric = features.numericNames.map((name, j): NumericColumnState => {
      const present: number[] = [];
      for (let i = 0; i < n; i++) {
        const v = features.numeric[i][j];
        if (!isMissing(v)) present.push(v as number);
      }
      const raw = Float64Array.from(present);
      const log1p = wantsLog(raw, logTransform);
      const values = log1p ? raw.map(Math.log1p) : raw;
      const { mean, std } = moments(values);
      return {
        name,
        log1p,
        median: median(values),
        mean,
        std: std > STD_FLOOR ? std : 1,
        missingIndicator: present.length < n,
      };
    });
    const categorical = features.categoricalNames.map((name, j): CategoricalFieldState => {
      const counts = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const v = features.categorical[i][j].trim();
        if (v !== '') counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const vocabulary = [...counts.entries()]
        .filter(([, c]) => c >= minCategoryCount)
        // Ties broken by name so the vocabulary does not depend on row order.
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, maxCategories)
        .map(([v]) => v);
      return { name, vocabulary };
    });
    return new Preprocessor({
      version: 1,
      clip,
      numeric,
      categorical,
      sequence: features.sequence !== undefined ? fitSequence(features, logTransform) : null,
    });
  }

  /** Restores a preprocessor from `toJSON()` output. */
  static fromJSON(state: PreprocessorState): Preprocessor {
    if (state.version !== 1) throw new Error(`unsupported preprocessor version ${state.version}`);
    return new Preprocessor(structuredClone(state));
  }

  toJSON(): PreprocessorState {
    return structuredClone(this.state);
  }

  /** Names of the dense numeric inputs: the numeric columns, then their missing indicators. */
  get numericColumns(): string[] {
    const s = this.state.numeric;
    return [
      ...s.map((c) => c.name),
      ...s.filter((c) => c.missingIndicator).map((c) => `${c.name}${MISSING_SUFFIX}`),
    ];
  }

  /** Vocabulary size per categorical field, including the "other" slot at index 0. */
  get cardinalities(): number[] {
    return this.state.categorical.map((c) => c.vocabulary.length + 1);
  }

  /** [T, c] of the sequence input, or null. */
  get sequenceShape(): [number, number] | null {
    const s = this.state.sequence;
    return s === null ? null : [s.length, s.channels.length];
  }

  /**
   * Applies the fitted transforms. Columns are matched by name, so a caller may pass columns in a
   * different order or with extras; a missing column is an error. Unseen categories map to 0.
   */
  transform(features: FeatureMatrix): TransformedFeatures {
    const n = rowCount(features);
    const { numeric, categorical, sequence, clip } = this.state;
    const width = this.numericColumns.length;
    const out = new Float32Array(n * width);
    const numIndex = columnIndex(features.numericNames, numeric, 'numeric');
    let indicator = numeric.length;
    numeric.forEach((col, k) => {
      const j = numIndex[k];
      const slot = col.missingIndicator ? indicator++ : -1;
      for (let i = 0; i < n; i++) {
        const raw = features.numeric[i][j];
        const missing = isMissing(raw);
        let v = missing
          ? col.median
          : col.log1p
            ? Math.log1p(Math.max(raw as number, 0))
            : (raw as number);
        v = (v - col.mean) / col.std;
        out[i * width + k] = v > clip ? clip : v < -clip ? -clip : v;
        if (slot >= 0) out[i * width + slot] = missing ? 1 : 0;
      }
    });
    const catIndex = columnIndex(features.categoricalNames, categorical, 'categorical');
    const cats = categorical.map((field, k) => {
      const lookup = new Map(field.vocabulary.map((v, idx) => [v, idx + 1]));
      const j = catIndex[k];
      const idx = new Int32Array(n);
      for (let i = 0; i < n; i++) idx[i] = lookup.get(features.categorical[i][j].trim()) ?? 0;
      return idx;
    });
    return {
      n,
      numeric: out,
      numericWidth: width,
      categorical: cats,
      sequence: sequence === null ? null : transformSequence(features, sequence, n),
    };
  }
}

function columnIndex(given: string[], expected: { name: string }[], kind: string): number[] {
  const at = new Map(given.map((name, j) => [name, j]));
  return expected.map(({ name }) => {
    const j = at.get(name);
    if (j === undefined) throw new Error(`${kind} column '${name}' is missing from the input`);
    return j;
  });
}

function fitSequence(features: FeatureMatrix, logTransform: 'auto' | 'never'): SequenceState {
  const rows = features.sequence ?? [];
  const channels = features.sequenceChannels ?? [];
  const length = rows.reduce((max, r) => Math.max(max, r.length), 0);
  const state: SequenceState = { channels, length, log1p: [], mean: [], std: [] };
  channels.forEach((_, ch) => {
    const values: number[] = [];
    for (const days of rows) {
      for (let t = 0; t < days.length; t++) {
        const v = days[t][ch];
        if (Number.isFinite(v)) values.push(v);
      }
    }
    const raw = Float64Array.from(values);
    const log1p = wantsLog(raw, logTransform);
    const { mean, std } = moments(log1p ? raw.map(Math.log1p) : raw);
    state.log1p.push(log1p);
    state.mean.push(mean);
    state.std.push(std > STD_FLOOR ? std : 1);
  });
  return state;
}

function transformSequence(features: FeatureMatrix, s: SequenceState, n: number): Float32Array {
  const rows = features.sequence;
  if (rows === undefined) throw new Error('the model expects a sequence input and none was given');
  const c = s.channels.length;
  const order = columnIndex(
    features.sequenceChannels ?? [],
    s.channels.map((name) => ({ name })),
    'sequence',
  );
  const out = new Float32Array(n * s.length * c);
  for (let i = 0; i < n; i++) {
    const days = rows[i];
    // Align on the most recent day: a shorter history is padded at the start with 0 (the mean),
    // a longer one keeps its last T days.
    const offset = s.length - days.length;
    for (let t = Math.max(0, -offset); t < days.length; t++) {
      const base = (i * s.length + t + offset) * c;
      for (let k = 0; k < c; k++) {
        const raw = days[t][order[k]];
        if (!Number.isFinite(raw)) continue;
        const v = s.log1p[k] ? Math.log1p(Math.max(raw, 0)) : raw;
        out[base + k] = (v - s.mean[k]) / s.std[k];
      }
    }
  }
  return out;
}
