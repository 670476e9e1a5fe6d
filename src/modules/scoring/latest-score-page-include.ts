/**
 * `User.churnScore` read with a page of users in the page's own statement (see the users module's
 * page-includes.ts). The row is kept by the user object the page returned, so the field resolver
 * answers each node at once (no DataLoader promise per node for graphql-js to await), and primed into
 * the request's `latestScore` loader for anything else that asks for the same user's score.
 */
import type { User } from '../users/user.entity';
import type { UserPageInclude } from '../users/page-includes';
import type { ChurnScore } from './churn-score.entity';
import { latestScoreOf, SCORE_COLUMN_NAMES } from './scores.repository';

/** Latest scores read with a page, by the page's user objects (which live as long as the request). */
const includedScores = new WeakMap<User, ChurnScore | null>();

/** The latest score read with the page this user came from; undefined when it was not. */
export function includedLatestScore(user: User): ChurnScore | null | undefined {
  return includedScores.get(user);
}

export const latestScorePageInclude: UserPageInclude = {
  field: 'churnScore',
  columns: SCORE_COLUMN_NAMES,
  lateral: latestScoreOf,
  attach(ctx, user, row) {
    const score = row as ChurnScore | null;
    includedScores.set(user, score);
    ctx.loaders.latestScore.prime(user.id, score);
  },
};
