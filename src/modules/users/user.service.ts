import type { DataSource } from 'typeorm';
import { decodeCursor, type Page } from '../../common/pagination';
import type { User } from './user.entity';
import { UsersRepository, type UserColumn, type UserFilterValues } from './users.repository';
import type { PageIncludeRequest, UserPageInclude } from './page-includes';

export type { UserFilterValues };

export class UserService {
  readonly repository: UsersRepository;
  /** What later modules read with each page of users (registered by the composition root). */
  readonly pageIncludes: UserPageInclude[] = [];

  constructor(dataSource: DataSource) {
    this.repository = new UsersRepository(dataSource);
  }

  findByIds(ids: readonly string[]): Promise<User[]> {
    return this.repository.findByIds(ids);
  }

  /** Ids of every ACTIVE subscriber, in id order. */
  activeIds(): Promise<string[]> {
    return this.repository.activeIds();
  }

  /**
   * A page of users ordered by id, after the given cursor; the filter's total count only when
   * `countTotal` (it scans every matching subscriber). `includes` (of `pageIncludes`) are read in the
   * page's statement: `included[k]` is include k's row for the user.
   */
  async list(
    filter: UserFilterValues,
    first: number,
    after: string | null | undefined,
    countTotal: boolean,
    includes: readonly PageIncludeRequest[] = [],
    fields?: readonly UserColumn[],
  ): Promise<Page<{ user: User; included: (Record<string, unknown> | null)[] }>> {
    const key = after ? decodeCursor('user', after) : null;
    const [rows, totalCount] = await Promise.all([
      this.repository.page(filter, first, key, includes, fields),
      countTotal ? this.repository.count(filter) : Promise.resolve(-1),
    ]);
    return { nodes: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
  }
}
