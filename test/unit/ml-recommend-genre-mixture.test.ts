/**
 * The genre-mixture model: P(t | u) by its formula on a hand-computed catalog, the appeal
 * correction (a title's viewers come partly from how liked its genres are), tastes that follow a
 * history and lean on the audience when it is short, picks weighted by completion beyond the
 * title's typical one, and views weighted by the age of their latest contact in appeal.
 */
import { interactionsFromRows, itemFeaturesFromLists } from '../../src/ml';
import { GenreMixtureModel } from '../../src/ml/recommend/genre-mixture';

// Titles 0–1 are drama (genre 0), 2–3 comedy (genre 1), 4 is comedy first, drama second.
const features = itemFeaturesFromLists([[0], [0], [1], [1], [1, 0]], 2);

function rows(pairs: [number, number][]) {
  return interactionsFromRows(
    pairs.map(([user, item], i) => ({ user, item, weight: 1, timestamp: i })),
    Math.max(...pairs.map(([u]) => u)) + 1,
    5,
  );
}

describe('GenreMixtureModel', () => {
  it('scores P(t | u) by its formula', () => {
    const train = rows([
      [0, 0],
      [1, 0],
      [1, 2],
      [2, 3],
    ]);
    const model = GenreMixtureModel.fit(train, features, {
      explore: 0.2,
      secondaryWeight: 0.5,
      appealRounds: 0,
      appealHalfLifeDays: Infinity,
    });
    // Without the correction, appeal is viewers + 1: [3, 1, 2, 2, 1] (sum 9).
    expect(Array.from(model.appeal)).toEqual([3, 1, 2, 2, 1]);
    // W_drama = 3 + 1 + 0.5·1 = 4.5; W_comedy = 2 + 2 + 1 = 5.
    const taste = [0.25, 0.75];
    const scores = model.scoreItems(taste, [0, 2, 4]);
    const p = (appeal: number, mix: number) => appeal * (0.8 * mix + 0.2 / 9);
    expect(scores[0]).toBeCloseTo(p(3, 0.25 / 4.5), 12);
    expect(scores[1]).toBeCloseTo(p(2, 0.75 / 5), 12);
    expect(scores[2]).toBeCloseTo(p(1, 0.75 / 5 + (0.25 * 0.5) / 4.5), 12);
  });

  it("corrects appeal for how liked a title's genres are", () => {
    // Drama has three times comedy's audience; titles 0 (drama) and 2 (comedy) have the same share
    // of their own genre's viewers.
    const pairs: [number, number][] = [];
    for (let u = 0; u < 30; u++) pairs.push([u, u % 3 === 0 ? 2 : 0]);
    for (let u = 30; u < 40; u++) pairs.push([u, u % 2 === 0 ? 1 : 3]);
    const raw = GenreMixtureModel.fit(rows(pairs), features, { appealRounds: 0 });
    const corrected = GenreMixtureModel.fit(rows(pairs), features, { appealRounds: 5 });
    const ratio = (m: GenreMixtureModel) => m.appeal[0] / m.appeal[2];
    expect(ratio(raw)).toBeGreaterThan(1.8);
    expect(ratio(corrected)).toBeLessThan(ratio(raw));
  });

  it('learns a taste from the history, leaning on the audience when it is short', () => {
    const pairs: [number, number][] = [];
    for (let u = 0; u < 20; u++) pairs.push([u, u % 4], [u, (u + 1) % 4]);
    const model = GenreMixtureModel.fit(rows(pairs), features);
    const drama = model.taste([0, 1, 0, 1]);
    expect(drama[0]).toBeGreaterThan(0.6);
    expect(drama[0] + drama[1]).toBeCloseTo(1, 12);
    const none = model.taste([]);
    expect(Array.from(none)).toEqual(Array.from(model.meanTaste));
    // A drama viewer's best title is drama, a comedy viewer's comedy.
    const dramaScores = model.scoreItems(drama, [0, 2]);
    expect(dramaScores[0]).toBeGreaterThan(dramaScores[1]);
    const comedy = model.scoreItems(model.taste([2, 3, 2, 3]), [0, 2]);
    expect(comedy[1]).toBeGreaterThan(comedy[0]);
  });
});

