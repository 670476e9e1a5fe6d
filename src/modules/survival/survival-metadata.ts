/** What a survival model version records beside its weights (metadata.json and survival_versions). */
import type { HazardTrainingInfo, HazardVariant, SurvivalEvaluation } from '../../ml';

export interface SurvivalSplit {
  /** Snapshots the training subjects were taken at; follow-up cut at the validation snapshot. */
  trainSnapshots: string[];
  validationSnapshot: string;
  /** End of the validation subjects' follow-up (the data end). */
  validationEnd: string;
  calibrationSubjects: number;
  evaluationSubjects: number;
  description: string;
}

export interface SurvivalMetrics {
  /** The version's model on the evaluation half of the validation snapshot. */
  model: SurvivalEvaluation;
  /** Every variant fitted in the run, on the same subjects. */
  compared: SurvivalEvaluation[];
  /** Kaplan–Meier per plan, fitted on the training subjects. */
  baseline: SurvivalEvaluation;
}

export interface SurvivalMetadata {
  version: string;
  createdAt: string;
  variant: HazardVariant;
  seed: number;
  backend: string;
  trainingSeconds: number;
  /** Days each curve covers (S(1 … horizonDays)). */
  horizonDays: number;
  periodDays: number;
  clockFeature: string | null;
  features: { name: string; kind: 'numeric' | 'categorical' }[];
  split: SurvivalSplit;
  training: Omit<HazardTrainingInfo, 'history'>;
  metrics: SurvivalMetrics;
  dataFingerprint: string;
}
