/** The scoring module's subscription topic: one rescore of one subscriber, as published. */
import type { AccountEventPayload, ViewingEventPayload } from '../events/event.topics';
import type { RiskLevel } from '../model-registry/risk-levels';

export const RiskTopic = {
  RISK_UPDATED: 'RISK_UPDATED',
} as const;

/** What made a subscriber be rescored. */
export type ScoreCauseKind = 'VIEWING' | 'ACCOUNT' | 'TIME';

/** One rescore of one subscriber (after events were recorded, or as time passed). */
export interface RiskUpdatedPayload {
  scoreId: string;
  userId: string;
  probability: number;
  previousProbability: number | null;
  riskLevel: RiskLevel;
  previousRiskLevel: RiskLevel | null;
  modelVersion: string;
  scoredAt: string;
  causeKind: ScoreCauseKind;
  /** The latest viewing event behind the rescore, when a viewing event caused it. */
  cause: ViewingEventPayload | null;
  /** The latest account event behind the rescore, when an account event caused it. */
  accountCause: AccountEventPayload | null;
}

declare module '../../pubsub/topics' {
  interface TopicPayloads {
    RISK_UPDATED: [payload: RiskUpdatedPayload];
  }
}
