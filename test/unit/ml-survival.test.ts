/**
 * Survival analysis in src/ml: follow-up and person-period rows that never see past a cutoff, the
 * Kaplan–Meier estimator and the IPCW Brier score against hand-computed examples, the concordance
 * index, curve summaries, lifetime value against a hand-computed curve, and the discrete-time
 * hazard model (both variants): monotone curves with S(0) = 1, a quality floor on a problem with
 * known true curves, and a save/load round trip.
 */
import {
  DAY_MS,
  DiscreteHazardModel,
  brierScores,
  concordanceIndex,
  evaluateSurvival,
  expectedRemainingDays,
  followUp,
  groupKaplanMeierCurves,
  integratedBrierScore,
  kaplanMeier,
  kaplanMeierCurve,
  kaplanMeierMedian,
  lifetimeValue,
  meanAbsoluteCurveError,
  medianDays,
  periodBounds,
  personPeriods,
  selectRows,
  survivalAt,
  survivalOnDay,
  syntheticSurvival,
  tailHazard,
  type ModelArtifacts,
  type SurvivalOutcomes,
} from '../../src/ml';

const T = Date.UTC(2026, 0, 1);

describe('follow-up and person-period rows', () => {
  it('counts an event up to the cutoff and censors anything after it', () => {
    const cutoff = T + 30 * DAY_MS;
    expect(followUp(T, T + 3.2 * DAY_MS, cutoff)).toEqual({ time: 4, event: 1 });
    expect(followUp(T, cutoff, cutoff)).toEqual({ time: 30, event: 1 });
    // A cancellation one second after the cutoff is not seen: censored at the cutoff.
    expect(followUp(T, cutoff + 1000, cutoff)).toEqual({ time: 30, event: 0 });
    expect(followUp(T, null, cutoff)).toEqual({ time: 30, event: 0 });
    expect(() => followUp(T, T, cutoff)).toThrow(/not after the snapshot/);
    expect(() => followUp(T, null, T - 1)).toThrow(/precedes/);
  });

  it('never emits a row past a subject’s last observed day, and flags only the event day’s period', () => {
    const bounds = periodBounds(30, 7);
    expect(bounds).toEqual([0, 7, 14, 21, 28, 35]);
    const outcomes = { time: [10, 7, 30, 0, 40], event: [1, 0, 0, 0, 1] };
    const pp = personPeriods(outcomes, bounds);
    const rows = Array.from(pp.subject, (s, r) => ({
      s,
      k: pp.period[r],
      n: pp.exposure[r],
      e: pp.event[r],
    }));
    expect(rows.filter((r) => r.s === 0)).toEqual([
      { s: 0, k: 0, n: 7, e: 0 },
      { s: 0, k: 1, n: 3, e: 1 },
    ]);
    expect(rows.filter((r) => r.s === 1)).toEqual([{ s: 1, k: 0, n: 7, e: 0 }]);
    expect(rows.filter((r) => r.s === 2).map((r) => r.n)).toEqual([7, 7, 7, 7, 2]);
    expect(rows.filter((r) => r.s === 3)).toEqual([]);
    // An event beyond the grid's end is cut there: censored, no event row.
    expect(rows.filter((r) => r.s === 4).every((r) => r.e === 0)).toBe(true);
    expect(rows.filter((r) => r.s === 4).reduce((a, r) => a + r.n, 0)).toBe(35);
    // Exposure per subject is exactly its observed days (capped by the grid).
    for (let s = 0; s < 4; s++) {
      expect(rows.filter((r) => r.s === s).reduce((a, r) => a + r.n, 0)).toBe(outcomes.time[s]);
    }
  });

  it('builds rows from follow-up cut at the cutoff: no event after the cutoff reaches training', () => {
    const cutoff = T + 14 * DAY_MS;
    const cancels = [T + 5 * DAY_MS, T + 20 * DAY_MS, null, T + 14 * DAY_MS];
    const f = cancels.map((c) => followUp(T, c, cutoff));
    const pp = personPeriods(
      { time: f.map((x) => x.time), event: f.map((x) => x.event) },
      [0, 7, 14, 21, 28],
    );
    const maxDay = Array.from(pp.subject, (s, r) => [0, 7, 14, 21][pp.period[r]] + pp.exposure[r]);
    expect(Math.max(...maxDay)).toBeLessThanOrEqual(14);
    expect(Array.from(pp.event).reduce((a, b) => a + b, 0)).toBe(2); // days 5 and 14, not 20
  });
});

