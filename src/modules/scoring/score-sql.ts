/**
 * SQL fragments over the scoring module's tables that other modules compose into their own statements
 * (alerts show when a score was made; the live rescoring reads each subscriber's current risk).
 */

/** A scalar subquery: when the score `scoreIdExpr` was made. */
export function scoredAtOf(scoreIdExpr: string): string {
  return `(SELECT scored_at FROM churn_scores WHERE id = ${scoreIdExpr})`;
}

/** `LEFT JOIN` of the subscriber's current risk (user_risk: probability, risk_level) as `alias`. */
export function currentRiskJoin(alias: string, userIdExpr: string): string {
  return `LEFT JOIN user_risk ${alias} ON ${alias}.user_id = ${userIdExpr}`;
}
