/**
 * The labelled sets of a training run: rows to matrices, the minimum a set needs to be trained or
 * judged on, the stable split of the validation snapshot into a calibration half and an evaluation
 * half, and the fingerprint of the data a model saw.
 */
import { createHash } from 'node:crypto';
import { DomainError, ErrorCode } from '../../common/domain-error';
import { selectLabels, selectRows } from '../../ml';
import { toFeatureMatrix } from '../features/feature-matrix';
import type { LabelledFeatureRow } from '../features/feature.service';
import { userHalf } from '../features/snapshot-plan';

export { userHalf };
import type { LabelledMatrix } from './fit-candidates';

export function labelled(rows: readonly LabelledFeatureRow[]): LabelledMatrix {
  return { features: toFeatureMatrix(rows), labels: rows.map((r) => r.label) };
}

export function assertTrainable(name: string, set: LabelledMatrix): void {
  const positives = set.labels.reduce((a, b) => a + b, 0);
  if (set.labels.length < 50 || positives < 5 || positives === set.labels.length) {
    throw new DomainError(
      ErrorCode.INSUFFICIENT_DATA,
      `the ${name} set has ${set.labels.length} rows and ${positives} churners: too few to train on`,
    );
  }
}

/**
 * The validation snapshot split by user (a stable hash, so the halves are the same on every run): the
 * calibration half tunes, the evaluation half reports.
 */
export function splitValidation(valRows: readonly LabelledFeatureRow[]): {
  cal: LabelledMatrix;
  evalSet: LabelledMatrix;
  evalIdx: number[];
} {
  const val = labelled(valRows);
  const halves: [number[], number[]] = [[], []];
  valRows.forEach((r, i) => halves[userHalf(r.userId)].push(i));
  const part = (idx: number[]): LabelledMatrix => ({
    features: selectRows(val.features, idx),
    labels: Array.from(selectLabels(val.labels, idx)),
  });
  return { cal: part(halves[0]), evalSet: part(halves[1]), evalIdx: halves[1] };
}

export function fingerprintOf(
  train: readonly LabelledFeatureRow[],
  val: readonly LabelledFeatureRow[],
): string {
  const hash = createHash('sha256');
  for (const rows of [train, val]) {
    for (const r of rows) hash.update(`${r.userId}|${r.label}|${JSON.stringify(r.values)}\n`);
  }
  return hash.digest('hex');
}
