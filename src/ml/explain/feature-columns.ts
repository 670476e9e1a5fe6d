/**
 * Original features of a raw FeatureMatrix (before preprocessing) and the row surgery the
 * model-agnostic methods need: KernelSHAP mixes a row with a background row feature by feature,
 * permutation importance shuffles one feature across rows. A feature is a numeric column, a
 * categorical column, or a sequence channel (or the whole sequence as one block).
 */
import type { FeatureMatrix } from '../data/dataset';
import { sequenceFeatureName } from './feature-groups';

export interface OriginalFeature {
  name: string;
  kind: 'numeric' | 'categorical' | 'sequence';
  /** Column index (numeric, categorical), channel index (sequence), or -1 for the whole sequence. */
  index: number;
}

/** How the sequence enters as features: one per channel (`sequence:<channel>`) or one block (`sequence`). */
export type SequenceGrouping = 'channel' | 'block';

/** The features of a matrix in a fixed order: numeric, categorical, then the sequence. */
export function originalFeatures(
  fm: FeatureMatrix,
  grouping: SequenceGrouping = 'channel',
): OriginalFeature[] {
  const out: OriginalFeature[] = [
    ...fm.numericNames.map((name, index) => ({ name, kind: 'numeric' as const, index })),
    ...fm.categoricalNames.map((name, index) => ({ name, kind: 'categorical' as const, index })),
  ];
  if (fm.sequence !== undefined) {
    const channels = fm.sequenceChannels ?? [];
    if (grouping === 'block') out.push({ name: 'sequence', kind: 'sequence', index: -1 });
    else
      channels.forEach((ch, index) =>
        out.push({ name: sequenceFeatureName(ch), kind: 'sequence', index }),
      );
  }
  return out;
}

type Days = ArrayLike<ArrayLike<number>>;

function sameNumber(a: number | null | undefined, b: number | null | undefined): boolean {
  const missingA = a === null || a === undefined || Number.isNaN(a);
  const missingB = b === null || b === undefined || Number.isNaN(b);
  return missingA || missingB ? missingA === missingB : a === b;
}

/** Whether row i of `a` and row j of `b` agree on `feature` (missing equals missing). */
export function sameFeatureValue(
  a: FeatureMatrix,
  i: number,
  b: FeatureMatrix,
  j: number,
  feature: OriginalFeature,
): boolean {
  if (feature.kind === 'numeric')
    return sameNumber(a.numeric[i][feature.index], b.numeric[j][feature.index]);
  if (feature.kind === 'categorical')
    return a.categorical[i][feature.index] === b.categorical[j][feature.index];
  const da = a.sequence![i];
  const db = b.sequence![j];
  if (da.length !== db.length) return false;
  const c = a.sequenceChannels?.length ?? 0;
  for (let t = 0; t < da.length; t++) {
    for (let k = 0; k < c; k++) {
      if ((feature.index < 0 || feature.index === k) && !sameNumber(da[t][k], db[t][k]))
        return false;
    }
  }
  return true;
}

/**
 * A day series taking channel k from `donor` where fromDonor[k], else from `base`. Both are aligned
 * on their most recent day, as Preprocessor.transform aligns them; where the shorter one has no day
 * the value is NaN, which the preprocessor treats like the padding it would have added (the mean).
 * Shape: [max(T_base, T_donor)][c].
 */
export function mixChannels(
  base: Days,
  donor: Days,
  fromDonor: ArrayLike<boolean>,
  c: number,
): number[][] {
  const length = Math.max(base.length, donor.length);
  const out: number[][] = [];
  for (let t = 0; t < length; t++) {
    const tb = t - (length - base.length);
    const td = t - (length - donor.length);
    const day: number[] = new Array(c);
    for (let k = 0; k < c; k++) {
      const src = fromDonor[k] ? donor : base;
      const ts = fromDonor[k] ? td : tb;
      day[k] = ts >= 0 ? src[ts][k] : NaN;
    }
    out.push(day);
  }
  return out;
}

/**
 * A copy of `fm` in which row i takes `feature` from row order[i] (other features untouched; rows
 * that do not change are shared, not copied). Shape: same as fm.
 */
export function permuteFeature(
  fm: FeatureMatrix,
  feature: OriginalFeature,
  order: ArrayLike<number>,
): FeatureMatrix {
  const n = order.length;
  if (feature.kind === 'numeric') {
    const numeric = Array.from({ length: n }, (_, i) => {
      const row = Array.from(fm.numeric[i]);
      row[feature.index] = fm.numeric[order[i]][feature.index];
      return row;
    });
    return { ...fm, numeric };
  }
  if (feature.kind === 'categorical') {
    const categorical = Array.from({ length: n }, (_, i) => {
      const row = [...fm.categorical[i]];
      row[feature.index] = fm.categorical[order[i]][feature.index];
      return row;
    });
    return { ...fm, categorical };
  }
  const seq = fm.sequence!;
  const c = fm.sequenceChannels?.length ?? 0;
  const fromDonor = Array.from({ length: c }, (_, k) => feature.index < 0 || feature.index === k);
  const sequence = Array.from({ length: n }, (_, i) =>
    feature.index < 0 ? seq[order[i]] : mixChannels(seq[i], seq[order[i]], fromDonor, c),
  );
  return { ...fm, sequence };
}
