/** What the explanations module adds to every request's context. */
import DataLoader from 'dataloader';
import type { AppServices } from '../../api/context';
import { keyedLoader } from '../../common/keyed-loaders';
import type { ChurnExplanation } from './explanation.types';
import type { ExplanationsService } from './explanations.service';

declare module '../../api/context' {
  interface AppServices {
    explanations: ExplanationsService;
  }
  interface AppLoaders {
    /** Explanations with `top` contributions, per user. */
    explanation(top: number): DataLoader<string, ChurnExplanation | null>;
  }
}

export function createExplanationLoaders(services: AppServices) {
  return {
    explanation: keyedLoader(
      (top: number) =>
        new DataLoader((userIds: readonly string[]) => services.explanations.explain(userIds, top)),
    ),
  };
}
