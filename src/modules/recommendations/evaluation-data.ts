import type { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/domain-error';
import {
  interactionsFromRows,
  itemFeaturesFromLists,
  MOVIE,
  SERIES,
  type EvaluationSide,
  type InteractionRow,
  type Interactions,
} from '../../ml';
import { allViewingEvents, catalogTitles } from './borrowed-reads';
import { vocabulary } from './recommender-state';

/** Every viewing event and the catalog, as the offline evaluation protocols take them. */
export async function loadEvaluationData(
  ds: DataSource,
): Promise<{ interactions: Interactions; side: EvaluationSide; description: string }> {
  const [titles, events] = await Promise.all([catalogTitles(ds), allViewingEvents(ds)]);
  if (events.length === 0) {
    throw new DomainError(
      ErrorCode.INSUFFICIENT_DATA,
      'the database holds no viewing events to evaluate on',
    );
  }
  const indexOf = new Map(titles.map((t, i) => [t.id, i]));
  const users = new Map<string, number>();
  const rows: InteractionRow[] = events.map((e) => {
    let u = users.get(e.user_id);
    if (u === undefined) users.set(e.user_id, (u = users.size));
    return { user: u, item: indexOf.get(e.title_id)!, weight: e.completion, timestamp: e.t };
  });
  const genres = vocabulary(titles.map((t) => t.genres));
  const tags = vocabulary(titles.map((t) => t.tags));
  return {
    interactions: interactionsFromRows(rows, users.size, titles.length),
    side: {
      features: itemFeaturesFromLists(
        titles.map((t) => t.genres.map((g) => genres.indexOf(g))),
        genres.length,
        titles.map((t) => t.tags.map((g) => tags.indexOf(g))),
        tags.length,
      ),
      titles,
      kinds: Uint8Array.from(titles, (t) => (t.type === 'SERIES' ? SERIES : MOVIE)),
    },
    description: `${users.size} subscribers, ${titles.length} titles, ${events.length} viewing events`,
  };
}
