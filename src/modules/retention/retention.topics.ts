/** The retention module's subscription topic: progress of a simulation run. */

export const RetentionTopic = {
  RETENTION_SIMULATION_PROGRESSED: 'RETENTION_SIMULATION_PROGRESSED',
} as const;

/** Progress of a retention simulation run (routed by run id). */
export interface RetentionSimulationProgressPayload {
  runId: string;
  planId: string;
  status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  /** Replays done and to do. */
  done: number;
  total: number;
  message: string;
}

declare module '../../pubsub/topics' {
  interface TopicPayloads {
    /** Routed by run id. */
    RETENTION_SIMULATION_PROGRESSED: [runId: string, payload: RetentionSimulationProgressPayload];
  }
}
