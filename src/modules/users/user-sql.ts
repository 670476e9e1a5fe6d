/**
 * The users table as other modules read it in their own statements: a plain subquery that PostgreSQL
 * pulls up into the outer query, so the table's indexes still apply. Alias it: `JOIN ${USERS} u`.
 */
export const USERS = `(SELECT id, external_id, signup_at, country, age_band, plan, monthly_fee, status,
  cancelled_at FROM users)`;

/** A scalar subquery: json rows (id, status, signupAt, cancelledAt) of the subscribers in `idsExpr`. */
export function userRefsJson(idsExpr: string): string {
  return `(SELECT json_agg(json_build_object('id', id::text, 'status', status, 'signupAt', signup_at,
            'cancelledAt', cancelled_at)) FROM users WHERE id = ANY(${idsExpr}))`;
}
