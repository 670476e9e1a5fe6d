/**
 * `churn import-movielens DIR`: a MovieLens folder into the service's tables, so the whole service
 * (recommendations, features, the API) runs on it. Each rating becomes one viewing event whose
 * completion and watched time follow the rating (rating-completion.ts); users become subscribers of
 * the STANDARD plan who signed up the day before their first rating (MovieLens has no billing, plans
 * or cancellations, so churn models cannot be trained on it); titles become movies of 100 minutes
 * (MovieLens has no runtimes). By default every timestamp is shifted so the latest rating falls just
 * before today, keeping their order and spacing, so recency-based features and trending mean
 * something; `keepDates` keeps the original 1990s dates. One transaction: all or nothing.
 */
import type { Pool } from 'pg';
import type { MovieLensData } from './movielens-data';
import { ratingToCompletion, ratingToWatchedSeconds } from './rating-completion';

export interface ImportMovieLensOptions {
  replace: boolean;
  keepDates: boolean;
  /** Today 00:00 UTC (the shift's reference). */
  today: Date;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportMovieLensSummary {
  users: number;
  titles: number;
  viewingEvents: number;
  shiftDays: number;
}

const RUNTIME_MINUTES = 100;
const CHUNK = 10_000;
const TABLES = [
  'sim.churn_truth',
  'sim.user_latent',
  'sim.worlds',
  'viewing_events',
  'subscription_events',
  'users',
  'titles',
];

export class ImportRefusedError extends Error {}

export async function importMovieLens(
  pool: Pool,
  data: MovieLensData,
  options: ImportMovieLensOptions,
): Promise<ImportMovieLensSummary> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const [{ n }] = (await client.query('SELECT count(*)::int AS n FROM users')).rows;
    if (n > 0 && !options.replace) {
      throw new ImportRefusedError(
        `the database already holds ${n} subscribers: import into an empty database, or pass --replace`,
      );
    }
    if (options.replace)
      await client.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);

    const latest = data.ratings.reduce((m, r) => Math.max(m, r.timestamp), 0);
    // Shift so the latest rating lands an hour before today began (whole seconds).
    const shift = options.keepDates
      ? 0
      : Math.floor(options.today.getTime() / 1000) - 3600 - latest;
    const firstRating = new Map<number, number>();
    for (const r of data.ratings) {
      firstRating.set(r.userId, Math.min(firstRating.get(r.userId) ?? Infinity, r.timestamp));
    }

    const titleIds = new Map<number, string>();
    const titleRows = await client.query(
      `INSERT INTO titles (name, type, genres, release_year, runtime_minutes, episode_count, maturity, description, tags)
       SELECT n, 'MOVIE', ARRAY(SELECT jsonb_array_elements_text(g)), y, $4, 1, 'NR', n, '{}'
         FROM unnest($1::text[], $2::jsonb[], $3::smallint[]) AS x(n, g, y)
       RETURNING id::text`,
      [
        data.titles.map((t) => t.name),
        data.titles.map((t) => JSON.stringify(t.genres.filter((g) => g !== 'unknown'))),
        data.titles.map((t) => t.year ?? 1900),
        RUNTIME_MINUTES,
      ],
    );
    data.titles.forEach((t, i) => titleIds.set(t.id, titleRows.rows[i].id));

    const userIds = new Map<number, string>();
    const signup = (u: number) => new Date(((firstRating.get(u) ?? latest) + shift - 86400) * 1000);
    const userRows = await client.query(
      `INSERT INTO users (external_id, signup_at, country, age_band, plan, monthly_fee)
       SELECT e, s, 'US', 'unknown', 'STANDARD', 13.99 FROM unnest($1::text[], $2::timestamptz[]) AS x(e, s)
       RETURNING id::text`,
      [data.users.map((u) => `movielens-${u}`), data.users.map((u) => signup(u).toISOString())],
    );
    data.users.forEach((u, i) => userIds.set(u, userRows.rows[i].id));
    await client.query(
      `INSERT INTO subscription_events (user_id, at, kind, detail)
       SELECT u, s, 'SIGNUP', jsonb_build_object('plan', 'STANDARD', 'fee', 13.99)
         FROM unnest($1::bigint[], $2::timestamptz[]) AS x(u, s)`,
      [data.users.map((u) => userIds.get(u)), data.users.map((u) => signup(u).toISOString())],
    );

    const ratings = data.ratings.filter((r) => titleIds.has(r.titleId) && userIds.has(r.userId));
    for (let i = 0; i < ratings.length; i += CHUNK) {
      const chunk = ratings.slice(i, i + CHUNK);
      await client.query(
        `INSERT INTO viewing_events (client_event_id, user_id, title_id, started_at, watched_seconds, completion,
                                     device, rating)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::int[], $6::real[],
                              $7::device[], $8::smallint[])
         ON CONFLICT (client_event_id) DO NOTHING`,
        [
          chunk.map((r) => `movielens-${r.userId}-${r.titleId}-${r.timestamp}`),
          chunk.map((r) => userIds.get(r.userId)),
          chunk.map((r) => titleIds.get(r.titleId)),
          chunk.map((r) => new Date((r.timestamp + shift) * 1000).toISOString()),
          chunk.map((r) => ratingToWatchedSeconds(r.rating, RUNTIME_MINUTES * 60)),
          chunk.map((r) => ratingToCompletion(r.rating)),
          chunk.map(() => 'TV'),
          chunk.map((r) => Math.min(5, Math.max(1, Math.round(r.rating)))),
        ],
      );
      options.onProgress?.(Math.min(i + CHUNK, ratings.length), ratings.length);
    }
    await client.query('COMMIT');
    return {
      users: data.users.length,
      titles: data.titles.length,
      viewingEvents: ratings.length,
      shiftDays: Math.round(shift / 86400),
    };
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}
