/**
 * Batch feature SQL: every feature of FEATURES for the subscribers active at snapshot T, from events
 * strictly before T. Also the churn label: cancelled within (T, T + horizon].
 *
 * Day arithmetic is on UTC day numbers (epoch ms / 86,400,000), like online-state.ts: `ago` is how many
 * days an event lies before the day of the instant just before T.
 */
import { FEATURES, MAX_BILLING_RECENCY_DAYS, SEQUENCE_DAYS } from './feature-definitions';
import {
  ABANDON_COMPLETION,
  GENRE_DECAY_DAYS,
  SECONDARY_GENRE_WEIGHT,
  VIEW_DECAY_DAYS,
} from './online-state';
import { ACCOUNT_EVENTS, VIEWING_EVENTS } from '../events/event-sql';
import { TITLES } from '../catalog/title-sql';
import { USERS } from '../users/user-sql';

/**
 * Plan, fee, 90-day billing counts and billing recencies of user `u` as of `p.t`, from subscription
 * events (plan and fee fall back to the users row when there are none). Shared by batch and online
 * paths, so account features are one computation.
 */
export const ACCOUNT_AS_OF_SQL = `
  LEFT JOIN LATERAL (
    SELECT
      coalesce(last_acct.detail->>'to', last_acct.detail->>'plan', u.plan::text) AS plan,
      coalesce((last_acct.detail->>'newFee')::float8, (last_acct.detail->>'fee')::float8, u.monthly_fee::float8) AS monthly_fee,
      billing.*
    FROM (
      SELECT
        count(*) FILTER (WHERE s.kind = 'PAYMENT_FAILED' AND s.at >= p.t - interval '90 days')::int AS payment_failures_90d,
        count(*) FILTER (WHERE s.kind = 'PRICE_INCREASE' AND s.at >= p.t - interval '90 days')::int AS price_increases_90d,
        ${billingRecency('PAYMENT_FAILED')} AS days_since_payment_failure,
        ${billingRecency('PRICE_INCREASE')} AS days_since_price_increase
      FROM ${ACCOUNT_EVENTS} s
      WHERE s.user_id = u.id AND s.at < p.t AND s.kind IN ('PAYMENT_FAILED', 'PRICE_INCREASE')
    ) billing
    LEFT JOIN LATERAL (
      SELECT s.detail FROM ${ACCOUNT_EVENTS} s
      WHERE s.user_id = u.id AND s.at < p.t AND s.kind IN ('SIGNUP', 'PLAN_CHANGE', 'PRICE_INCREASE', 'REACTIVATE')
      ORDER BY s.at DESC, s.id DESC LIMIT 1
    ) last_acct ON true
  ) acct ON true`;

function billingRecency(kind: 'PAYMENT_FAILED' | 'PRICE_INCREASE'): string {
  return `LEAST(${MAX_BILLING_RECENCY_DAYS}, coalesce(
          extract(epoch FROM p.t - max(s.at) FILTER (WHERE s.kind = '${kind}')) / 86400.0,
          ${MAX_BILLING_RECENCY_DAYS}))::float8`;
}

/**
 * Membership-weighted title count per genre in the catalogue (columns genre, titles): the primary
 * genre (listed first) counts 1, the others SECONDARY_GENRE_WEIGHT. The denominator of
 * genre_exhaustion in both paths.
 */
export const GENRE_CATALOGUE_SQL = `
  SELECT g.genre, sum(${genreMembershipSql('g.k')})::float8 AS titles
  FROM ${TITLES} t CROSS JOIN LATERAL unnest(t.genres) WITH ORDINALITY AS g(genre, k)
  GROUP BY g.genre`;

function genreMembershipSql(ordinal: string): string {
  return `CASE WHEN ${ordinal} = 1 THEN 1 ELSE ${SECONDARY_GENRE_WEIGHT} END`;
}

