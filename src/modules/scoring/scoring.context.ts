/** What the scoring module adds to every request's context. */
import DataLoader from 'dataloader';
import type { AppServices } from '../../api/context';
import { keyedLoader } from '../../common/keyed-loaders';
import type { ChurnScore } from './churn-score.entity';
import type { ScoringService } from './scoring.service';

declare module '../../api/context' {
  interface AppServices {
    scoring: ScoringService;
  }
  interface AppLoaders {
    latestScore: DataLoader<string, ChurnScore | null>;
    scoreHistory(first: number): DataLoader<string, ChurnScore[]>;
  }
}

export function createScoringLoaders(services: AppServices) {
  return {
    latestScore: new DataLoader((userIds: readonly string[]) =>
      services.scoring.latestFor(userIds),
    ),
    scoreHistory: keyedLoader(
      (first: number) =>
        new DataLoader((userIds: readonly string[]) => services.scoring.historyFor(userIds, first)),
    ),
  };
}
