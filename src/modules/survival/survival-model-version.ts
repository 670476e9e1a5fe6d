import type { SurvivalEvaluation } from '../../ml';
import type { SurvivalVersionRow } from './survival.repository';
import type { SurvivalMetrics, SurvivalModelVersion } from './survival.types';

/** A stored version as its GraphQL type. */
export function toSurvivalModelVersion(row: SurvivalVersionRow): SurvivalModelVersion {
  const m = row.metadata;
  return {
    version: row.version,
    variant: row.variant,
    active: row.active,
    createdAt: new Date(row.createdAt),
    horizonDays: m.horizonDays,
    trainSnapshots: m.split.trainSnapshots.map((t) => new Date(t)),
    validationSnapshot: new Date(m.split.validationSnapshot),
    metrics: metricsOf(m.metrics.model),
    baseline: metricsOf(m.metrics.baseline),
    compared: m.metrics.compared.map(metricsOf),
  };
}

function metricsOf(e: SurvivalEvaluation): SurvivalMetrics {
  return {
    name: e.name,
    subjects: e.subjects,
    events: e.events,
    tau: e.tau,
    concordance: e.concordance,
    integratedBrier: e.integratedBrier,
    brierAtTau: e.brierAtTau,
    calibrationError: e.calibrationError,
    meanPredictedSurvival: e.meanPredictedSurvival,
    observedSurvival: e.observedSurvival,
  };
}
