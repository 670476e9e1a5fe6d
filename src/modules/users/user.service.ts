import type { DataSource } from 'typeorm';
import { decodeCursor, type Page } from '../../common/pagination';
import type { User } from './user.entity';
import { UsersRepository, type UserFilterValues } from './users.repository';

export type { UserFilterValues };

export class UserService {
  readonly repository: UsersRepository;

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
   * `countTotal` (it scans every matching subscriber).
   */
  async list(
    filter: UserFilterValues,
    first: number,
    after: string | null | undefined,
    countTotal: boolean,
  ): Promise<Page<User>> {
    const key = after ? decodeCursor('user', after) : null;
    const [rows, totalCount] = await Promise.all([
      this.repository.page(filter, first, key),
      countTotal ? this.repository.count(filter) : Promise.resolve(-1),
    ]);
    return { nodes: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
  }
}
