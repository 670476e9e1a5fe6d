/**
 * Impressions as a client reports them: the items of a served list it actually displayed. The
 * whole batch is validated before anything is written; a bad item names its index.
 */
import { invalidArgument } from '../../common/domain-error';
import { tryParseId } from '../../common/ids';
import { RecommendationSource } from './recommendation-source';
import type { ImpressionRow } from './recommendations.repository';

export interface ImpressionInput {
  listId: string;
  userId: string;
  titleId: string;
  rank: number;
  source: RecommendationSource;
  score: number;
  reasons?: string[] | null;
  shownAt?: Date | null;
}

export const MAX_IMPRESSIONS = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Clock skew allowed on shownAt. */
const FUTURE_SLACK_MS = 60_000;

export function validateImpressions(inputs: readonly ImpressionInput[]): ImpressionRow[] {
  if (inputs.length === 0 || inputs.length > MAX_IMPRESSIONS) {
    throw invalidArgument(
      `send between 1 and ${MAX_IMPRESSIONS} impressions, got ${inputs.length}`,
      {
        argument: 'impressions',
      },
    );
  }
  const sources = new Set<string>(Object.values(RecommendationSource));
  return inputs.map((x, index) => {
    const bad = (why: string) =>
      invalidArgument(`impression ${index}: ${why}`, { argument: 'impressions', index });
    const userId = tryParseId(x.userId);
    const titleId = tryParseId(x.titleId);
    if (!UUID.test(x.listId)) throw bad(`listId "${x.listId}" is not the id of a served list`);
    if (userId === null) throw bad(`"${x.userId}" is not a valid user id`);
    if (titleId === null) throw bad(`"${x.titleId}" is not a valid title id`);
    if (!Number.isInteger(x.rank) || x.rank < 1 || x.rank > 500) throw bad('rank must be 1..500');
    if (!sources.has(x.source)) throw bad(`unknown source ${x.source}`);
    if (!Number.isFinite(x.score)) throw bad('score must be a finite number');
    if (x.shownAt && x.shownAt.getTime() > Date.now() + FUTURE_SLACK_MS)
      throw bad('shownAt is in the future');
    return {
      listId: x.listId.toLowerCase(),
      userId,
      titleId,
      rank: x.rank,
      source: x.source,
      score: x.score,
      reasons: x.reasons ?? [],
      shownAt: x.shownAt ?? null,
    };
  });
}