/** Active at T: signed up before T and the latest CANCEL/REACTIVATE before T is not a CANCEL. */
const ACTIVE_AT_T = `u.signup_at < p.t AND coalesce((
    SELECT s.kind::text FROM ${ACCOUNT_EVENTS} s
    WHERE s.user_id = u.id AND s.kind IN ('CANCEL', 'REACTIVATE') AND s.at < p.t
    ORDER BY s.at DESC, s.id DESC LIMIT 1), 'REACTIVATE') <> 'CANCEL'`;

/**
 * Seconds from event start to T as float8: exp over numeric (what extract returns) made the decayed
 * sums the slowest part of the query (1.6 s of 6 s on 400k events).
 */
const AGE_SECONDS_SQL = 'extract(epoch FROM p.t - e.started_at)::float8';

/** Views weighted by exp(−age / τ), one column views_decayed_<τ>d per VIEW_DECAY_DAYS entry. */
const DECAYED_VIEWS_SQL = VIEW_DECAY_DAYS.map(
  (days) => `sum(exp(-${AGE_SECONDS_SQL} / ${days * 86400})) AS views_decayed_${days}d`,
).join(', ');

const DEVICE_BIT_SQL = `CASE e.device WHEN 'TV' THEN 1 WHEN 'MOBILE' THEN 2 WHEN 'WEB' THEN 4 ELSE 8 END`;

/**
 * Parameters: $1 = T (timestamptz), $2 = user ids (bigint[]) or NULL for everyone active at T,
 * $3 = label horizon in days. Columns: user_id, one per feature, sequence (jsonb: ago → [n, s, c]),
 * label (0/1: a CANCEL within (T, T + horizon]).
 */
