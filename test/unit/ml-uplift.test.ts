/**
 * Uplift models and their evaluation: Qini and AUUC against a hand-computed example, the average
 * effect's interval, and T- and X-learners that recover a planted heterogeneous effect.
 */
import { createRng, type FeatureMatrix } from '../../src/ml';
import {
  TLearner,
  XLearner,
  averageEffect,
  bestLinearPredictor,
  calibratedUplift,
  imbalancedColumns,
  predictWith,
  qini,
  trueGain,
} from '../../src/ml/uplift';

describe('Qini and AUUC', () => {
  it('match a hand-computed example', () => {
    // Sorted by score: T(y=1), C(y=0), T(y=0), C(y=1).
    // Q after each row: 0 (no control yet), 1 − 0·1/1 = 1, 1 − 0·2/1 = 1, 1 − 1·2/2 = 0.
    // Area (trapezoids of width 1/4): 0 + 0.125 + 0.25 + 0.125 = 0.5; AUUC = 0.5 / 4 rows.
    const s = qini([0.9, 0.7, 0.5, 0.1], [1, 0, 1, 0], [1, 0, 0, 1]);
    expect(s.curve.map((p) => p.qini)).toEqual([0, 0, 1, 1, 0]);
    expect(s.curve.map((p) => p.fraction)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(s.auuc).toBeCloseTo(0.125, 12);
    expect(s.randomAuuc).toBe(0);
    expect(s.qiniCoefficient).toBeCloseTo(0.125, 12);
  });

  it('enters tied scores together', () => {
    const s = qini([1, 1, 0], [1, 0, 1], [1, 0, 0]);
    expect(s.curve).toEqual([
      { fraction: 0, qini: 0 },
      { fraction: 2 / 3, qini: 1 },
      { fraction: 1, qini: 1 - 0 * (2 / 1) },
    ]);
  });

  it('measures a ranking against known effects', () => {
    // Effects 3, 1, −2 ranked best first: gains 3, 4, 2 over thirds.
    // Area = (0+3)/2/3 + (3+4)/2/3 + (4+2)/2/3 = 16/6; AUUC = 16/6/3; random = 2/(2·3).
    const s = trueGain([0.3, 0.2, 0.1], [3, 1, -2]);
    expect(s.auuc).toBeCloseTo(16 / 18, 12);
    expect(s.randomAuuc).toBeCloseTo(1 / 3, 12);
    expect(trueGain([0.1, 0.2, 0.3], [3, 1, -2]).auuc).toBeLessThan(s.randomAuuc);
  });
});

describe('averageEffect', () => {
  it('is the difference in means with a 95% Wald interval', () => {
    const e = averageEffect([1, 1, 0, 0], [0, 0, 0, 1]);
    expect(e.effect).toBeCloseTo(0.25, 12);
    const se = Math.sqrt(1 / 3 / 4 + 0.25 / 4);
    expect(e.standardError).toBeCloseTo(se, 12);
    expect(e.lower).toBeCloseTo(0.25 - 1.959964 * se, 6);
    expect(e.upper).toBeCloseTo(0.25 + 1.959964 * se, 6);
  });
});

/** Rows with a planted effect: +0.2 in segment "responsive", −0.05 elsewhere. */
function planted(n: number, seed: number) {
  const rng = createRng(seed);
  const features: FeatureMatrix = {
    numeric: [],
    numericNames: ['x'],
    categorical: [],
    categoricalNames: ['segment'],
  };
  const treated: number[] = [];
  const outcome: number[] = [];
  const effect: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    const segment = rng.next() < 0.4 ? 'responsive' : 'indifferent';
    const t = rng.next() < 0.5 ? 1 : 0;
    const tau = segment === 'responsive' ? 0.2 : -0.05;
    const base = 1 / (1 + Math.exp(-(-0.8 + 0.6 * x)));
    const p = Math.min(0.99, Math.max(0.01, base + t * tau));
    features.numeric.push([x]);
    features.categorical.push([segment]);
    treated.push(t);
    outcome.push(rng.next() < p ? 1 : 0);
    effect.push(tau);
  }
  return { features, treated, outcome, effect };
}

