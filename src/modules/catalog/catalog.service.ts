import { In, type DataSource, type Repository } from 'typeorm';
import { decodeCursor, type Page } from '../../common/pagination';
import { Title } from './title.entity';

export class CatalogService {
  private readonly titles: Repository<Title>;

  constructor(dataSource: DataSource) {
    this.titles = dataSource.getRepository(Title);
  }

  async findByIds(ids: readonly string[]): Promise<Title[]> {
    if (ids.length === 0) return [];
    return this.titles.findBy({ id: In([...ids]) });
  }

  /** Titles by id, optionally in a genre and/or whose name contains `search` (case-insensitive). */
  async list(
    options: { genre?: string | null; search?: string | null },
    first: number,
    after?: string | null,
  ): Promise<Page<Title>> {
    const base = this.titles.createQueryBuilder('t');
    if (options.genre) base.andWhere('t.genres @> ARRAY[:genre]::text[]', { genre: options.genre });
    if (options.search) {
      const pattern = `%${options.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      base.andWhere('t.name ILIKE :pattern', { pattern });
    }
    const totalCount = await base.clone().getCount();
    const pageQuery = base
      .clone()
      .orderBy('t.id', 'ASC')
      .take(first + 1);
    if (after) pageQuery.andWhere('t.id > :after', { after: decodeCursor('title', after) });
    const rows = await pageQuery.getMany();
    return { nodes: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
  }
}
