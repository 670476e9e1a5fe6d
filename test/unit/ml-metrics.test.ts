import {
  averagePrecision,
  bestF1Threshold,
  brierScore,
  confusionMatrix,
  evaluateBinary,
  expectedCalibrationError,
  liftAt,
  logLoss,
  reliabilityTable,
  rocAuc,
  thresholdMetrics,
} from '../../src/ml';

describe('ranking metrics', () => {
  it('ROC-AUC counts ordered pairs', () => {
    // Positives {0.35, 0.8} against negatives {0.1, 0.4}: 0.35>0.1, 0.8>0.1, 0.8>0.4 win,
    // 0.35<0.4 loses → 3/4.
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
  });

  it('ROC-AUC counts ties as one half (average ranks)', () => {
    // Positives {0.9, 0.6} against negatives {0.6, 0.3}: 0.9 beats both (2), 0.6 ties 0.6 (0.5) and
    // beats 0.3 (1) → 3.5/4.
    expect(rocAuc([0.9, 0.6, 0.6, 0.3], [1, 1, 0, 0])).toBeCloseTo(0.875, 12);
    // All scores equal: every pair is a tie → 0.5.
    expect(rocAuc([0.5, 0.5, 0.5], [1, 0, 0])).toBeCloseTo(0.5, 12);
    // Order of rows does not matter.
    expect(rocAuc([0.3, 0.6, 0.9, 0.6], [0, 0, 1, 1])).toBeCloseTo(0.875, 12);
  });

  it('ROC-AUC is NaN with one class', () => {
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it('average precision is the step-wise sum of precision over recall gains', () => {
    // Descending: 0.8(+) P=1 R=.5; 0.4(−); 0.35(+) P=2/3 R=1 → .5·1 + .5·2/3 = 0.8333.
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(5 / 6, 12);
    // Tie group {0.6+, 0.6−} enters together: 0.9(+) P=1 R=.5; {0.6,0.6} P=2/3 R=1 → 5/6.
    expect(averagePrecision([0.9, 0.6, 0.6, 0.3], [1, 1, 0, 0])).toBeCloseTo(5 / 6, 12);
    // Whole table tied: one step to recall 1 at precision 1/3.
    expect(averagePrecision([0.5, 0.5, 0.5], [1, 0, 0])).toBeCloseTo(1 / 3, 12);
  });

  it('top-decile lift compares the top 10% churn rate with the base rate', () => {
    const scores = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];
    const labels = [1, 0, 1, 0, 0, 1, 0, 0, 0, 0];
    // Top ceil(10·0.1)=1 row is a churner: rate 1 over base 3/10 → 3.333.
    expect(liftAt(scores, labels, 0.1)).toBeCloseTo(1 / 0.3, 12);
    // Top 20% (2 rows) holds 1 churner: 0.5 / 0.3.
    expect(liftAt(scores, labels, 0.2)).toBeCloseTo(0.5 / 0.3, 12);
    // If the top two tie (one churner, one not), the 1-row top decile gets their mean rate 0.5.
    const tied = [0.9, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1];
    expect(liftAt(tied, [0, 1, 1, 0, 0, 1, 0, 0, 0, 0], 0.1)).toBeCloseTo(0.5 / 0.3, 12);
  });
});

describe('threshold metrics', () => {
  const probs = [0.9, 0.2, 0.6, 0.4, 0.5];
  const labels = [1, 0, 0, 1, 1];

  it('flags rows at or above the threshold', () => {
    // 0.9(+) tp, 0.6(−) fp, 0.5(+) tp (at the threshold), 0.2(−) tn, 0.4(+) fn.
    expect(confusionMatrix(probs, labels, 0.5)).toEqual({ tp: 2, fp: 1, tn: 1, fn: 1 });
    const m = thresholdMetrics(probs, labels, 0.5);
    expect(m.accuracy).toBeCloseTo(3 / 5, 12);
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
  });

  it('returns 0 rather than NaN when nothing is flagged', () => {
    const m = thresholdMetrics(probs, labels, 0.99);
    expect(m.precision).toBe(0);
    expect(m.f1).toBe(0);
  });

  it('chooses the F1-maximising threshold halfway to the next score', () => {
    // P = 2. Cut after 0.9: F1 2/3; after 0.8: 1/2; after 0.7: tp2 fp1 → 4/5 (best);
    // after 0.3: 2/3; after 0.2: 4/7. Threshold halfway between 0.7 and 0.3.
    const best = bestF1Threshold([0.9, 0.8, 0.7, 0.3, 0.2], [1, 0, 1, 0, 0]);
    expect(best.f1).toBeCloseTo(0.8, 12);
    expect(best.threshold).toBeCloseTo(0.5, 12);
  });
});

describe('calibration metrics', () => {
  it('Brier score and log loss by hand', () => {
    const probs = [0.9, 0.2, 0.6, 0.4];
    const labels = [1, 0, 0, 1];
    // (0.1² + 0.2² + 0.6² + 0.6²)/4 = 0.77/4.
    expect(brierScore(probs, labels)).toBeCloseTo(0.1925, 12);
    // −(ln .9 + ln .8 + ln .4 + ln .4)/4.
    expect(logLoss(probs, labels)).toBeCloseTo(
      -(Math.log(0.9) + Math.log(0.8) + 2 * Math.log(0.4)) / 4,
      12,
    );
    expect(Number.isFinite(logLoss([0, 1], [1, 0]))).toBe(true);
  });

  it('ECE weighs each bin gap by its share of rows', () => {
    const probs = [0.05, 0.15, 0.12, 0.85, 0.95];
    const labels = [0, 1, 0, 1, 1];
    // Bins: [0,.1) {.05}: gap .05; [.1,.2) {.15,.12}: mean .135 vs .5 → .365; [.8,.9) {.85}: .15;
    // [.9,1] {.95}: .05. ECE = (1·.05 + 2·.365 + 1·.15 + 1·.05)/5 = 0.196.
    expect(expectedCalibrationError(probs, labels)).toBeCloseTo(0.196, 12);
    const table = reliabilityTable(probs, labels);
    expect(table).toHaveLength(10);
    expect(table[1]).toEqual({
      lower: 0.1,
      upper: 0.2,
      count: 2,
      meanPredicted: 0.135,
      observedRate: 0.5,
    });
    expect(table[5]).toMatchObject({ count: 0, meanPredicted: null, observedRate: null });
    // A probability of exactly 1 lands in the last bin.
    expect(reliabilityTable([1], [1])[9].count).toBe(1);
  });
});

describe('evaluateBinary', () => {
  it('returns every metric at once', () => {
    const m = evaluateBinary([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.5);
    expect(m).toMatchObject({ n: 4, positives: 2, prevalence: 0.5, threshold: 0.5 });
    expect(m.rocAuc).toBeCloseTo(0.75, 12);
    expect(m.prAuc).toBeCloseTo(5 / 6, 12);
    expect(m.confusion).toEqual({ tp: 1, fp: 0, tn: 2, fn: 1 });
    expect(m.reliability).toHaveLength(10);
    expect(m.topDecileLift).toBeCloseTo(2, 12);
    expect(JSON.parse(JSON.stringify(m)).rocAuc).toBeCloseTo(0.75, 12);
  });
});