describe('Kaplan–Meier', () => {
  // (time, event): (1,1) (2,1) (2,0) (3,1) (4,0) (5,1) (5,1)
  const data = { time: [1, 2, 2, 3, 4, 5, 5], event: [1, 1, 0, 1, 0, 1, 1] };

  it('matches a hand-computed example', () => {
    const fit = kaplanMeier(data);
    expect(fit.steps.map((s) => [s.time, s.atRisk, s.events, s.censored])).toEqual([
      [1, 7, 1, 0],
      [2, 6, 1, 1],
      [3, 4, 1, 0],
      [5, 2, 2, 0],
    ]);
    expect(fit.steps[0].survival).toBeCloseTo(6 / 7, 12);
    expect(fit.steps[1].survival).toBeCloseTo(5 / 7, 12);
    expect(fit.steps[2].survival).toBeCloseTo(15 / 28, 12);
    expect(fit.steps[3].survival).toBe(0);
    // Greenwood at t = 2: S² (1/(7·6) + 1/(6·5)).
    expect(fit.steps[1].stdError).toBeCloseTo((5 / 7) * Math.sqrt(1 / 42 + 1 / 30), 12);
    expect(fit.steps[1].lower).toBeLessThan(5 / 7);
    expect(fit.steps[1].upper).toBeGreaterThan(5 / 7);
    expect(survivalAt(fit, 0)).toBe(1);
    expect(survivalAt(fit, 4.5)).toBeCloseTo(15 / 28, 12);
    expect(kaplanMeierMedian(fit)).toBe(5);
    kaplanMeierCurve(fit, 3).forEach((s, t) =>
      expect(s).toBeCloseTo([6 / 7, 5 / 7, 15 / 28][t], 12),
    );
  });

  it('counts late entrants only from their entry (left truncation)', () => {
    // Two subjects seen from day 0, two entering at day 3: at day 2 only the first two are at risk.
    const fit = kaplanMeier({ time: [2, 6, 5, 6], event: [1, 0, 1, 0], entry: [0, 0, 3, 3] });
    expect(fit.steps.map((s) => [s.time, s.atRisk])).toEqual([
      [2, 2],
      [5, 3],
    ]);
    expect(fit.steps[1].survival).toBeCloseTo(0.5 * (2 / 3), 12);
  });
});

describe('survival metrics', () => {
  it('computes the IPCW Brier score of a hand-worked example', () => {
    // A: event on day 1; B: censored after day 1; C: censored after day 2. G(0) = 1, G(1) = 1/2.
    const outcomes = { time: [1, 1, 2], event: [1, 0, 0] };
    const curves = [
      [0.4, 0.3],
      [0.8, 0.7],
      [0.9, 0.6],
    ];
    const scores = brierScores(curves, outcomes, 2);
    expect(scores[0]).toBeCloseTo((0.4 ** 2 + 0.2 ** 2 + 0.1 ** 2) / 3, 12);
    expect(scores[1]).toBeCloseTo((0.3 ** 2 + 0.4 ** 2 / 0.5) / 3, 12);
    expect(integratedBrierScore(curves, outcomes, 2)).toBeCloseTo((scores[0] + scores[1]) / 2, 12);
  });

  it('computes Harrell’s concordance index', () => {
    const outcomes = { time: [1, 2, 3], event: [1, 1, 0] };
    expect(concordanceIndex([3, 2, 1], outcomes)).toBe(1);
    expect(concordanceIndex([1, 2, 3], outcomes)).toBe(0);
    expect(concordanceIndex([1, 1, 1], outcomes)).toBe(0.5);
  });
});

describe('curve summaries and lifetime value', () => {
  const curve = Float64Array.from({ length: 90 }, (_, t) => (t < 30 ? 0.95 : t < 60 ? 0.8 : 0.6));

  it('finds the median on the curve or in its constant-hazard tail', () => {
    expect(medianDays([0.9, 0.7, 0.5, 0.4], 0.1)).toBe(3);
    // S(2) = 0.8, then × 0.9 a day: 0.72, 0.648, 0.583, 0.525, 0.472 → day 7.
    expect(medianDays([0.9, 0.8], 0.1)).toBe(7);
    expect(medianDays([0.9, 0.8], 0)).toBeNull();
    expect(survivalOnDay([0.9, 0.8], 0, 0.1)).toBe(1);
    expect(survivalOnDay([0.9, 0.8], 4, 0.1)).toBeCloseTo(0.8 * 0.81, 12);
    expect(expectedRemainingDays([0.9, 0.8], 0.1)).toBeCloseTo(1.7 + (0.8 * 0.9) / 0.1, 12);
    expect(tailHazard([1, 0.5, 0.25], 2)).toBeCloseTo(0.5, 12);
  });

  it('sums discounted monthly margins over survival, as computed by hand', () => {
    // Payments at days 30, 60, 90 with S = 0.95, 0.8, 0.6; margin 10; no discount.
    expect(
      lifetimeValue(curve, {
        monthlyMargin: 10,
        annualDiscountRate: 0,
        horizonMonths: 3,
        tailHazard: 0,
      }),
    ).toBeCloseTo(23.5, 10);
    // 12 % a year: payment m discounted by 1.12^(m/12).
    const d = (m: number) => 1.12 ** (m / 12);
    expect(
      lifetimeValue(curve, {
        monthlyMargin: 10,
        annualDiscountRate: 0.12,
        horizonMonths: 3,
        tailHazard: 0,
      }),
    ).toBeCloseTo(9.5 / d(1) + 8 / d(2) + 6 / d(3), 10);
    // A fourth payment beyond the curve: S(120) = S(90) · (1 − h)^30.
    expect(
      lifetimeValue(curve, {
        monthlyMargin: 10,
        annualDiscountRate: 0,
        horizonMonths: 4,
        tailHazard: 0.01,
      }),
    ).toBeCloseTo(23.5 + 6 * 0.99 ** 30, 10);
  });
});

