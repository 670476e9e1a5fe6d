/**
 * For bench:peers: the synthetic world's latent engagement as well as the sittings can reveal it.
 *
 * Exports each subscriber's daily sittings (views more than 5 minutes after the previous one ended)
 * and the day's completions, runs bench/peers/engagement_filter.py (a particle filter with the
 * simulator's own dynamics and parameters) and returns its posterior at every snapshot, so the peers
 * can be fitted on the features with and without it. What it adds is the most any engagement
 * feature built from viewing counts could add on this world.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { BASE_ENGAGEMENT, DEFAULT_BEHAVIOUR } from '../seeds';
import { DAY } from '../src/common/dates';
import { AGE_BANDS } from '../seeds/world/vocabulary';
import { ROOT } from './support';

const FILTER_PY = path.join(ROOT, 'bench', 'peers', 'engagement_filter.py');
const PARTICLES = 200;

/** The filter's posterior columns, in the order they are appended to the features. */
export const FILTER_COLUMNS = [
  'ln_engagement',
  'ln_engagement_sd',
  'p_drifting',
  'ln_engagement_15d',
] as const;

/** Posterior per `${userId}|${epoch day of the snapshot}`. */
export type FilterPosterior = Map<string, number[]>;

/** Days since 1970-01-01 UTC: the simulator's days are UTC days. */
export const epochDay = (d: Date): number => Math.floor(d.getTime() / DAY);

const DAILY_SQL = `
  WITH v AS (
    SELECT user_id, started_at, completion,
           lag(started_at + watched_seconds * interval '1 second')
             OVER (PARTITION BY user_id ORDER BY started_at) AS prev_end
      FROM viewing_events)
  SELECT user_id,
         floor(extract(epoch FROM started_at) / 86400)::int AS day,
         count(*) FILTER (WHERE prev_end IS NULL
                             OR started_at - prev_end > interval '300 seconds'
                             OR floor(extract(epoch FROM prev_end) / 86400)
                                <> floor(extract(epoch FROM started_at) / 86400))::int AS sittings,
         sum(completion - $1) AS learn
    FROM v GROUP BY 1, 2 ORDER BY 1, 2`;

export async function engagementFilter(
  pool: Pool,
  python: string,
  dir: string,
  snapshots: Date[],
  say: (m: string) => void,
): Promise<FilterPosterior> {
  const world = await pool.query<{ start_at: Date; end_at: Date }>(
    'SELECT start_at, end_at FROM sim.worlds',
  );
  const { start_at: start, end_at: end } = world.rows[0];
  const daily = await pool.query<{ user_id: string; day: number; sittings: number; learn: number }>(
    DAILY_SQL,
    [DEFAULT_BEHAVIOUR.engagementPivot],
  );
  const users = await pool.query<{ id: string; signup_day: number; age_band: string }>(
    `SELECT id, floor(extract(epoch FROM signup_at) / 86400)::int AS signup_day, age_band FROM users`,
  );
  const dailyCsv = path.join(dir, 'filter-daily.csv');
  const usersCsv = path.join(dir, 'filter-users.csv');
  const outCsv = path.join(dir, 'filter-posterior.csv');
  fs.writeFileSync(
    dailyCsv,
    [
      'user_id,day,sittings,learn',
      ...daily.rows.map((r) => `${r.user_id},${r.day},${r.sittings},${r.learn}`),
    ].join('\n'),
  );
  fs.writeFileSync(
    usersCsv,
    [
      'user_id,signup_day,age_band',
      ...users.rows.map((r) => `${r.id},${r.signup_day},${r.age_band}`),
    ].join('\n'),
  );
  const job = path.join(dir, 'filter-job.json');
  fs.writeFileSync(
    job,
    JSON.stringify({
      daily: dailyCsv,
      users: usersCsv,
      out: outCsv,
      start_day: epochDay(start),
      days: epochDay(end) - epochDay(start),
      snapshot_days: snapshots.map(epochDay),
      age_bands: AGE_BANDS,
      behaviour: DEFAULT_BEHAVIOUR,
      base: BASE_ENGAGEMENT,
      particles: PARTICLES,
      seed: 42,
    }),
  );
  say(
    `world: filtering the latent engagement of ${users.rows.length} subscribers from ${daily.rows.length} subscriber-days of sittings`,
  );
  const r = spawnSync(python, [FILTER_PY, job], {
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`the engagement filter failed (exit ${r.status})`);
  const posterior: FilterPosterior = new Map();
  const lines = fs.readFileSync(outCsv, 'utf8').trim().split('\n').slice(1);
  for (const line of lines) {
    const [userId, day, ...values] = line.split(',');
    posterior.set(`${userId}|${day}`, values.map(Number));
  }
  return posterior;
}
