/**
 * The features module's part of a viewing batch's single write statement: fold the inserted views into
 * the daily aggregates, the decayed viewing state and the genre/title state (see features.repository).
 */
import type { ViewingBatchFold } from '../events/viewing-batch-fold';
import { foldViewsCtes, genresParams, genresRelation } from './features.repository';

export const onlineFeaturesFold: ViewingBatchFold = {
  ctes: (inserted, first) => `genres AS ${genresRelation(first)},
       ${foldViewsCtes(inserted, 'genres')}`,
  params: genresParams,
};