describe('GenreMixtureModel appeal half-life', () => {
  it('weights a view by its age from the latest one', () => {
    const day = 86_400;
    // Title 0 watched 60 days before the latest view, title 1 at it.
    const train = interactionsFromRows(
      [
        { user: 0, item: 0, weight: 1, timestamp: 0 },
        { user: 1, item: 1, weight: 1, timestamp: 60 * day },
      ],
      2,
      5,
    );
    const model = GenreMixtureModel.fit(train, features, {
      appealRounds: 0,
      appealHalfLifeDays: 30,
    });
    // viewers + 1: a quarter for the 60-day-old view, a whole one for the latest.
    expect(model.appeal[0]).toBeCloseTo(1.25, 12);
    expect(model.appeal[1]).toBeCloseTo(2, 12);
  });

  it('counts a viewer from their latest contact with the title, whatever the row order', () => {
    const day = 86_400;
    // User 0 started title 0 sixty days before the latest view and watched it again at it (a
    // series over weeks); the rows come latest first, then oldest first.
    const events = [
      { user: 0, item: 0, weight: 0.5, timestamp: 60 * day },
      { user: 0, item: 0, weight: 1, timestamp: 0 },
      { user: 1, item: 1, weight: 1, timestamp: 60 * day },
    ];
    const o = { appealRounds: 0, appealHalfLifeDays: 30 };
    const a = GenreMixtureModel.fit(interactionsFromRows(events, 2, 5), features, o);
    const b = GenreMixtureModel.fit(interactionsFromRows([...events].reverse(), 2, 5), features, o);
    expect(a.appeal[0]).toBeCloseTo(2, 12);
    expect(Array.from(b.appeal)).toEqual(Array.from(a.appeal));
    // The best completion is the title's reading: 1, not the later 0.5.
    expect(Array.from(b.typicalCompletion)).toEqual(Array.from(a.typicalCompletion));
  });
});

describe('GenreMixtureModel completion-weighted taste', () => {
  // Titles 0–1 drama, 2–3 comedy; every title is usually watched to half (exact in float32).
  const pairs: { user: number; item: number; weight: number; timestamp: number }[] = [];
  for (let u = 0; u < 40; u++)
    for (const item of [u % 4, (u + 1) % 4])
      pairs.push({ user: u, item, weight: 0.5, timestamp: u });
  const train = interactionsFromRows(pairs, 40, 5);

  it("keeps each title's typical completion, shrunk toward the mean", () => {
    const model = GenreMixtureModel.fit(train, features);
    for (const t of [0, 1, 2, 3]) expect(model.typicalCompletion[t]).toBeCloseTo(0.5, 12);
    // Title 4 has no viewer: the mean.
    expect(model.typicalCompletion[4]).toBeCloseTo(0.5, 12);
  });

  it('leans the taste toward the genre whose titles held the user beyond their viewers', () => {
    const model = GenreMixtureModel.fit(train, features);
    const items = [0, 1, 2, 3];
    // Two drama and two comedy picks: even without completions.
    const even = model.taste(items);
    const dramaFinished = model.taste(items, [1, 1, 0.2, 0.2]);
    const comedyFinished = model.taste(items, [0.2, 0.2, 1, 1]);
    expect(dramaFinished[0]).toBeGreaterThan(even[0] + 0.05);
    expect(comedyFinished[1]).toBeGreaterThan(even[1] + 0.05);
    // At the typical completion every pick counts 1: the unweighted taste.
    const typical = model.taste(items, [0.5, 0.5, 0.5, 0.5]);
    Array.from(typical).forEach((v, g) => expect(v).toBeCloseTo(even[g], 12));
    // Off (β = 0): completions change nothing.
    const off = GenreMixtureModel.fit(train, features, { completionWeight: 0 });
    expect(Array.from(off.taste(items, [1, 1, 0.2, 0.2]))).toEqual(Array.from(off.taste(items)));
    // A title listed twice counts once, with its best completion.
    const twice = model.taste([0, 0, 1, 2, 3], [0.2, 1, 1, 0.2, 0.2]);
    Array.from(twice).forEach((v, g) => expect(v).toBeCloseTo(dramaFinished[g], 12));
  });
});
