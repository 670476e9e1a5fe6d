/**
 * Survival subjects from the churn snapshots: the features of every subscriber active at a snapshot
 * T (the same batch rows the churn classifier trains on) and their follow-up from T to the first
 * cancellation, cut at a cutoff. Training snapshots are cut at the validation snapshot, so no
 * training subject's follow-up overlaps the validation period; validation subjects run to the end
 * of the data.
 */
import type { DataSource } from 'typeorm';
import { followUp, selectRows, type SurvivalData } from '../../ml';
import { firstCancellations } from '../events/subscription-events.repository';
import { toFeatureMatrix } from '../features/feature-matrix';
import type { LabelledFeatureRow } from '../features/feature.service';
import { userHalf } from '../features/snapshot-plan';

export interface SurvivalSubjects extends SurvivalData {
  userIds: string[];
  /** The plan at the snapshot (the KM baseline's groups). */
  plans: string[];
}

/** Subjects of one snapshot, followed from `snapshot` up to `cutoff`. */
export async function subjectsAt(
  dataSource: DataSource,
  snapshot: Date,
  cutoff: Date,
  rows: readonly LabelledFeatureRow[],
): Promise<SurvivalSubjects> {
  const cancels = await firstCancellations(dataSource, snapshot, cutoff);
  const outcomes = rows.map((r) =>
    followUp(snapshot.getTime(), cancels.get(r.userId)?.getTime() ?? null, cutoff.getTime()),
  );
  return {
    features: toFeatureMatrix(rows),
    outcomes: { time: outcomes.map((o) => o.time), event: outcomes.map((o) => o.event) },
    userIds: rows.map((r) => r.userId),
    plans: rows.map((r) => String(r.values.plan ?? '')),
  };
}

/** Subjects of several snapshots as one set. */
export function concatSubjects(parts: readonly SurvivalSubjects[]): SurvivalSubjects {
  const first = parts[0];
  return {
    features: {
      numeric: parts.flatMap((p) => p.features.numeric),
      numericNames: first.features.numericNames,
      categorical: parts.flatMap((p) => p.features.categorical),
      categoricalNames: first.features.categoricalNames,
    },
    outcomes: {
      time: parts.flatMap((p) => Array.from(p.outcomes.time)),
      event: parts.flatMap((p) => Array.from(p.outcomes.event)),
    },
    userIds: parts.flatMap((p) => p.userIds),
    plans: parts.flatMap((p) => p.plans),
  };
}

/** The subjects at `idx`. */
export function subsetSubjects(s: SurvivalSubjects, idx: readonly number[]): SurvivalSubjects {
  return {
    features: selectRows(s.features, [...idx]),
    outcomes: {
      time: idx.map((i) => s.outcomes.time[i]),
      event: idx.map((i) => s.outcomes.event[i]),
    },
    userIds: idx.map((i) => s.userIds[i]),
    plans: idx.map((i) => s.plans[i]),
  };
}

/** The validation subjects split by user like the churn models' (calibration half, evaluation half). */
export function splitSubjects(s: SurvivalSubjects): {
  cal: SurvivalSubjects;
  evalSet: SurvivalSubjects;
} {
  const halves: [number[], number[]] = [[], []];
  s.userIds.forEach((id, i) => halves[userHalf(id)].push(i));
  return { cal: subsetSubjects(s, halves[0]), evalSet: subsetSubjects(s, halves[1]) };
}
