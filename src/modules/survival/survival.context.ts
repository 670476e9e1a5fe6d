/** What the survival module adds to every request's context. */
import DataLoader from 'dataloader';
import type { AppServices } from '../../api/context';
import type { LifetimeValueService, SubscriberLifetimeValue } from './lifetime-value.service';
import type { ServedSurvival, SurvivalService } from './survival.service';

declare module '../../api/context' {
  interface AppServices {
    survival: SurvivalService;
    lifetimeValue: LifetimeValueService;
  }
  interface AppLoaders {
    /** Survival curves from the features now (null: not active, or no survival model). */
    survival: DataLoader<string, ServedSurvival | null>;
    /** Lifetime values, from the same curves as `survival`. */
    lifetimeValue: DataLoader<string, SubscriberLifetimeValue | null>;
  }
}

export function createSurvivalLoaders(services: AppServices) {
  const survival = new DataLoader((userIds: readonly string[]) =>
    services.survival.servedOrNull(userIds),
  );
  return {
    survival,
    lifetimeValue: new DataLoader(async (userIds: readonly string[]) =>
      (await survival.loadMany(userIds)).map((s) =>
        s instanceof Error ? s : s ? services.lifetimeValue.valueFrom(s) : null,
      ),
    ),
  };
}