describe('uplift learners', () => {
  const train = planted(4000, 1);
  const test = planted(2000, 2);
  let tLearner: TLearner;

  beforeAll(async () => {
    tLearner = await TLearner.fit(train.features, train.treated, train.outcome, { seed: 1 });
  }, 60000);

  const meanBySegment = (uplift: ArrayLike<number>, segment: string) => {
    let s = 0;
    let n = 0;
    test.features.categorical.forEach((row, i) => {
      if (row[0] === segment) {
        s += uplift[i];
        n++;
      }
    });
    return s / n;
  };

  it('T-learner recovers the planted effect per segment and ranks above random', () => {
    const { uplift } = tLearner.predict(test.features);
    expect(meanBySegment(uplift, 'responsive')).toBeGreaterThan(0.12);
    expect(meanBySegment(uplift, 'indifferent')).toBeLessThan(0.02);
    const q = qini(uplift, test.treated, test.outcome);
    expect(q.qiniCoefficient).toBeGreaterThan(0);
    expect(trueGain(uplift, test.effect).auuc).toBeGreaterThan(
      trueGain(
        uplift.map(() => 0),
        test.effect,
      ).auuc,
    );
  });

  it('X-learner recovers it too', () => {
    const x = XLearner.fit(train.features, train.treated, train.outcome, tLearner);
    const uplift = x.predict(test.features);
    expect(meanBySegment(uplift, 'responsive')).toBeGreaterThan(0.12);
    expect(meanBySegment(uplift, 'indifferent')).toBeLessThan(0.02);
    expect(x.propensity).toBeGreaterThan(0.45);
    expect(x.propensity).toBeLessThan(0.55);
  });

  it('posterior draws of an outcome model scatter around its fit', () => {
    const rng = createRng(3);
    const model = tLearner.controlModel;
    const design = model.design(test.features);
    const base = model.predict(test.features);
    const draws = Array.from({ length: 50 }, () => model.drawCoefficients(rng));
    const means = draws.map((b) => {
      const p = predictWith(design, b);
      return p.reduce((a, v) => a + v, 0) / p.length;
    });
    const fitMean = base.reduce((a, v) => a + v, 0) / base.length;
    const avg = means.reduce((a, v) => a + v, 0) / means.length;
    expect(Math.abs(avg - fitMean)).toBeLessThan(0.01);
    expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(0.002);
  });
});

describe('imbalancedColumns', () => {
  it('finds a column the treatment moved and leaves randomised covariates alone', () => {
    const { features, treated, outcome } = planted(4000, 5);
    const withOutcome: FeatureMatrix = {
      ...features,
      numeric: features.numeric.map((row, i) => [
        row[0] as number,
        outcome[i] * 10 + treated[i] * 3,
      ]),
      numericNames: ['x', 'spend'],
    };
    const arms = treated.map((t) => (t === 1 ? 'mail' : 'none'));
    expect(imbalancedColumns(withOutcome, arms, 'none').map((c) => c.column)).toEqual(['spend']);
  });
});

describe('bestLinearPredictor', () => {
  /** Randomised rows whose true effect is `tau(i)`; outcome linear in it (a probability). */
  function rows(n: number, seed: number) {
    const rng = createRng(seed);
    const treated: number[] = [];
    const outcome: number[] = [];
    const tau: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = rng.next() < 0.5 ? 1 : 0;
      const effect = rng.next() < 0.5 ? 0.25 : -0.05;
      treated.push(t);
      tau.push(effect);
      outcome.push(rng.next() < 0.3 + t * effect ? 1 : 0);
    }
    return { treated, outcome, tau, rng };
  }

  it('keeps all of a prediction that is the true effect (slope ≈ 1)', () => {
    const { treated, outcome, tau } = rows(20000, 1);
    const c = bestLinearPredictor(
      outcome,
      treated,
      tau,
      tau.map(() => 0.3),
    );
    expect(c.ate).toBeCloseTo(0.1, 1);
    expect(c.slope).toBeGreaterThan(0.8);
    expect(c.slope).toBeLessThan(1.2);
    expect(c.covariance[1][1]).toBeGreaterThan(0);
    expect(calibratedUplift(c, 0.25)).toBeGreaterThan(calibratedUplift(c, -0.05));
  });

  it('shrinks a prediction that is noise to the average effect (slope ≈ 0)', () => {
    const { treated, outcome, rng } = rows(20000, 2);
    const noise = treated.map(() => rng.normal());
    const c = bestLinearPredictor(
      outcome,
      treated,
      noise,
      noise.map(() => 0.3),
    );
    expect(Math.abs(c.slope)).toBeLessThan(3 * Math.sqrt(c.covariance[1][1]) + 0.01);
    expect(calibratedUplift({ ...c, slope: -0.5 }, 10)).toBeCloseTo(c.ate, 12);
  });
});
