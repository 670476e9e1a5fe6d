/**
 * The online state as read for scoring: stored rows (daily aggregates, log-space decayed sums, per-genre
 * rows) become a state, and the state at t becomes features. The window edges (whole UTC days ending
 * with the day before t), the decayed counts, entropy, genre exhaustion and the decline feature.
 */
import { onlineFeatureValues } from '../../src/modules/features/online-values';
import {
  stateFromRow,
  type DailyJson,
  type OnlineRow,
} from '../../src/modules/features/online-rows';
import {
  DAY_MS,
  VIEW_DECAY_DAYS,
  WINDOW_DAYS,
  dailyWindow,
  decayedViewsAt,
  emptyState,
  entropyBits,
  genreExhaustion,
  genreWeightsOf,
  windowDay,
  type OnlineState,
} from '../../src/modules/features/online-state';

const DAY0 = Date.UTC(2026, 10, 1); // a midnight
const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

/** log Σ exp(t_i / τ), t in days since the epoch: what the fold stores. */
function logSum(times: number[], tauDays: number): number {
  const xs = times.map((t) => t / DAY_MS / tauDays);
  const max = Math.max(...xs);
  return max + Math.log(xs.reduce((s, x) => s + Math.exp(x - max), 0));
}

function row(overrides: Partial<OnlineRow> = {}): OnlineRow {
  return {
    id: '1',
    signup_at: new Date(DAY0 - 100 * DAY_MS),
    country: 'GB',
    age_band: '25-34',
    plan: 'BASIC',
    monthly_fee: 8.99,
    payment_failures_90d: 0,
    price_increases_90d: 0,
    days_since_payment_failure: 120,
    days_since_price_increase: 120,
    last_view_at: null,
    genres: null,
    daily: null,
    views_log_7d: null,
    views_log_90d: null,
    ...overrides,
  };
}

function daily(at: number, seconds: number, sessions = 1): DailyJson {
  return [dayOf(at), sessions, seconds, 0.5 * sessions, 0, 1];
}

describe('stateFromRow', () => {
  it('anchors the daily arrays on the window day and drops days outside the window', () => {
    const end = dayOf(DAY0);
    const s = stateFromRow(
      row({
        daily: [
          daily(DAY0, 100),
          daily(DAY0 - 3 * DAY_MS, 200),
          daily(DAY0 - WINDOW_DAYS * DAY_MS, 400),
          daily(DAY0 + DAY_MS, 800),
        ],
      }),
      end,
    );
    expect(s.anchorDay).toBe(end);
    expect(s.seconds.slice(0, 4)).toEqual([100, 0, 0, 200]);
    expect(s.seconds.reduce((a, b) => a + b)).toBe(300);
  });

  it('reads missing state as no views, and −Infinity weights as zero', () => {
    const s = stateFromRow(
      row({
        genres: [
          ['Drama', '-Infinity', 1],
          ['Crime', 2, 0.5],
        ],
      }),
      0,
    );
    expect(s.lastViewAt).toBeNull();
    expect(s.viewsLog).toEqual([-Infinity, -Infinity]);
    expect(genreWeightsOf(s)).toEqual({ Drama: 0, Crime: 1 });
    expect(s.genreTitles).toEqual({ Drama: 1, Crime: 0.5 });
  });
});

describe('dailyWindow edges', () => {
  const s: OnlineState = stateFromRow(
    row({
      daily: [
        daily(DAY0 - 1, 1), // the last millisecond of the day before DAY0
        daily(DAY0, 2), // the first of DAY0
        daily(DAY0 - 30 * DAY_MS, 4),
        daily(DAY0 - 31 * DAY_MS, 8), // stored, outside any 30-day window
      ],
    }),
    windowDay(DAY0),
  );

  it('at midnight, covers the 30 days before it', () => {
    const w = dailyWindow(s, DAY0, 30);
    expect(w.seconds[0]).toBe(1);
    expect(w.seconds[29]).toBe(4);
    expect(w.seconds.reduce((a, b) => a + b)).toBe(5);
  });

  it('one millisecond later, includes the new day and drops the oldest', () => {
    const later = stateFromRow(
      row({ daily: [daily(DAY0 - 1, 1), daily(DAY0, 2), daily(DAY0 - 30 * DAY_MS, 4)] }),
      windowDay(DAY0 + 1),
    );
    const w = dailyWindow(later, DAY0 + 1, 30);
    expect(w.seconds.slice(0, 2)).toEqual([2, 1]);
    expect(w.seconds.reduce((a, b) => a + b)).toBe(3);
  });

  it('is all zeros before the first view', () => {
    expect(dailyWindow(emptyState(), DAY0, 30).sessions).toEqual(new Array(30).fill(0));
  });
});

