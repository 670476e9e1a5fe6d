/**
 * The genre-mixture model: P(t | u) by its formula on a hand-computed catalog, the appeal
 * correction (a title's viewers come partly from how liked its genres are), tastes that follow a
 * history and lean on the audience when it is short, and views weighted by their age in appeal.
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
});
