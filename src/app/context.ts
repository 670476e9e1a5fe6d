/**
 * The one context factory for both transports: the services, and fresh DataLoaders from every module
 * for each request or ws operation (no cache outlives its request).
 */
import { randomUUID } from 'node:crypto';
import type { AppContext, AppLoaders, AppServices, Caller, ContextFactory } from '../api/context';
import { createCatalogLoaders } from '../modules/catalog/catalog.context';
import { createEventLoaders } from '../modules/events/events.context';
import { createExplanationLoaders } from '../modules/explanations/explanations.context';
import { createRecommendationLoaders } from '../modules/recommendations/recommendations.context';
import { createScoringLoaders } from '../modules/scoring/scoring.context';
import { createSegmentLoaders } from '../modules/segments/segments.context';
import { createSurvivalLoaders } from '../modules/survival/survival.context';
import { createUserLoaders } from '../modules/users/users.context';

export type { AppContext };

export function createLoaders(services: AppServices): AppLoaders {
  const loaders = {} as AppLoaders;
  return Object.assign(
    loaders,
    createUserLoaders(services),
    createCatalogLoaders(services),
    createEventLoaders(services),
    createScoringLoaders(services),
    createExplanationLoaders(services),
    createSegmentLoaders(services),
    createSurvivalLoaders(services),
    createRecommendationLoaders(services, loaders),
  );
}

export function createContext(
  services: AppServices,
  transport: AppContext['transport'],
  caller: Caller,
): AppContext {
  return { requestId: randomUUID(), transport, caller, services, loaders: createLoaders(services) };
}

/** The factory the transports are given. */
export function contextFactory(services: AppServices): ContextFactory {
  return (transport, caller) => createContext(services, transport, caller);
}
