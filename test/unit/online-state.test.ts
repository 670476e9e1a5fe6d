/**
 * The pure online state: where a view lands in the daily arrays as days pass, that arrival order
 * does not matter, the window edges (whole UTC days ending with the day before t), the decayed
 * counts, entropy and genre exhaustion, and tolerance of a state stored by an older version.
 */
import { onlineFeatureValues } from '../../src/modules/features/feature-definitions';
import {
  DAY_MS,
  STATE_VERSION,
  WINDOW_DAYS,
  applyView,
  dailyWindow,
  decayedViewsAt,
  emptyState,
  entropyBits,
  genreExhaustion,
  upgradeState,
  type ObservedView,
  type OnlineState,
} from '../../src/modules/features/online-state';

const DAY0 = Date.UTC(2026, 10, 1); // a midnight

function view(at: number, overrides: Partial<ObservedView> = {}): ObservedView {
  return {
    startedAt: at,
    watchedSeconds: 600,
    completion: 0.5,
    device: 'TV',
    genres: ['Drama'],
    firstOfTitle: false,
    ...overrides,
  };
}

function stateOf(views: readonly ObservedView[]): OnlineState {
  const s = emptyState();
  for (const v of views) applyView(s, v);
  return s;
}

describe('applyView', () => {
  it('anchors the daily arrays on the first view and shifts them as later days arrive', () => {
    const s = stateOf([view(DAY0 + 3_600_000, { watchedSeconds: 100 })]);
    expect(s.anchorDay).toBe(DAY0 / DAY_MS);
    expect(s.sessions[0]).toBe(1);
    applyView(s, view(DAY0 + 3 * DAY_MS + 60_000, { watchedSeconds: 200, device: 'MOBILE' }));
    expect(s.anchorDay).toBe(DAY0 / DAY_MS + 3);
    expect(s.seconds.slice(0, 4)).toEqual([200, 0, 0, 100]);
    expect(s.devices.slice(0, 4)).toEqual([2, 0, 0, 1]);
    expect(s.lastViewAt).toBe(DAY0 + 3 * DAY_MS + 60_000);
  });

  it('drops days that fall off the end, and clears everything after a long gap', () => {
    const s = stateOf([view(DAY0), view(DAY0 + (WINDOW_DAYS - 1) * DAY_MS)]);
    expect(s.sessions[WINDOW_DAYS - 1]).toBe(1);
    applyView(s, view(DAY0 + WINDOW_DAYS * DAY_MS));
    expect(s.sessions.reduce((a, b) => a + b)).toBe(2);
    applyView(s, view(DAY0 + 10 * WINDOW_DAYS * DAY_MS));
    expect(s.sessions).toEqual([1, ...new Array(WINDOW_DAYS - 1).fill(0)]);
  });

  it('puts a late event in its own day, and ignores it in the arrays when older than the window', () => {
    const latest = DAY0 + 40 * DAY_MS + 5_000;
    const s = stateOf([view(latest)]);
    applyView(s, view(DAY0 + 38 * DAY_MS, { completion: 0.1 }));
    expect(s.anchorDay).toBe(DAY0 / DAY_MS + 40);
    expect(s.abandoned[2]).toBe(1);
    applyView(s, view(DAY0, { firstOfTitle: true }));
    expect(s.sessions.reduce((a, b) => a + b)).toBe(2);
    expect(s.lastViewAt).toBe(latest);
    // Cumulative parts still count it.
    expect(s.genreTitles.Drama).toBe(1);
  });

  it('gives the same state whatever order the views arrive in', () => {
    const views = Array.from({ length: 40 }, (_, i) =>
      view(DAY0 + ((i * 7919) % 45) * DAY_MS + ((i * 104729) % DAY_MS), {
        watchedSeconds: 60 * (i + 1),
        completion: (i % 8) / 8, // exact in binary, so sums do not depend on the order
        device: ['TV', 'MOBILE', 'WEB', 'TABLET'][i % 4],
        genres: i % 3 === 0 ? ['Drama', 'Crime'] : ['Comedy'],
        firstOfTitle: i % 5 === 0,
      }),
    );
    const sorted = [...views].sort((a, b) => a.startedAt - b.startedAt);
    const a = stateOf(sorted);
    const b = stateOf([...sorted].reverse());
    const c = stateOf(views);
    const t = DAY0 + 46 * DAY_MS;
    for (const other of [b, c]) {
      expect(dailyWindow(other, t, 30)).toEqual(dailyWindow(a, t, 30));
      expect(other.lastViewAt).toBe(a.lastViewAt);
      expect(other.genreTitles).toEqual(a.genreTitles);
      expect(entropyBits(other.genreWeights)).toBeCloseTo(entropyBits(a.genreWeights), 12);
      decayedViewsAt(other, t).forEach((v, j) => expect(v).toBeCloseTo(decayedViewsAt(a, t)[j], 9));
    }
  });

  it('counts a title once per genre, fully for the primary genre and half for the others', () => {
    const s = stateOf([
      view(DAY0, { genres: ['Drama', 'Crime', 'Romance'], firstOfTitle: true }),
      view(DAY0 + 1, { genres: ['Drama', 'Crime', 'Romance'] }),
      view(DAY0 + 2, { genres: ['Crime'], firstOfTitle: true }),
    ]);
    expect(s.genreTitles).toEqual({ Drama: 1, Crime: 1.5, Romance: 0.5 });
  });
});

