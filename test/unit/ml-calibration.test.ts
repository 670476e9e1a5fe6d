import {
  brierScore,
  calibratorFromJSON,
  createRng,
  IsotonicCalibration,
  PlattScaling,
  selectCalibrator,
} from '../../src/ml';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** True probability σ(z); the "model" reports σ(3z): right ranking, far too confident. */
function overconfident(
  n: number,
  seed: number,
): { raw: number[]; truth: number[]; labels: number[] } {
  const rng = createRng(seed);
  const raw: number[] = [];
  const truth: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = 1.5 * rng.normal();
    truth.push(sigmoid(z));
    raw.push(sigmoid(3 * z));
    labels.push(rng.next() < sigmoid(z) ? 1 : 0);
  }
  return { raw, truth, labels };
}

describe('Platt scaling', () => {
  it('recovers the slope of a known miscalibration', () => {
    const { raw, labels } = overconfident(20000, 1);
    const platt = PlattScaling.fit(raw, labels);
    // logit(truth) = logit(raw) / 3.
    expect(platt.a).toBeCloseTo(1 / 3, 1);
    expect(Math.abs(platt.b)).toBeLessThan(0.05);
    expect(brierScore(platt.transform(raw), labels)).toBeLessThan(brierScore(raw, labels) - 0.01);
  });

  it('is monotone and serialises', () => {
    const { raw, labels } = overconfident(500, 2);
    const platt = PlattScaling.fit(raw, labels);
    const out = platt.transform([0.01, 0.2, 0.5, 0.8, 0.99]);
    for (let i = 1; i < out.length; i++) expect(out[i]).toBeGreaterThan(out[i - 1]);
    const again = calibratorFromJSON(JSON.parse(JSON.stringify(platt.toJSON())));
    expect(Array.from(again.transform(raw))).toEqual(Array.from(platt.transform(raw)));
  });

  it('stays finite on perfectly separated data', () => {
    const platt = PlattScaling.fit([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]);
    expect(Number.isFinite(platt.a) && Number.isFinite(platt.b)).toBe(true);
  });
});

describe('isotonic calibration', () => {
  it('pools adjacent violators and interpolates between steps', () => {
    // 0.2→1 and 0.3→0 violate the order and pool to 0.5; ends are kept off 0 and 1 by eps = 1e-3.
    const iso = IsotonicCalibration.fit([0.1, 0.2, 0.3, 0.4], [0, 1, 0, 1]);
    expect(iso.x).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(iso.y).toEqual([0.001, 0.5, 0.5, 0.999]);
    const out = iso.transform([0, 0.15, 0.25, 0.35, 1]);
    expect(out[0]).toBeCloseTo(0.001, 12);
    expect(out[1]).toBeCloseTo((0.001 + 0.5) / 2, 12);
    expect(out[2]).toBeCloseTo(0.5, 12);
    expect(out[3]).toBeCloseTo((0.5 + 0.999) / 2, 12);
    expect(out[4]).toBeCloseTo(0.999, 12);
  });

  it('gives tied scores one value', () => {
    const iso = IsotonicCalibration.fit([0.5, 0.5, 0.7], [0, 1, 1]);
    expect(Array.from(iso.transform([0.5]))).toEqual([0.5]);
  });

  it('is non-decreasing and fixes a monotone miscalibration', () => {
    // Reported score x is uniform; the true churn probability is x².
    const rng = createRng(3);
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const s = rng.next();
      x.push(s);
      y.push(rng.next() < s * s ? 1 : 0);
    }
    const iso = IsotonicCalibration.fit(x, y);
    const grid = Array.from({ length: 101 }, (_, i) => i / 100);
    const out = iso.transform(grid);
    for (let i = 1; i < out.length; i++) expect(out[i]).toBeGreaterThanOrEqual(out[i - 1]);
    expect(Math.abs(iso.transform([0.5])[0] - 0.25)).toBeLessThan(0.08);
    expect(brierScore(iso.transform(x), y)).toBeLessThan(brierScore(x, y) - 0.02);
    const again = calibratorFromJSON(JSON.parse(JSON.stringify(iso.toJSON())));
    expect(Array.from(again.transform(grid))).toEqual(Array.from(out));
  });
});

describe('selectCalibrator', () => {
  it('replaces identity when the scores are miscalibrated, judged on cross-fitted rows', () => {
    const { raw, labels } = overconfident(3000, 4);
    const { calibrator, scores } = selectCalibrator(raw, labels, { seed: 1 });
    expect(calibrator.kind).not.toBe('identity');
    expect(scores[calibrator.kind]!).toBeLessThan(scores.identity!);
  });

  it('keeps identity when there are too few rows of a class to cross-fit', () => {
    expect(selectCalibrator([0.2, 0.3, 0.9], [0, 0, 1]).calibrator.kind).toBe('identity');
  });
});
