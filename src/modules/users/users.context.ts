/** What the users module adds to every request's context. */
import DataLoader from 'dataloader';
import type { AppServices } from '../../api/context';
import { byId } from '../../common/keyed-loaders';
import type { User } from './user.entity';
import type { UserService } from './user.service';

declare module '../../api/context' {
  interface AppServices {
    users: UserService;
  }
  interface AppLoaders {
    userById: DataLoader<string, User | null>;
  }
}

export function createUserLoaders(services: AppServices) {
  return {
    userById: new DataLoader(async (ids: readonly string[]) =>
      byId(ids, await services.users.findByIds(ids)),
    ),
  };
}
