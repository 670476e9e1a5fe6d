/** Stored retention rows as their GraphQL types. */
import type { ExperimentRow, PlanRow, SimulationRunRow } from './retention.repository';
import type { Interval } from '../../ml/retention';
import type { SimulationResult } from './simulation.service';
import {
  RetentionPolicy,
  RetentionRunStatus,
  RetentionStrategyCode,
  type RetentionExperiment,
  type RetentionPlan,
  type StrategyCount,
} from './retention.types';
import type { RetentionSimulationRun } from './simulation.types';

interface PlanTotals {
  treated: number;
  byStrategy: Record<string, number>;
  saved: number;
  cost: number;
  net: number;
}

interface StoredPrediction {
  lifetimeValue: string;
  subscribers: number;
  uplift: PlanTotals & {
    intervals: Record<'saved' | 'valueKept' | 'cost' | 'net' | 'roi', Interval>;
  };
  references: Record<string, PlanTotals>;
  models: {
    strategy: string;
    experimentId: string;
    rows: number;
    effect: number;
    calibration: { slope: number };
  }[];
}

function mix(byStrategy: Record<string, number>): StrategyCount[] {
  return Object.entries(byStrategy).map(([strategy, subscribers]) => ({
    strategy: strategy as RetentionStrategyCode,
    subscribers,
  }));
}

export function retentionPlanFrom(row: PlanRow): RetentionPlan {
  const p = row.prediction as unknown as StoredPrediction;
  const i = p.uplift.intervals;
  return {
    id: row.id,
    plannedAt: new Date(row.plannedAt),
    budget: row.budget,
    horizonDays: row.horizonDays,
    lifetimeValue: p.lifetimeValue,
    candidates: p.subscribers,
    treated: p.uplift.treated,
    strategyMix: mix(p.uplift.byStrategy),
    saved: i.saved,
    valueKept: i.valueKept,
    cost: i.cost,
    roi: i.roi,
    netValue: i.net,
    references: Object.entries(p.references).map(([policy, t]) => ({
      policy: policy as RetentionPolicy,
      treated: t.treated,
      strategyMix: mix(t.byStrategy),
      saved: t.saved,
      cost: t.cost,
      netValue: t.net,
    })),
    models: p.models.map((m) => ({
      strategy: m.strategy as RetentionStrategyCode,
      experimentId: m.experimentId,
      rows: m.rows,
      averageEffect: m.effect,
      calibrationSlope: m.calibration.slope,
    })),
  };
}

export function retentionExperimentFrom(e: ExperimentRow): RetentionExperiment {
  const s = e.summary;
  return {
    id: e.id,
    strategy: e.strategy as RetentionStrategyCode,
    parameters: Object.entries(e.parameters).map(([name, value]) => ({ name, value })),
    share: e.share,
    waves: e.waves,
    campaignAt: new Date(e.campaignAt),
    horizonDays: e.horizonDays,
    treatedRows: s.treatedRows,
    controlRows: s.controlRows,
    treatedChurnRate: s.treatedChurnRate,
    controlChurnRate: s.controlChurnRate,
    effect: { mean: s.effect, lower: s.lower, upper: s.upper },
    acceptance: s.acceptance,
    createdAt: new Date(e.createdAt),
  };
}

export function simulationRunFrom(r: SimulationRunRow): RetentionSimulationRun {
  const result = r.result as unknown as SimulationResult | null;
  return {
    id: r.id,
    planId: r.planId,
    status: r.status as RetentionRunStatus,
    requestedAt: new Date(r.requestedAt),
    startedAt: r.startedAt ? new Date(r.startedAt) : null,
    finishedAt: r.finishedAt ? new Date(r.finishedAt) : null,
    error: r.error,
    result: result && {
      ...result,
      policies: result.policies.map((p) => ({ ...p, policy: p.policy as RetentionPolicy })),
      targeting: result.targeting.map((t) => ({
        ...t,
        strategy: t.strategy as RetentionStrategyCode,
      })),
    },
  };
}