export function batchFeaturesSql(): string {
  const featureColumns = FEATURES.map(
    (f) => `(${f.batchSql})::${f.kind === 'numeric' ? 'float8' : 'text'} AS "${f.name}"`,
  ).join(',\n    ');
  return `
WITH p AS (
  SELECT $1::timestamptz AS t,
         floor((extract(epoch FROM $1::timestamptz) * 1000 - 1) / 86400000)::int AS d
),
pop AS (
  SELECT u.* FROM ${USERS} u, p
  WHERE ($2::bigint[] IS NULL OR u.id = ANY($2::bigint[])) AND ${ACTIVE_AT_T}
),
ev AS (
  SELECT e.user_id, e.watched_seconds, e.completion, ${DEVICE_BIT_SQL} AS device_bit,
         p.d - floor(extract(epoch FROM e.started_at) * 1000 / 86400000)::int AS ago
  FROM ${VIEWING_EVENTS} e JOIN pop ON pop.id = e.user_id, p
  WHERE e.started_at < p.t AND e.started_at >= p.t - interval '33 days'
),
days AS (
  SELECT user_id, ago, count(*)::int AS n, sum(watched_seconds)::float8 AS s,
         sum(completion::float8) AS c, sum((completion < ${ABANDON_COMPLETION})::int)::int AS a,
         bit_or(device_bit) AS dev
  FROM ev WHERE ago < 30 GROUP BY user_id, ago
),
agg AS (
  SELECT user_id,
    sum(n) FILTER (WHERE ago < 7) AS sessions_7d,
    sum(n) AS sessions_30d,
    sum(n) FILTER (WHERE ago < 14) AS sessions_14d,
    sum(s) FILTER (WHERE ago < 7) AS seconds_7d,
    sum(s) AS seconds_30d,
    sum(s) FILTER (WHERE ago < 14) AS seconds_14d,
    sum(s) FILTER (WHERE ago >= 14 AND ago < 28) AS seconds_prev_14d,
    sum(c) AS completion_sum_30d,
    sum(c) FILTER (WHERE ago < 14) AS completion_sum_14d,
    sum(a) AS abandoned_30d,
    count(*) FILTER (WHERE n >= 3) AS binge_days_30d,
    count(*) AS active_days_30d,
    bit_or(dev) AS devices_30d,
    jsonb_object_agg(ago, jsonb_build_array(n, s, c)) FILTER (WHERE ago < ${SEQUENCE_DAYS}) AS sequence
  FROM days GROUP BY user_id
),
gw AS (
  SELECT e.user_id, g.genre,
         sum(e.watched_seconds::float8 / cardinality(t.genres)
             * exp(-${AGE_SECONDS_SQL} / ${GENRE_DECAY_DAYS * 86400})) AS w
  FROM ${VIEWING_EVENTS} e JOIN pop ON pop.id = e.user_id JOIN ${TITLES} t ON t.id = e.title_id
  CROSS JOIN LATERAL unnest(t.genres) AS g(genre), p
  WHERE e.started_at < p.t
  GROUP BY e.user_id, g.genre
),
ge AS (
  SELECT user_id, -sum((w / tot) * ln(w / tot)) / ln(2) AS entropy
  FROM (SELECT user_id, w, sum(w) OVER (PARTITION BY user_id) AS tot FROM gw WHERE w > 0) x
  GROUP BY user_id
),
dv AS (
  SELECT e.user_id, ${DECAYED_VIEWS_SQL}
  FROM ${VIEWING_EVENTS} e JOIN pop ON pop.id = e.user_id, p
  WHERE e.started_at < p.t
  GROUP BY e.user_id
),
cat AS (${GENRE_CATALOGUE_SQL}),
seen AS (
  SELECT DISTINCT e.user_id, e.title_id
  FROM ${VIEWING_EVENTS} e JOIN pop ON pop.id = e.user_id, p
  WHERE e.started_at < p.t
),
gt AS (
  SELECT s.user_id, g.genre, sum(${genreMembershipSql('g.k')})::float8 AS titles
  FROM seen s JOIN ${TITLES} t ON t.id = s.title_id
  CROSS JOIN LATERAL unnest(t.genres) WITH ORDINALITY AS g(genre, k)
  GROUP BY s.user_id, g.genre
),
ex AS (
  -- The favourite genre: most titles started, ties to the larger share (as genreExhaustion).
  SELECT DISTINCT ON (gt.user_id) gt.user_id, gt.titles / cat.titles AS exhaustion
  FROM gt JOIN cat ON cat.genre = gt.genre AND cat.titles > 0
  ORDER BY gt.user_id, gt.titles DESC, gt.titles / cat.titles DESC
)
SELECT u.id AS user_id,
    ${featureColumns},
    coalesce(agg.sequence, '{}'::jsonb) AS sequence,
    EXISTS (
      SELECT 1 FROM ${ACCOUNT_EVENTS} s
      WHERE s.user_id = u.id AND s.kind = 'CANCEL' AND s.at > p.t AND s.at <= p.t + make_interval(days => $3::int)
    )::int AS label
FROM pop u
CROSS JOIN p
LEFT JOIN agg ON agg.user_id = u.id
LEFT JOIN ge ON ge.user_id = u.id
LEFT JOIN ex ON ex.user_id = u.id
LEFT JOIN dv ON dv.user_id = u.id
LEFT JOIN LATERAL (
  SELECT max(e.started_at) AS last_view_at FROM ${VIEWING_EVENTS} e WHERE e.user_id = u.id AND e.started_at < p.t
) lv ON true
${ACCOUNT_AS_OF_SQL}
ORDER BY u.id`;
}

/** Turn the batch row's sequence json (ago → [n, seconds, completion sum]) into [28][3], oldest first. */
export function sequenceFromJson(json: Record<string, [number, number, number]>): number[][] {
  const out: number[][] = [];
  for (let ago = SEQUENCE_DAYS - 1; ago >= 0; ago--) {
    const cell = json[String(ago)];
    out.push(cell ? [cell[0], cell[1] / 60, cell[0] > 0 ? cell[2] / cell[0] : 0] : [0, 0, 0]);
  }
  return out;
}
