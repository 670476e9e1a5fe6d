/**
 * `User.churnScore` read with a page of users in the page's own statement (see the users module's
 * page-includes.ts): the latest score's columns for each user, primed into the request's
 * `latestScore` loader, so the field resolver answers a page of 20 without a second statement.
 */
import type { UserPageInclude } from '../users/page-includes';
import type { ChurnScore } from './churn-score.entity';
import { latestScoreOf, SCORE_COLUMN_NAMES } from './scores.repository';

export const latestScorePageInclude: UserPageInclude = {
  field: 'churnScore',
  columns: SCORE_COLUMN_NAMES,
  lateral: latestScoreOf,
  prime(ctx, userId, row) {
    ctx.loaders.latestScore.prime(userId, row as ChurnScore | null);
  },
};
