/**
 * `User.churnScore` read with a page of users in the page's own statement (see the users module's
 * page-includes.ts). user_risk holds what the ChurnScore type shows of each active subscriber's
 * latest score, so it is one primary-key probe per user; churn_scores is searched only for a user
 * user_risk does not know (cancelled, scored before). The row is kept for the request by user id, so
 * the field resolver answers each node at once, without a statement or a DataLoader promise for
 * graphql-js to await.
 */
import type { AppContext } from '../../api/context';
import type { User } from '../users/user.entity';
import type { UserPageInclude } from '../users/page-includes';
import type { ChurnScore } from './churn-score.entity';

/**
 * The part of a latest score the `ChurnScore` type shows (and the score's id). What a page's include
 * attaches holds only the fields its client selected, probability always.
 */
export type ShownScore = Pick<
  ChurnScore,
  'id' | 'userId' | 'modelVersion' | 'probability' | 'riskLevel' | 'scoredAt'
>;

/**
 * The fields of ChurnScore besides probability and their column (in user_risk and churn_scores alike).
 * A page reads probability and level alone when that is all its client selected (the common row of
 * a list), else every field: two statements, not one per combination of fields.
 */
const LIGHT_FIELDS = new Set(['probability', 'riskLevel', '__typename']);
const SHOWN_COLUMNS: readonly (readonly [keyof ShownScore, string])[] = [
  ['userId', 'user_id::text'],
  ['modelVersion', 'model_version'],
  ['riskLevel', 'risk_level'],
  ['scoredAt', 'scored_at'],
];

/** Latest scores read with pages of users, by request and user id (gone with the request). */
const includedScores = new WeakMap<AppContext, Map<string, ShownScore | null>>();

/** The user's latest score if a page of this request read it; undefined when none did. */
export function includedLatestScore(ctx: AppContext, user: User): ShownScore | null | undefined {
  return includedScores.get(ctx)?.get(user.id);
}

export const latestScorePageInclude: UserPageInclude = {
  field: 'churnScore',
  joins: (userId, a) =>
    // LIMIT 1 keeps the subquery from being flattened into a join that a generic plan may hash
    // (a scan of all of user_risk for a page of 20): each user is one probe of the primary key.
    `LEFT JOIN LATERAL (
       SELECT score_id, user_id, model_version, probability, risk_level, scored_at FROM user_risk
        WHERE user_risk.user_id = ${userId} LIMIT 1) ${a}_risk ON true
     LEFT JOIN LATERAL (
       SELECT id, user_id, model_version, probability, risk_level, scored_at FROM churn_scores
        WHERE ${a}_risk.user_id IS NULL AND churn_scores.user_id = ${userId}
        ORDER BY scored_at DESC, churn_scores.id DESC LIMIT 1) ${a}_past ON true`,
  shapeOf: (selected) =>
    [...selected].every((field) => LIGHT_FIELDS.has(field)) ? 'light' : 'full',
  columns: (a, shape) => {
    const column = (name: keyof ShownScore, sql: string) =>
      [name, `coalesce(${a}_risk.${sql}, ${a}_past.${sql})`] as const;
    // probability first: never null in a score, so null exactly when the user has none.
    return [
      column('probability', 'probability'),
      ...SHOWN_COLUMNS.filter(([name]) => shape === 'full' || LIGHT_FIELDS.has(name)).map(
        ([name, sql]) => column(name, sql),
      ),
    ];
  },
  attach(ctx, user, row) {
    let scores = includedScores.get(ctx);
    if (!scores) includedScores.set(ctx, (scores = new Map()));
    scores.set(user.id, row as ShownScore | null);
  },
};
