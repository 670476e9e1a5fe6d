/**
 * The titles table as other modules read it in their own statements: a plain subquery PostgreSQL
 * pulls up into the outer query, so the table's indexes still apply. Alias it: `JOIN ${TITLES} t`.
 */
export const TITLES = `(SELECT id, name, type, genres, release_year, runtime_minutes, episode_count,
  maturity, description, tags FROM titles)`;

/** A scalar subquery: json rows (id, name, type, runtimeMinutes, episodeCount, genres) of `idsExpr`. */
export function titleRefsJson(idsExpr: string): string {
  return `(SELECT json_agg(json_build_object('id', id::text, 'name', name, 'type', type,
            'runtimeMinutes', runtime_minutes, 'episodeCount', episode_count, 'genres', genres))
            FROM titles WHERE id = ANY(${idsExpr}))`;
}
