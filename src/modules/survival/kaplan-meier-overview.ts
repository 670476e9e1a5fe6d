/**
 * Observed survival of groups of subscribers, for the churn overview:
 * - per plan, over tenure: each subscription spell from its SIGNUP or REACTIVATE to its CANCEL,
 *   censored at the end of the data; spells that began before the recorded activity enter the
 *   risk set only at the tenure they had when it began (delayed entry), since the subscribers who
 *   left before then are not in the data;
 * - per segment of a segment run: the subscribers active at the run's snapshot, by the segment the
 *   fit placed them in, followed from the snapshot to the end of the data.
 */
import {
  DAY_MS,
  followUp,
  kaplanMeier,
  kaplanMeierMedian,
  survivalAt,
  type KaplanMeierFit,
} from '../../ml';
import type { SubscriptionSpell } from '../events/subscription-events.repository';
import type { KaplanMeierCurve, KaplanMeierPoint } from './survival.types';

interface Subject {
  group: string;
  time: number;
  event: 0 | 1;
  entry: number;
}

/** Per-plan curves over tenure from the spells, observed from `observedFrom`, censored at `end`. */
export function planCurves(
  spells: readonly SubscriptionSpell[],
  observedFrom: Date | null,
  end: Date,
  days: number,
): KaplanMeierCurve[] {
  const from = observedFrom?.getTime() ?? -Infinity;
  const subjects: Subject[] = [];
  for (const s of spells) {
    const start = s.startedAt.getTime();
    if (start >= end.getTime()) continue;
    const f = followUp(start, s.endedAt?.getTime() ?? null, end.getTime());
    const entry = Math.max(0, (from - start) / DAY_MS);
    if (f.time > entry) subjects.push({ group: s.plan || 'UNKNOWN', ...f, entry });
  }
  return curvesOf(subjects, days, (g) => g);
}

/** Per-segment curves from a snapshot: one subject per member, with its follow-up. */
export function segmentCurves(
  members: readonly { segmentId: string; time: number; event: 0 | 1 }[],
  labels: ReadonlyMap<string, string>,
  days: number,
): KaplanMeierCurve[] {
  return curvesOf(
    members.map((m) => ({ group: m.segmentId, time: m.time, event: m.event, entry: 0 })),
    days,
    (g) => labels.get(g) ?? `Segment ${g}`,
  );
}

function curvesOf(
  subjects: readonly Subject[],
  days: number,
  labelOf: (group: string) => string,
): KaplanMeierCurve[] {
  const groups = new Map<string, Subject[]>();
  for (const s of subjects) {
    const members = groups.get(s.group);
    if (members) members.push(s);
    else groups.set(s.group, [s]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, members]) => {
      const fit = kaplanMeier({
        time: members.map((m) => m.time),
        event: members.map((m) => m.event),
        entry: members.map((m) => m.entry),
      });
      return {
        group,
        label: labelOf(group),
        subscribers: fit.subjects,
        cancellations: fit.events,
        followUpDays: Math.floor(fit.lastTime),
        medianDays: kaplanMeierMedian(fit),
        points: dailyPoints(fit, Math.min(days, Math.floor(fit.lastTime))),
      };
    });
}

/** S, lower and upper on each day 1 … days (the step in force that day). */
function dailyPoints(fit: KaplanMeierFit, days: number): KaplanMeierPoint[] {
  const points: KaplanMeierPoint[] = [];
  let k = -1;
  for (let day = 1; day <= days; day++) {
    while (k + 1 < fit.steps.length && fit.steps[k + 1].time <= day) k++;
    const step = k >= 0 ? fit.steps[k] : null;
    points.push({
      day,
      survival: step ? survivalAt(fit, day) : 1,
      lower: step?.lower ?? 1,
      upper: step?.upper ?? 1,
    });
  }
  return points;
}
