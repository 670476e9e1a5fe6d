/** Stored segment rows as the GraphQL types, and a one-line summary of a run for the console. */
import { RISK_ORDER } from '../model-registry/risk-levels';
import { naturalOrder } from './churn-patterns';
import type { Segment, SegmentRun } from './segment.types';
import type { SegmentRow, SegmentRunRow } from './segments.repository';
import { K_RANGE, MIN_SEGMENT_SHARE } from './k-choice';

/** The criterion in words, over the k the run tried (K_RANGE for a run with a fixed k). */
function kCriterion(tried: number[]): string {
  const lo = tried.length > 0 ? Math.min(...tried) : K_RANGE[0];
  const hi = tried.length > 0 ? Math.max(...tried) : K_RANGE[1];
  return (
    `the highest silhouette among k = ${lo}..${hi} whose smallest segment holds at least ` +
    `${Math.round(100 * MIN_SEGMENT_SHARE)}% of the subscribers`
  );
}

export function summaryOf(segments: Segment[]): string {
  const rate = (r: number | null) => (r === null ? '—' : `${(100 * r).toFixed(1)}%`);
  return `${segments.length} segments: ${segments
    .map((s) => `${s.id} "${s.label}" ${s.size} (churn ${rate(s.churnRate)})`)
    .join('; ')}`;
}

export function toSegmentRun(r: SegmentRunRow): SegmentRun {
  return {
    id: r.id,
    createdAt: r.created_at,
    snapshotAt: r.snapshot_at,
    horizonDays: r.horizon_days,
    modelVersion: r.model_version,
    k: r.k,
    kCriterion: kCriterion(r.silhouette_by_k.map((s) => s.k)),
    silhouette: r.silhouette,
    silhouetteByK: r.silhouette_by_k.map((s) => ({
      k: s.k,
      silhouette: s.silhouette,
      smallestShare: s.smallestShare ?? null,
      eligible: s.eligible ?? null,
    })),
    features: r.features,
    fittedUsers: r.fitted_users,
    assignedUsers: r.assigned_users,
    seed: r.seed,
    seconds: Number(r.timings?.runMs ?? 0) / 1000,
  };
}

export function toSegment(r: SegmentRow): Segment {
  const byLevel = r.risk_distribution;
  return {
    id: String(r.id),
    runId: r.run_id,
    label: r.label,
    size: r.size,
    share: r.share,
    churnRate: r.churn_rate,
    meanRisk: r.mean_risk,
    // Runs stored before traits carried plain units read with nulls and the label as summary.
    traits: r.traits.map((t) => ({
      ...t,
      unit: t.unit ?? null,
      median: t.median ?? null,
      everyoneMedian: t.everyoneMedian ?? null,
      summary: t.summary ?? t.label,
    })),
    riskDistribution: RISK_ORDER.map((level) => ({ level, users: byLevel?.[level] ?? 0 })),
    churnPatterns: naturalOrder(r.patterns),
    drift:
      r.previous_id === null
        ? null
        : {
            previousRunId: r.previous_run_id,
            previousSize: r.previous_size,
            sizeChange: r.previous_size === null ? null : r.size - r.previous_size,
            previousChurnRate: r.previous_churn_rate,
            churnRateChange:
              r.previous_churn_rate === null || r.churn_rate === null
                ? null
                : r.churn_rate - r.previous_churn_rate,
            centroidDistance: r.match_distance,
          },
  };
}