describe('DiscreteHazardModel', () => {
  const data = syntheticSurvival(4000, 5, { cutoffs: [30, 45, 60, 75], days: 180 });
  const evalData = syntheticSurvival(2000, 6, { cutoffs: [30], days: 180 });
  const trainIdx = Array.from({ length: 3000 }, (_, i) => i);
  const valIdx = Array.from({ length: 1000 }, (_, i) => 3000 + i);
  const part = (idx: number[]) => ({
    features: selectRows(data.features, idx),
    outcomes: {
      time: idx.map((i) => data.outcomes.time[i]),
      event: idx.map((i) => data.outcomes.event[i]),
    } as SurvivalOutcomes,
  });
  const models: Record<string, DiscreteHazardModel> = {};

  beforeAll(async () => {
    for (const variant of ['logistic', 'deep'] as const) {
      models[variant] = await DiscreteHazardModel.fit(
        part(trainIdx),
        { variant, seed: 3, clockFeature: 'tenure_days', epochs: 12 },
        part(valIdx),
      );
    }
  }, 120_000);

  afterAll(() => Object.values(models).forEach((m) => m.dispose()));

  it.each(['logistic', 'deep'])('%s: curves start at 1 and never rise', (variant) => {
    const { curves, tailHazards } = models[variant].predict(evalData.features);
    expect(curves).toHaveLength(2000);
    // Counted, then asserted once: 360,000 expect() calls would take half a minute.
    let rises = 0;
    let outside = 0;
    curves.forEach((c, i) => {
      if (c.length !== 180 || survivalOnDay(c, 0, tailHazards[i]) !== 1) outside++;
      if (!(c[0] <= 1 && c[0] > 0.5 && tailHazards[i] > 0 && c[179] >= 0)) outside++;
      for (let t = 1; t < c.length; t++) if (c[t] > c[t - 1]) rises++;
    });
    expect({ rises, outside }).toEqual({ rises: 0, outside: 0 });
  });

  it.each(['logistic', 'deep'])(
    '%s: clears a quality floor beside a Kaplan–Meier-per-plan baseline and the truth',
    (variant) => {
      const { curves } = models[variant].predict(evalData.features);
      const model = evaluateSurvival(variant, curves, evalData.outcomes, { tau: 30 });
      const kmOf = groupKaplanMeierCurves(data.plans.slice(0, 3000), part(trainIdx).outcomes, 180);
      const baseline = evaluateSurvival('km', evalData.plans.map(kmOf), evalData.outcomes, {
        tau: 30,
      });
      const truth = evaluateSurvival('truth', evalData.truth, evalData.outcomes, { tau: 30 });
      expect(model.concordance).toBeGreaterThan(baseline.concordance + 0.08);
      expect(model.concordance).toBeGreaterThan(truth.concordance - 0.03);
      expect(model.integratedBrier).toBeLessThanOrEqual(baseline.integratedBrier);
      expect(model.calibrationError).toBeLessThan(0.02);
      // Out to 180 days (beyond the 75 days of follow-up it saw) the curves stay near the true ones.
      expect(meanAbsoluteCurveError(curves, evalData.truth, 180)).toBeLessThan(0.03);
    },
  );

  it.each(['logistic', 'deep'])('%s: survives a save/load round trip', async (variant) => {
    const artifacts = await models[variant].toArtifacts();
    const copy: ModelArtifacts = {
      manifest: JSON.parse(JSON.stringify(artifacts.manifest)),
      weights: artifacts.weights.slice(0),
    };
    const loaded = await DiscreteHazardModel.fromArtifacts(copy);
    try {
      const rows = selectRows(evalData.features, [0, 1, 2, 3, 4]);
      const a = models[variant].predict(rows);
      const b = loaded.predict(rows);
      b.curves.forEach((c, i) => c.forEach((s, t) => expect(s).toBeCloseTo(a.curves[i][t], 6)));
      expect(loaded.variant).toBe(variant);
      expect(loaded.training.subjects).toBe(3000);
    } finally {
      loaded.dispose();
    }
  });
});
