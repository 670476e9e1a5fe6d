import {
  alertQuality,
  median,
  openingsUnderThreshold,
} from '../../src/modules/alerts/alert-quality';
import { describeBands, riskBands } from '../../src/ml';

const DAY = 86_400_000;

describe('riskBands', () => {
  it('cuts the top shares at quantiles, keeps every band reachable and states lift per band', () => {
    const scores = Array.from({ length: 100 }, (_, i) => i / 100);
    const labels = scores.map((s) => (s >= 0.9 ? 1 : 0));
    const { thresholds, bands, baseRate } = riskBands(scores, labels, [0.05, 0.15, 0.3]);
    expect(thresholds).toEqual([0.5, 0.8, 0.95]);
    expect(bands.map((b) => b.rows)).toEqual([50, 30, 15, 5]);
    expect(baseRate).toBe(0.1);
    expect(bands[3].precision).toBe(1);
    expect(bands[3].lift).toBe(10);
    expect(bands[0].recall).toBe(0);
  });

  it('puts a cut beside a plateau rather than swallowing it', () => {
    // 10% at 0.9, a plateau of 60% at 0.5, the rest below.
    const scores = [...Array(10).fill(0.9), ...Array(60).fill(0.5), ...Array(30).fill(0.1)];
    const { thresholds, bands } = riskBands(scores, Array(100).fill(0), [0.15]);
    expect(thresholds).toEqual([0.9]);
    expect(bands[1].share).toBe(0.1);
  });

  it('describes given bands on other rows', () => {
    const d = describeBands([0.1, 0.6, 0.7], [0, 1, 0], [0.5]);
    expect(d.bands.map((b) => b.rows)).toEqual([1, 2]);
    expect(d.bands[1].precision).toBe(0.5);
  });
});

describe('alertQuality', () => {
  // Four subscribers over 60 days; a cancels on day 20, b on day 40, c and d stay.
  const x = {
    from: 0,
    to: 60 * DAY,
    horizonDays: 30,
    minLeadDays: 7,
    cancels: [
      { userId: 'a', at: 20 * DAY },
      { userId: 'b', at: 40 * DAY },
    ],
    reactivations: [],
    activeAtStart: ['a', 'b', 'c', 'd'],
  };

  it('scores openings against the cancellations that follow within the horizon', () => {
    const q = alertQuality({
      ...x,
      openings: [
        { userId: 'a', at: 10 * DAY }, // a cancels 10 days later: a hit, early
        { userId: 'b', at: 35 * DAY }, // horizon ends after the window: not evaluated; lead 5 days
        { userId: 'c', at: 5 * DAY }, // c never cancels: a miss
      ],
    });
    expect(q.evaluatedAlerts).toBe(2);
    expect(q.precision).toBe(0.5);
    expect(q.churners).toBe(2);
    expect(q.churnersAlertedEarly).toBe(0.5); // a yes (10 days), b no (5 days)
    expect(q.medianLeadDays).toBe(7.5);
    // Base rate over the 31 days whose horizon fits (0..30), counting cancellations in (d, d + 30]:
    // days 0-9 a of four (1/4), 10-19 a and b (2/4), day 20 b (1/4; a leaves after it), 21-30 b of three.
    expect(q.baseRate).toBeCloseTo((10 * 0.25 + 10 * 0.5 + 0.25 + 10 / 3) / 31, 10);
    expect(q.lift).toBeCloseTo(0.5 / q.baseRate, 10);
    // Subscriber-days: four on days 0-20, three on 21-40, two on 41-59.
    expect(q.alertsPer1000PerDay).toBeCloseTo((1000 * 3) / (21 * 4 + 20 * 3 + 19 * 2), 10);
  });

  it('re-applies a threshold rule to score histories: open, hold, resolve, reopen', () => {
    const opens = openingsUnderThreshold(
      [
        {
          userId: 'a',
          times: [0, DAY, 2 * DAY, 3 * DAY, 40 * DAY],
          probabilities: [0.1, 0.5, 0.6, 0.2, 0.7],
        },
      ],
      0.5,
      30,
      new Map(),
    );
    expect(opens.map((o) => o.at / DAY)).toEqual([1, 40]);
    expect(median([3, 1, 2])).toBe(2);
  });
});
