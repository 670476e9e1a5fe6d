import { In, type DataSource, type Repository } from 'typeorm';
import { decodeCursor, type Page } from '../../common/pagination';
import { User, type Plan, type UserStatus } from './user.entity';

export interface UserFilterValues {
  plan?: Plan | null;
  status?: UserStatus | null;
  country?: string | null;
}

export class UserService {
  private readonly users: Repository<User>;

  constructor(dataSource: DataSource) {
    this.users = dataSource.getRepository(User);
  }

  async findByIds(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    return this.users.findBy({ id: In([...ids]) });
  }

  /** Ids of every ACTIVE subscriber, in id order. */
  async activeIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.users.query(
      `SELECT id::text FROM users WHERE status = 'ACTIVE' ORDER BY id`,
    );
    return rows.map((r) => r.id);
  }

  /** A page of users ordered by id, after the given cursor, with the filter's total count. */
  async list(filter: UserFilterValues, first: number, after?: string | null): Promise<Page<User>> {
    const base = this.users.createQueryBuilder('u');
    if (filter.plan) base.andWhere('u.plan = :plan', { plan: filter.plan });
    if (filter.status) base.andWhere('u.status = :status', { status: filter.status });
    if (filter.country) base.andWhere('u.country = :country', { country: filter.country });
    const totalCount = await base.clone().getCount();
    const pageQuery = base
      .clone()
      .orderBy('u.id', 'ASC')
      .take(first + 1);
    if (after) pageQuery.andWhere('u.id > :after', { after: decodeCursor('user', after) });
    const rows = await pageQuery.getMany();
    return { nodes: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
  }
}