describe('dailyWindow edges', () => {
  const s = stateOf([
    view(DAY0 - 1, { watchedSeconds: 1 }), // the last millisecond of the day before DAY0
    view(DAY0, { watchedSeconds: 2 }), // the first of DAY0
    view(DAY0 - 30 * DAY_MS, { watchedSeconds: 4 }),
    view(DAY0 - 31 * DAY_MS, { watchedSeconds: 8 }), // kept in the state, outside any 30-day window
  ]);

  it('at midnight, covers the 30 days before it', () => {
    const w = dailyWindow(s, DAY0, 30);
    expect(w.seconds[0]).toBe(1);
    expect(w.seconds[29]).toBe(4);
    expect(w.seconds.reduce((a, b) => a + b)).toBe(5);
  });

  it('one millisecond later, includes the new day and drops the oldest', () => {
    const w = dailyWindow(s, DAY0 + 1, 30);
    expect(w.seconds.slice(0, 2)).toEqual([2, 1]);
    expect(w.seconds.reduce((a, b) => a + b)).toBe(3);
  });

  it('is all zeros before the first view', () => {
    expect(dailyWindow(emptyState(), DAY0, 30).sessions).toEqual(new Array(30).fill(0));
  });
});

describe('decayed view counts', () => {
  it('weigh each view by exp(−age / τ) at the read time', () => {
    const s = stateOf([view(DAY0), view(DAY0 + 7 * DAY_MS)]);
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

describe('an older stored state', () => {
  function oldState(): OnlineState {
    const s = stateOf([view(DAY0)]) as Partial<OnlineState>;
    delete s.version;
    delete s.genreTitles;
    delete s.decayedViews;
    delete s.decayedViewsAt;
    return s as OnlineState;
  }

  it('is filled in by applyView, and keeps its old version so it gets rebuilt', () => {
    const s = applyView(oldState(), view(DAY0 + DAY_MS, { firstOfTitle: true }));
    expect(s.genreTitles).toEqual({ Drama: 1 });
    expect(s.decayedViews).toHaveLength(2);
    expect(s.version).toBeLessThan(STATE_VERSION);
    expect(emptyState().version).toBe(STATE_VERSION);
  });

  it('reads every feature without failing', () => {
    const values = onlineFeatureValues({
      t: DAY0 + DAY_MS,
      signupAt: DAY0 - 100 * DAY_MS,
      country: 'GB',
      ageBand: '25-34',
      plan: 'BASIC',
      monthlyFee: 8.99,
      paymentFailures90d: 0,
      priceIncreases90d: 0,
      daysSincePaymentFailure: 120,
      daysSincePriceIncrease: 120,
      genreCatalogue: { Drama: 50 },
      state: upgradeState(oldState()),
    });
    expect(values.sessions_7d).toBe(1);
    expect(values.genre_exhaustion).toBe(0);
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
  const s = stateOf([view(DAY0 - 20 * DAY_MS, { watchedSeconds: 3600 })]);

  it('compares the two 14-day halves once the subscription spans both', () => {
    const v = onlineFeatureValues(inputs(DAY0 - 28 * DAY_MS, s)).watch_decline_14d;
    expect(v).toBeCloseTo(3600 / (3600 + 1800), 12);
  });

  it('is 0 while the earlier half predates the signup', () => {
    expect(onlineFeatureValues(inputs(DAY0 - 27 * DAY_MS, s)).watch_decline_14d).toBe(0);
  });
});