describe('decayed view counts', () => {
  it('weigh each view by exp(−age / τ) at the read time, whatever the order the sum was built in', () => {
    const views = [DAY0, DAY0 + 7 * DAY_MS];
    const s = stateFromRow(
      row({
        views_log_7d: logSum(views, VIEW_DECAY_DAYS[0]),
        views_log_90d: logSum([...views].reverse(), VIEW_DECAY_DAYS[1]),
      }),
      0,
    );
    const [fast, slow] = decayedViewsAt(s, DAY0 + 14 * DAY_MS);
    expect(fast).toBeCloseTo(Math.exp(-2) + Math.exp(-1), 12);
    expect(slow).toBeCloseTo(Math.exp(-14 / 90) + Math.exp(-7 / 90), 12);
    expect(decayedViewsAt(emptyState(), DAY0)).toEqual([0, 0]);
  });
});

describe('entropyBits', () => {
  it('is the Shannon entropy of the weights, in bits', () => {
    expect(entropyBits({})).toBeNaN();
    expect(entropyBits({ Drama: 0 })).toBeNaN();
    expect(entropyBits({ Drama: 5 })).toBe(0);
    expect(entropyBits({ Drama: 2, Crime: 2 })).toBeCloseTo(1, 12);
    expect(entropyBits({ a: 1, b: 1, c: 1, d: 1, e: 0 })).toBeCloseTo(2, 12);
    expect(entropyBits({ a: 3, b: 1 })).toBeCloseTo(
      -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25)),
      12,
    );
  });

  it('is scale-free, so log weights of any common offset give the same value', () => {
    const s = stateFromRow(
      row({
        genres: [
          ['a', 700 + Math.log(3), 1],
          ['b', 700, 1],
        ],
      }),
      0,
    );
    expect(entropyBits(genreWeightsOf(s))).toBeCloseTo(entropyBits({ a: 3, b: 1 }), 12);
  });
});

describe('genreExhaustion', () => {
  const catalogue = { Drama: 100, Crime: 40, Anime: 10 };

  it('is the share of the most-started genre', () => {
    expect(genreExhaustion({}, catalogue)).toBe(0);
    expect(genreExhaustion({ Drama: 30, Crime: 12 }, catalogue)).toBe(0.3);
  });

  it('breaks ties toward the larger share, and ignores genres missing from the catalogue', () => {
    expect(genreExhaustion({ Drama: 8, Anime: 8 }, catalogue)).toBe(0.8);
    expect(genreExhaustion({ Western: 50, Crime: 4 }, catalogue)).toBe(0.1);
  });
});

describe('watch_decline_14d', () => {
  const inputs = (signupAt: number, state: OnlineState) => ({
    t: DAY0,
    signupAt,
    country: 'GB',
    ageBand: '25-34',
    plan: 'BASIC',
    monthlyFee: 8.99,
    paymentFailures90d: 0,
    priceIncreases90d: 0,
    daysSincePaymentFailure: 120,
    daysSincePriceIncrease: 120,
    genreCatalogue: {},
    state,
  });
  const s = stateFromRow(row({ daily: [daily(DAY0 - 20 * DAY_MS, 3600)] }), windowDay(DAY0));

  it('compares the two 14-day halves once the subscription spans both', () => {
    const v = onlineFeatureValues(inputs(DAY0 - 28 * DAY_MS, s)).watch_decline_14d;
    expect(v).toBeCloseTo(3600 / (3600 + 1800), 12);
  });

  it('is 0 while the earlier half predates the signup', () => {
    expect(onlineFeatureValues(inputs(DAY0 - 27 * DAY_MS, s)).watch_decline_14d).toBe(0);
  });
});
