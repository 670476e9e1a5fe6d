/** What the catalog module adds to every request's context. */
import DataLoader from 'dataloader';
import type { AppServices } from '../../api/context';
import { byId } from '../../common/keyed-loaders';
import type { CatalogService } from './catalog.service';
import type { Title } from './title.entity';

declare module '../../api/context' {
  interface AppServices {
    catalog: CatalogService;
  }
  interface AppLoaders {
    titleById: DataLoader<string, Title | null>;
  }
}

export function createCatalogLoaders(services: AppServices) {
  return {
    titleById: new DataLoader(async (ids: readonly string[]) =>
      byId(ids, await services.catalog.findByIds(ids)),
    ),
  };
}
