/**
 * The online read: each subscriber's account as of an instant and their stored online state, as one
 * statement (or as fragments the live rescoring composes into its claim).
 */
import { preparedQuery, type Queryable } from '../../common/prepared-query';
import { USERS } from '../users/user-sql';
import { ACCOUNT_AS_OF_SQL } from './batch-features';
import { ONLINE_STATE_COLUMNS, onlineStateJoins } from './features.repository';
import type { OnlineRow } from './online-rows';
import { windowDay } from './online-state';

/**
 * The online read at an instant (a timestamptz parameter) and its window day (an int parameter):
 * account columns as of t and the stored online state. Composable after the users relation aliased `u`.
 */
export const ONLINE_READ_SELECT = `u.id::text AS id, u.signup_at, u.country, u.age_band,
  ${ONLINE_STATE_COLUMNS}, acct.*`;
export function onlineReadJoins(timeParam: string, endParam: string): string {
  return `CROSS JOIN (SELECT ${timeParam}::timestamptz AS t) p
  ${onlineStateJoins(endParam)}
  ${ACCOUNT_AS_OF_SQL}`;
}

/** The online rows at `t` of the given users that are ACTIVE, in id order. */
export function readOnlineRows(
  runner: Queryable,
  userIds: readonly string[],
  t: Date,
): Promise<OnlineRow[]> {
  return preparedQuery(
    runner,
    `SELECT ${ONLINE_READ_SELECT} FROM ${USERS} u ${onlineReadJoins('$2', '$3')}
      WHERE u.id = ANY($1::bigint[]) AND u.status = 'ACTIVE' ORDER BY u.id`,
    [userIds, t.toISOString(), windowDay(t.getTime())],
  );
}
