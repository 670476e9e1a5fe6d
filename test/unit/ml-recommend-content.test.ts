/**
 * The content model: tokenising, TF-IDF vectors, recency-weighted profiles, similar titles; and the
 * popularity index behind the cold-start sources.
 */
import {
  ContentModel,
  PopularityIndex,
  TfIdf,
  interactionsFromRows,
  recencyDecay,
  sparseDot,
  tokenize,
} from '../../src/ml/recommend';

const DAY = 86400;

const titles = [
  {
    genres: ['Comedy'],
    tags: ['office'],
    description: 'An awkward intern survives the office party.',
  },
  { genres: ['Comedy'], tags: ['office'], description: 'The office goes on a disastrous retreat.' },
  {
    genres: ['Horror'],
    tags: ['haunted house'],
    description: 'A family moves into a haunted house.',
  },
  {
    genres: ['Horror', 'Thriller'],
    tags: ['slasher'],
    description: 'A masked killer stalks the campus.',
  },
  { genres: ['Documentary'], tags: ['nature'], description: 'Whales of the deep ocean.' },
];

describe('tokenize', () => {
  it('lower-cases, keeps accents, drops stop words and single letters', () => {
    expect(tokenize('Misérables, Les (1995) — a story of the poor')).toEqual([
      'misérables',
      'les',
      '1995',
      'story',
      'poor',
    ]);
    expect(tokenize('')).toEqual([]);
  });
});

describe('TfIdf', () => {
  it('gives l2-normalised vectors and rarer terms more weight', () => {
    const docs = [
      [
        { term: 'x', weight: 1 },
        { term: 'common', weight: 1 },
      ],
      [{ term: 'common', weight: 1 }],
      [
        { term: 'common', weight: 1 },
        { term: 'y', weight: 1 },
      ],
    ];
    const t = TfIdf.fit(docs);
    const v = t.transform(docs[0]);
    expect(sparseDot(v, v)).toBeCloseTo(1, 6);
    const x = v.values[Array.from(v.indices).indexOf(t.vocabulary.get('x')!)];
    const common = v.values[Array.from(v.indices).indexOf(t.vocabulary.get('common')!)];
    expect(x).toBeGreaterThan(common);
    // idf = ln((1 + 3) / (1 + df)) + 1.
    expect(t.idf[t.vocabulary.get('common')!]).toBeCloseTo(Math.log(4 / 4) + 1, 12);
    expect(t.idf[t.vocabulary.get('x')!]).toBeCloseTo(Math.log(4 / 2) + 1, 12);
    expect(t.transform([{ term: 'unseen', weight: 1 }]).indices.length).toBe(0);
  });
});

describe('ContentModel', () => {
  const model = ContentModel.fit(titles);

  it('finds the most similar titles by cosine', () => {
    expect(model.similarTitles(0, 1)[0].item).toBe(1);
    expect(model.similarTitles(2, 1)[0].item).toBe(3);
    expect(model.cosine(0, 0)).toBeCloseTo(1, 5);
    expect(model.cosine(0, 4)).toBe(0);
  });

  it('builds a profile weighted by completion and recency', () => {
    const now = 100 * DAY;
    // Horror watched today fully; comedy a year ago: horror dominates.
    const recentHorror = model.profile(
      [
        { item: 2, weight: 1, timestamp: now },
        { item: 0, weight: 1, timestamp: now - 365 * DAY },
      ],
      now,
    )!;
    const s = model.scores(recentHorror);
    expect(s[3]).toBeGreaterThan(s[1]);
    // Same dates, but the horror title was abandoned at 5%: comedy dominates.
    const abandoned = model.profile(
      [
        { item: 2, weight: 0.05, timestamp: now },
        { item: 0, weight: 1, timestamp: now - 10 * DAY },
      ],
      now,
    )!;
    const t = model.scores(abandoned);
    expect(t[1]).toBeGreaterThan(t[3]);
    expect(model.profile([], now)).toBeNull();
    expect(model.profile([{ item: 1, weight: 0, timestamp: now }], now)).toBeNull();
  });

  it('names the closest watched title', () => {
    expect(model.closestInHistory(1, [4, 2, 0])).toEqual({ item: 0, cosine: model.cosine(1, 0) });
    expect(model.closestInHistory(4, [0, 2])).toBeNull();
  });

  it('decays by half per half-life', () => {
    expect(recencyDecay(0, 30)).toBe(1);
    expect(recencyDecay(30 * DAY, 30)).toBeCloseTo(0.5, 12);
    expect(recencyDecay(60 * DAY, 30)).toBeCloseTo(0.25, 12);
    expect(recencyDecay(-5 * DAY, 30)).toBe(1);
    expect(recencyDecay(10 * DAY, Infinity)).toBe(1);
  });
});

describe('PopularityIndex', () => {
  const now = 1000 * DAY;
  const x = interactionsFromRows([
    // Item 0: popular long ago in segment 0. Item 1: trending now in segment 1.
    ...[0, 1, 2, 3].map((u) => ({ user: u, item: 0, weight: 1, timestamp: now - 150 * DAY })),
    ...[4, 5].map((u) => ({ user: u, item: 1, weight: 1, timestamp: now - DAY / 2 })),
    { user: 0, item: 2, weight: 0.1, timestamp: now },
  ]);
  const segments = [0, 0, 0, 0, 1, 1];
  const p = PopularityIndex.build(x, {
    asOf: now,
    segments,
    segmentCount: 2,
    segmentShrinkage: 0.1,
  });

  it('ranks by completion-weighted, decayed popularity; trending favours the recent', () => {
    expect(p.global[0]).toBeGreaterThan(p.global[1]);
    expect(p.trending[1]).toBeGreaterThan(p.trending[0]);
    expect(p.global[2]).toBeCloseTo(0.1, 6); // weights are float32
  });

  it('ranks within a segment, and falls back to global without one', () => {
    const s0 = p.segmentScores(0);
    const s1 = p.segmentScores(1);
    expect(s0[0]).toBeGreaterThan(s0[1]);
    expect(s1[1]).toBeGreaterThan(s1[0]);
    expect(p.segmentScores(undefined)).toBe(p.global);
    expect(p.segmentScores(7)).toBe(p.global);
    expect(p.userShare[0]).toBeCloseTo(4 / 6, 12);
  });
});
