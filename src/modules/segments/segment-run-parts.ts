/**
 * The pure pieces of a segment run that sit between the clustering (src/ml/cluster) and storage:
 * traits in plain units, churn patterns per segment, and sizes and risk from the members placed now.
 */
import type { Explanation, Segmentation } from '../../ml';
import { featureLabel } from '../explanations/feature-reasons';
import { plainUnit, withUnit } from '../explanations/feature-units';
import type { LabelledFeatureRow } from '../features/feature.service';
import type { RiskLevel } from '../model-registry/risk-levels';
import { churnPatterns, type ChurnPatterns } from './churn-patterns';
import { fromSegmentScale } from './segment-features';
import type { SegmentTrait } from './segment.types';
import type { SegmentSizing } from './segments.repository';

/** The top traits of each segment, with the members' medians in plain units beside everyone's. */
export function traitsOf(seg: Segmentation): SegmentTrait[][] {
  const { standardizer } = seg;
  return seg.segments.map((s) =>
    s.traits.map((t) => {
      const j = standardizer.features.indexOf(t.feature);
      const median = finiteOrNull(s.medians[j]);
      const everyoneMedian = finiteOrNull(seg.medians[j]);
      return {
        feature: t.feature,
        label: featureLabel(t.feature),
        z: t.z,
        direction: t.direction,
        value: fromSegmentScale(t.feature, s.centroidRaw[j]),
        average: fromSegmentScale(t.feature, standardizer.means[j]),
        unit: plainUnit(t.feature),
        median,
        everyoneMedian,
        summary:
          median === null
            ? featureLabel(t.feature)
            : `${withUnit(t.feature, median)}` +
              (everyoneMedian === null
                ? ''
                : ` (everyone: ${withUnit(t.feature, everyoneMedian)})`),
      };
    }),
  );
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Row indices of each segment's members at the snapshot. Shape: [k][members]. */
export function membersOf(seg: Segmentation): number[][] {
  const out = seg.segments.map(() => [] as number[]);
  seg.assignments.forEach((s, i) => out[s].push(i));
  return out;
}

/** Observed churn rate of each segment over the horizon (null for an empty one). */
export function churnRates(
  members: number[][],
  rows: readonly LabelledFeatureRow[],
): (number | null)[] {
  return members.map((idx) =>
    idx.length === 0 ? null : idx.reduce((n, i) => n + rows[i].label, 0) / idx.length,
  );
}

/** Churn patterns of each segment, with the explained sample's rows that fall in it. */
export function patternsOf(
  members: number[][],
  rows: readonly LabelledFeatureRow[],
  explained: { rows: number[]; explanations: Explanation[] } | null,
): ChurnPatterns[] {
  return members.map((idx) => {
    const local = new Map(idx.map((rowIndex, k) => [rowIndex, k]));
    const sample = explained
      ? explained.rows.flatMap((rowIndex, e) =>
          local.has(rowIndex) ? [{ row: local.get(rowIndex)!, e: explained.explanations[e] }] : [],
        )
      : [];
    return churnPatterns(
      idx.map((i) => rows[i]),
      explained ? { rows: sample.map((s) => s.row), explanations: sample.map((s) => s.e) } : null,
    );
  });
}

/** Accumulates sizes, mean risk and risk levels per segment as members are placed. */
export function sizingAccumulator(segmentIds: readonly number[]) {
  const by = new Map(
    segmentIds.map((id) => [
      id,
      { size: 0, riskSum: 0, scored: 0, levels: {} as Partial<Record<RiskLevel, number>> },
    ]),
  );
  return {
    add(segmentId: number, latest: { probability: number; riskLevel: RiskLevel } | null): void {
      const s = by.get(segmentId)!;
      s.size += 1;
      if (!latest) return;
      s.riskSum += latest.probability;
      s.scored += 1;
      s.levels[latest.riskLevel] = (s.levels[latest.riskLevel] ?? 0) + 1;
    },
    result(assigned: number): SegmentSizing[] {
      return [...by].map(([id, s]) => ({
        id,
        size: s.size,
        share: s.size / Math.max(assigned, 1),
        meanRisk: s.scored > 0 ? s.riskSum / s.scored : null,
        riskDistribution: s.levels,
      }));
    },
  };
}
