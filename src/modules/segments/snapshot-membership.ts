/**
 * Who was in which segment at a run's snapshot. A run fits its segments on the subscribers active
 * at its snapshot T and stores only today's members; the snapshot members (whose behaviour after T
 * is observed, e.g. for survival curves per segment) are recomputed here the way the fit placed
 * them: batch features at T, standardised with the run's standardizer, nearest stored centroid.
 */
import { nearestCentroid, standardize } from '../../ml';
import type { FeatureService, LabelledFeatureRow } from '../features/feature.service';
import { segmentInput } from './segment-features';
import type { SegmentsRepository } from './segments.repository';

export interface SnapshotMembership {
  runId: string;
  snapshotAt: Date;
  horizonDays: number;
  segments: { id: string; label: string }[];
  /** One entry per subscriber active at the snapshot. */
  members: { userId: string; segmentId: string }[];
}

/**
 * The snapshot members of run `runId` (default: the latest run); null when there is no run.
 * `rows` may pass the batch rows at the run's snapshot when the caller has them already.
 */
export async function snapshotMembership(
  repository: SegmentsRepository,
  features: FeatureService,
  runId: string | null = null,
  rows?: readonly LabelledFeatureRow[],
): Promise<SnapshotMembership | null> {
  const run = await repository.snapshotRun(runId);
  if (!run) return null;
  const { segments } = run;
  const snapshotAt = new Date(run.snapshot_at);
  const atSnapshot = rows ?? (await features.batchAt(snapshotAt, run.horizon_days));
  const nearest = nearestCentroid(
    standardize(
      atSnapshot.map((r) => segmentInput(r.values)),
      run.standardizer,
    ),
    segments.map((s) => s.centroid_z),
  );
  return {
    runId: run.id,
    snapshotAt,
    horizonDays: run.horizon_days,
    segments: segments.map((s) => ({ id: String(s.id), label: s.label })),
    members: atSnapshot.map((r, i) => ({
      userId: r.userId,
      segmentId: String(segments[nearest[i]].id),
    })),
  };
}
