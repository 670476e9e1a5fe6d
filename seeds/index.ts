/**
 * The synthetic streaming world: a seeded simulation of a subscription video service that knows
 * the truth (latent state, true churn probabilities), and its PostgreSQL loader.
 */
export { seedWorld, describeSummary } from './load-world';
export type { SeedOptions, SeedReport, SeedSummary } from './load-world';
export { WorldSimulation } from './world/simulate';
export type { WorldSummary } from './world/simulate';
export {
  DEFAULT_BEHAVIOUR,
  defaultTitles,
  describeWorld,
  resolveOptions,
  todayUtc,
} from './world/world';
export type { BehaviourParams, ResolvedWorldOptions, World, WorldOptions } from './world/world';
export { DEFAULT_HAZARD, describeDrivers } from './world/hazard';
export { BASE_ENGAGEMENT } from './world/subscribers';
export type { HazardDriver, HazardParams } from './world/hazard';
export { NULL_SINK } from './world/event-log';
export type { SubscriptionKind, WorldSink } from './world/event-log';
export { rocAuc } from './world/truth';
export { SurvivalOracle, trueSurvivalCurves } from './world/survival-truth';
export type { TrueSurvival, TrueSurvivalOptions } from './world/survival-truth';
export { readChurnTruth, readLiveWorld, readWorldOptions } from './world-store';
export type { LiveWorldSubscriberRow, LiveWorldTitleRow, RowSource } from './world-store';
