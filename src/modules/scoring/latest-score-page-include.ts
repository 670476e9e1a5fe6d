/**
 * `User.churnScore` read with a page of users in the page's own statement (see the users module's
 * page-includes.ts). The row is kept for the request by user id, so the field resolver
 * answers each node at once (no DataLoader promise per node for graphql-js to await), and primed into
 * the request's `latestScore` loader for anything else that asks for the same user's score.
 */
import type { AppContext } from '../../api/context';
import type { User } from '../users/user.entity';
import type { UserPageInclude } from '../users/page-includes';
import type { ChurnScore } from './churn-score.entity';
import { latestScoreOf, SCORE_COLUMN_NAMES } from './scores.repository';

/** Latest scores read with pages of users, by request and user id (gone with the request). */
const includedScores = new WeakMap<AppContext, Map<string, ChurnScore | null>>();

/** The user's latest score if a page of this request read it; undefined when none did. */
export function includedLatestScore(ctx: AppContext, user: User): ChurnScore | null | undefined {
  return includedScores.get(ctx)?.get(user.id);
}

export const latestScorePageInclude: UserPageInclude = {
  field: 'churnScore',
  columns: SCORE_COLUMN_NAMES,
  lateral: latestScoreOf,
  attach(ctx, user, row) {
    const score = row as ChurnScore | null;
    let scores = includedScores.get(ctx);
    if (!scores) includedScores.set(ctx, (scores = new Map()));
    scores.set(user.id, score);
    ctx.loaders.latestScore.prime(user.id, score);
  },
};
