/**
 * How good alerts are, measured on a replay of the world: from the alert openings, the cancellations and
 * who was active when, the precision of an alert (its subscriber cancels within the horizon), its lift
 * over the base rate, the share of churners alerted early enough to act, the lead time, and the alert
 * volume. And the same figures for other alert rules, by re-applying a threshold rule to the stored
 * score histories (the trade-off curve). Pure: arrays in, figures out.
 */

const DAY = 86_400_000;

export interface QualityInputs {
  /** Replay window [from, to) (ms). */
  from: number;
  to: number;
  horizonDays: number;
  /** An alert counts as early when raised at least this long before the cancellation. */
  minLeadDays: number;
  /** Alert openings: subscriber and time (ms). */
  openings: { userId: string; at: number }[];
  /** Cancellations in the window and after it (ms), and reactivations. */
  cancels: { userId: string; at: number }[];
  reactivations: { userId: string; at: number }[];
  /** Subscribers active at `from`. */
  activeAtStart: readonly string[];
}

export interface AlertQuality {
  /** Alerts opened while their horizon still fits in the window. */
  evaluatedAlerts: number;
  /** Share of those whose subscriber cancelled within the horizon. */
  precision: number;
  /** Share of active subscribers cancelling within the horizon, averaged over the days of the window. */
  baseRate: number;
  lift: number;
  /** Churners (cancelling at least minLeadDays into the window). */
  churners: number;
  /** Share of churners with an alert raised between horizonDays and minLeadDays before they cancelled. */
  churnersAlertedEarly: number;
  /** Median days from a churner's first alert within the horizon to the cancellation (NaN when none). */
  medianLeadDays: number;
  /** Openings per 1,000 active subscribers per day. */
  alertsPer1000PerDay: number;
}

export function alertQuality(x: QualityInputs): AlertQuality {
  const horizon = x.horizonDays * DAY;
  const cancelsBy = groupTimes(x.cancels);
  const cancelWithin = (userId: string, at: number) =>
    (cancelsBy.get(userId) ?? []).some((c) => c > at && c <= at + horizon);

  const evaluated = x.openings.filter((o) => o.at >= x.from && o.at + horizon <= x.to);
  const hits = evaluated.filter((o) => cancelWithin(o.userId, o.at)).length;
  const precision = evaluated.length > 0 ? hits / evaluated.length : Number.NaN;

  const { baseRate, subscriberDays } = baseRateOf(x, cancelsBy);
  const openingsBy = groupTimes(x.openings);
  const churners = x.cancels.filter((c) => c.at >= x.from + x.minLeadDays * DAY && c.at < x.to);
  const leads: number[] = [];
  let early = 0;
  for (const c of churners) {
    const raised = (openingsBy.get(c.userId) ?? []).filter((o) => o < c.at && o >= c.at - horizon);
    if (raised.length === 0) continue;
    leads.push((c.at - Math.min(...raised)) / DAY);
    if (raised.some((o) => o <= c.at - x.minLeadDays * DAY)) early++;
  }
  const windowOpenings = x.openings.filter((o) => o.at >= x.from && o.at < x.to).length;
  return {
    evaluatedAlerts: evaluated.length,
    precision,
    baseRate,
    lift: precision / baseRate,
    churners: churners.length,
    churnersAlertedEarly: churners.length > 0 ? early / churners.length : Number.NaN,
    medianLeadDays: median(leads),
    alertsPer1000PerDay: subscriberDays > 0 ? (1000 * windowOpenings) / subscriberDays : Number.NaN,
  };
}

/**
 * The share of active subscribers cancelling within the horizon, averaged over the days whose
 * horizon fits in the window; and the subscriber-days of the whole window.
 */
function baseRateOf(
  x: QualityInputs,
  cancelsBy: Map<string, number[]>,
): { baseRate: number; subscriberDays: number } {
  const events = [
    ...x.cancels.map((c) => ({ ...c, active: false })),
    ...x.reactivations.map((r) => ({ ...r, active: true })),
  ].sort((a, b) => a.at - b.at);
  const active = new Set(x.activeAtStart);
  const horizon = x.horizonDays * DAY;
  let k = 0;
  let rateSum = 0;
  let rateDays = 0;
  let subscriberDays = 0;
  for (let day = x.from; day < x.to; day += DAY) {
    while (k < events.length && events[k].at < day) {
      if (events[k].active) active.add(events[k].userId);
      else active.delete(events[k].userId);
      k++;
    }
    subscriberDays += active.size;
    if (day + horizon > x.to || active.size === 0) continue;
    let cancelling = 0;
    for (const u of active) {
      if ((cancelsBy.get(u) ?? []).some((c) => c > day && c <= day + horizon)) cancelling++;
    }
    rateSum += cancelling / active.size;
    rateDays++;
  }
  return { baseRate: rateDays > 0 ? rateSum / rateDays : Number.NaN, subscriberDays };
}

/** What `churn alert-quality` stores (alert_quality_runs.result). */
export interface AlertQualityReport {
  world: { seed: number; users: number; days: number; end: string };
  replay: {
    from: string;
    to: string;
    days: number;
    activeAtCut: number;
    viewingEvents: number;
    accountEvents: number;
    /** Events the API refused (a view still running when its subscriber cancelled, say). */
    rejected: number;
  };
  model: string;
  /** The alert rule as configured (ALERT_MIN_LEVEL and the model's bands). */
  rule: { minLevel: string; jumpDelta: number | null; thresholds: number[] };
  /** What the service's alerts did, through the live code path. */
  served: AlertQuality;
  /** Other thresholds, re-applied to the same score histories. */
  curve: (AlertQuality & { topShare: number; threshold: number })[];
  elapsedSeconds: number;
}

/** One subscriber's scores in time order. */
export interface ScoreHistory {
  userId: string;
  times: number[];
  probabilities: number[];
}

/**
 * The openings a threshold rule would have raised on these histories: open when a score reaches
 * `threshold` with no alert open, resolve when one falls below it, when the subscriber cancels, or
 * once the horizon has passed (then a later score can open a new one).
 */
export function openingsUnderThreshold(
  histories: readonly ScoreHistory[],
  threshold: number,
  horizonDays: number,
  cancels: ReadonlyMap<string, number[]>,
): { userId: string; at: number }[] {
  const out: { userId: string; at: number }[] = [];
  for (const h of histories) {
    let openedAt: number | null = null;
    const cancelTimes = cancels.get(h.userId) ?? [];
    for (let i = 0; i < h.times.length; i++) {
      const t = h.times[i];
      if (openedAt !== null) {
        const cancelled = cancelTimes.some((c) => c > openedAt! && c <= t);
        if (cancelled || t - openedAt >= horizonDays * DAY || h.probabilities[i] < threshold)
          openedAt = null;
      }
      if (openedAt === null && h.probabilities[i] >= threshold) {
        openedAt = t;
        out.push({ userId: h.userId, at: t });
      }
    }
  }
  return out;
}

function groupTimes(rows: readonly { userId: string; at: number }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.userId, [...(out.get(r.userId) ?? []), r.at]);
  return out;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
