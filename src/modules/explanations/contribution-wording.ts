/**
 * What a contribution is compared with, and the sentence in plain units. Features that describe a
 * change in the subscriber's own viewing (recent against usual, the last 14 days against the 14
 * before) compare with their OWN_PAST; every other feature compares the subscriber's value with the
 * typical subscriber (EVERYONE, the training median). Recent and usual viewing are a pair: read apart,
 * "usual viewing 9.6 sessions/week" looks like it raises risk on its own, while the point is the fall
 * from that baseline, so a pair present in one explanation is merged into one change.
 */
import { plainValue, withUnit } from './feature-units';

export enum ComparedTo {
  OWN_PAST = 'OWN_PAST',
  EVERYONE = 'EVERYONE',
}

/** Recent feature → its usual counterpart. */
export const PAIRED_FEATURES: Readonly<Record<string, string>> = {
  views_decayed_7d: 'views_decayed_90d',
  engagement_recent: 'engagement_usual',
};
const PARTNER_OF: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(PAIRED_FEATURES).flatMap(([a, b]) => [
    [a, b],
    [b, a],
  ]),
);

const OWN_PAST_FEATURES = new Set([
  ...Object.keys(PARTNER_OF),
  'engagement_change',
  'watch_trend_14d',
  'watch_decline_14d',
]);

export function comparedToOf(feature: string): ComparedTo {
  return OWN_PAST_FEATURES.has(feature) ? ComparedTo.OWN_PAST : ComparedTo.EVERYONE;
}

/** The other half of a recent/usual pair, or null. */
export function partnerOf(feature: string): string | null {
  return PARTNER_OF[feature] ?? null;
}

/** "Viewing fell from 9.6 to 0.7 sessions/week (their own usual against the last weeks)". */
export function pairSentence(
  recentFeature: string,
  recent: number,
  usualFeature: string,
  usual: number,
): string {
  const r = plainValue(recentFeature, recent);
  const u = plainValue(usualFeature, usual);
  if (r === null || u === null) return 'Viewing: no recent data';
  const verb = r < u * 0.9 ? 'fell' : r > u * 1.1 ? 'rose' : 'held steady';
  const to = withUnit(recentFeature, r);
  return verb === 'held steady'
    ? `Viewing held steady at about ${to} (against their own usual)`
    : `Viewing ${verb} from ${withUnit(usualFeature, u).replace(/ .*$/, '')} to ${to} (against their own usual)`;
}

/** The plain-unit comparison suffix for a feature compared with everyone: " (typical: 2.3 h/week)". */
export function everyoneNote(feature: string, typical: number | null): string {
  const t = plainValue(feature, typical);
  return t === null ? '' : ` (typical subscriber: ${withUnit(feature, t)})`;
}

/** Features that compare the last 14 days' watch time with the 14 before. */
export const TREND_FEATURES: ReadonlySet<string> = new Set([
  'watch_trend_14d',
  'watch_decline_14d',
]);

/**
 * Hours watched in the last 14 days and the 14 before, from the 28-day daily sequence (oldest day
 * first; channel 1 is minutes). Shape: sequence [28][3].
 */
export function fortnightHours(sequence: number[][]): { last: number; before: number } {
  const half = Math.floor(sequence.length / 2);
  const hours = (days: number[][]) => days.reduce((s, d) => s + (d[1] ?? 0), 0) / 60;
  return { last: hours(sequence.slice(half)), before: hours(sequence.slice(0, half)) };
}

/** "Watched 0.4 h in the last 14 days, 5.1 h in the 14 before". */
const EN_US = new Intl.NumberFormat('en-US');

export function fortnightSentence(last: number, before: number): string {
  const h = (v: number) => `${EN_US.format(Math.round(v * 10) / 10)} h`;
  return `Watched ${h(last)} in the last 14 days, ${h(before)} in the 14 before`;
}
