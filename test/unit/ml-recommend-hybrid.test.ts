/**
 * The served recommender: the blend of named sources, the watch rules, cold start, reasons, the
 * immediate effect of a new event, and churn-aware re-ranking.
 */
import {
  BprFactorization,
  ContentModel,
  HybridRecommender,
  PopularityIndex,
  RECOMMENDATION_SOURCES,
  SERIES,
  blendWeights,
  describeReason,
  interactionsFromRows,
  itemGenres,
  nearestUsers,
  predictedCompletion,
  rerankForRetention,
  recommendForRetention,
  syntheticTastes,
  type HistoryEvent,
  type HybridParts,
  type Recommendation,
} from '../../src/ml/recommend';
import { tasteSide } from '../factories/taste-world';

const DAY = 86400;
const world = syntheticTastes({ users: 200, items: 150, meanInteractions: 20, seed: 7 });
const { features, titles } = tasteSide(world);
let now = 0;
for (const t of world.interactions.timestamps) now = Math.max(now, t);
const series = Array.from(world.itemKinds.keys()).filter((i) => world.itemKinds[i] === SERIES);
const movies = Array.from(world.itemKinds.keys()).filter((i) => world.itemKinds[i] !== SERIES);

let parts: HybridParts;
let recommender: HybridRecommender;
let bpr: BprFactorization;

beforeAll(async () => {
  const collaborative = await BprFactorization.fit(world.interactions, features, {
    epochs: 10,
    seed: 2,
  });
  bpr = collaborative;
  parts = {
    itemCount: 150,
    kinds: world.itemKinds,
    features,
    collaborative,
    content: ContentModel.fit(titles),
    popularity: PopularityIndex.build(world.interactions, {
      asOf: now,
      segments: world.favouriteGenre,
      segmentCount: world.genreNames.length,
    }),
  };
  recommender = new HybridRecommender(parts);
});

/** Titles of one genre, watched fully over the last weeks. */
function genreFan(genre: number, count: number, completion = 0.97): HistoryEvent[] {
  return movies
    .filter((i) => world.itemGenres[i][0] === genre)
    .slice(0, count)
    .map((item, k) => ({ item, completion, timestamp: now - (count - k) * DAY }));
}

describe('HybridRecommender', () => {
  it('recommends unstarted titles only; lists half-watched series and movies to continue', () => {
    const history: HistoryEvent[] = [
      ...genreFan(0, 6),
      { item: series[0], completion: 1, timestamp: now - DAY, progress: 1 }, // finished series
      { item: series[1], completion: 0.95, timestamp: now - DAY, progress: 0.5 }, // half-way
      { item: series[2], completion: 0.05, timestamp: now - DAY, progress: 0.1 }, // dropped
      { item: movies[40], completion: 0.7, timestamp: now - 2 * DAY }, // paused movie
      { item: movies[41], completion: 0.2, timestamp: now - DAY }, // abandoned movie
      { item: movies[42], completion: 0.5, timestamp: now - 3 * DAY },
      { item: movies[42], completion: 0.92, timestamp: now - 2 * DAY }, // finished on a rewatch
    ];
    const started = new Set(history.map((h) => h.item));
    const all = recommender.recommend({ history, now }, 150).items;
    for (const r of all) expect(started.has(r.item)).toBe(false);
    for (const r of all) expect(r.reasons.every((x) => x.kind !== 'continue-watching')).toBe(true);
    // Everything never started is listed.
    expect(all.length).toBe(150 - started.size);
    // The other row: in progress, most recent first (the series a day ago, the movie two days ago).
    expect(recommender.continueWatching({ history, now })).toEqual([
      { item: series[1], progress: 0.5, lastSeen: now - DAY },
      { item: movies[40], progress: 0.7, lastSeen: now - 2 * DAY },
    ]);
    expect(recommender.continueWatching({ history, now }, 1)).toHaveLength(1);
  });

  it('ranks only the titles `among` names, with the scores of the full list', () => {
    const history = genreFan(2, 4);
    const full = recommender.recommend({ history, now }, 150).items;
    const among = new Uint8Array(150);
    const picked = [full[7].item, full[3].item, full[20].item, history[0].item];
    for (const i of picked) among[i] = 1;
    const ranked = recommender.recommend({ history, now }, 10, among).items;
    expect(ranked.map((r) => r.item)).toEqual([full[3].item, full[7].item, full[20].item]);
    expect(ranked[0].score).toBe(full[3].score);
  });

  it('gives a brand-new user a sensible list from popularity and trending only', () => {
    const list = recommender.recommend({ history: [], now }, 10);
    expect(list.items).toHaveLength(10);
    expect(list.historySize).toBe(0);
    expect(list.weights.collaborative).toBe(0);
    expect(list.weights.content).toBe(0);
    expect(list.weights['popular-in-segment'] + list.weights.trending).toBeCloseTo(1, 12);
    for (const r of list.items) {
      expect(['popular-in-segment', 'trending']).toContain(r.source);
      expect(r.reasons.length).toBeGreaterThan(0);
      expect(r.reasons.every((x) => x.kind === 'popular-in-segment' || x.kind === 'trending')).toBe(
        true,
      );
    }
    // The global list is led by the most popular titles.
    const top = Array.from(parts.popularity.global.keys()).sort(
      (a, b) => parts.popularity.global[b] - parts.popularity.global[a],
    );
    expect(top.slice(0, 20)).toEqual(
      expect.arrayContaining(list.items.slice(0, 3).map((r) => r.item)),
    );
    // A known segment changes the list toward that segment's favourites.
    const inSegment = recommender.recommend({ history: [], now, segment: 3 }, 10);
    expect(inSegment.items.map((r) => r.item)).not.toEqual(list.items.map((r) => r.item));
    const reason = inSegment.items[0].reasons.find((r) => r.kind === 'popular-in-segment');
    expect(reason).toEqual({ kind: 'popular-in-segment', segment: 3 });
  });

  it('shifts blend weight from popularity to content and then to collaborative as history grows', () => {
    const on = {
      collaborative: true,
      content: true,
      'genre-mixture': true,
      'popular-in-segment': true,
      trending: true,
    };
    const w0 = blendWeights(0, on);
    const w2 = blendWeights(2, on);
    const w50 = blendWeights(50, on);
    expect(w0.collaborative + w0.content).toBe(0);
    expect(w2.content).toBeGreaterThan(w2.collaborative / 2);
    expect(w50.collaborative).toBeGreaterThan(w50.content);
    expect(w50['popular-in-segment']).toBeLessThan(w2['popular-in-segment']);
    for (const w of [w0, w2, w50])
      expect(Object.values(w).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // A source that cannot score gives its share to the others.
    const noCollab = blendWeights(50, { ...on, collaborative: false });
    expect(noCollab.collaborative).toBe(0);
    expect(Object.values(noCollab).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('explains with real watched items and the user’s genre', () => {
    const history = [...genreFan(2, 5), ...genreFan(5, 2, 0.9)];
    const watched = new Set(history.map((h) => h.item));
    const blended = recommender.scoreAll({ history, now });
    const list = recommender.recommend({ history, now }, 10).items;
    expect(list.length).toBe(10);
    let collaborativeReasons = 0;
    for (const r of list) {
      expect(r.reasons.length).toBeGreaterThan(0);
      for (const reason of r.reasons) {
        if (reason.kind === 'because-you-watched') {
          expect(watched.has(reason.item)).toBe(true);
          if (reason.source === 'collaborative') {
            collaborativeReasons++;
            // It is the history item with the largest exact contribution to the score.
            const folded = blended.user.folded!;
            const parts2 = parts.collaborative!.foldIn().contributions(folded, r.item);
            const best = folded.items[parts2.indexOf(Math.max(...parts2))];
            expect(reason.item).toBe(best);
          } else {
            const closest = parts.content!.closestInHistory(r.item, [...watched]);
            expect(reason.item).toBe(closest!.item);
          }
        }
        if (reason.kind === 'matches-taste') {
          const genres = itemGenres(features, r.item);
          expect(genres).toContain(reason.genre);
          const taste = blended.user.taste;
          for (const g of genres) expect(taste[reason.genre]).toBeGreaterThanOrEqual(taste[g]);
        }
      }
    }
    expect(collaborativeReasons).toBeGreaterThan(0);
    // The shown list is attributed in one pass: the same numbers to the bit as one at a time.
    const folded = blended.user.folded!;
    const h = folded.items.length;
    // Ten and nine titles: candidates go in pairs, an odd one alone.
    for (const shown of [list.map((r) => r.item), list.slice(1).map((r) => r.item)]) {
      const together = parts.collaborative!.foldIn().contributionsMany(folded, shown);
      shown.forEach((item, j) => {
        const alone = parts.collaborative!.foldIn().contributions(folded, item);
        expect(Array.from(together.subarray(j * h, (j + 1) * h))).toEqual(Array.from(alone));
      });
    }
    const top = recommender.rank({ history, now }, 10);
    expect(recommender.explainMany(top.blend, top.items)).toEqual(
      Array.from(top.items, (item) => recommender.explain(top.blend, item)),
    );
    const names = { title: (i: number) => `T${i}`, genre: (g: number) => world.genreNames[g] };
    expect(
      describeReason(
        { kind: 'because-you-watched', item: 4, source: 'content', strength: 1 },
        names,
      ),
    ).toBe('Because you watched T4');
    expect(describeReason({ kind: 'matches-taste', genre: 2, strength: 1 }, names)).toBe(
      `Matches your taste for ${world.genreNames[2]}`,
    );
  });

  it('changes the next answer as soon as a new view arrives', () => {
    const history = genreFan(1, 4);
    const before = recommender.recommend({ history, now }, 10).items.map((r) => r.item);
    const newView = movies.find((i) => world.itemGenres[i][0] === 6 && !before.includes(i))!;
    const after = recommender
      .recommend(
        { history: [...history, { item: newView, completion: 1, timestamp: now }], now },
        10,
      )
      .items.map((r) => r.item);
    expect(after).not.toEqual(before);
    expect(after).not.toContain(newView);
    // The new taste shows up at once: the titles most like the new view climb the ranking.
    const near = parts.content!.similarTitles(newView, 5).map((t) => t.item);
    const rankOf = (h: HistoryEvent[]): number => {
      const scores = recommender.scoreAll({ history: h, now }).scores;
      const order = Array.from(scores.keys())
        .filter((i) => scores[i] === scores[i])
        .sort((a, b) => scores[b] - scores[a] || a - b);
      return near.reduce((sum, i) => sum + order.indexOf(i), 0) / near.length;
    };
    expect(rankOf([...history, { item: newView, completion: 1, timestamp: now }])).toBeLessThan(
      rankOf(history),
    );
  });

  it('lists its sources as a catalog with codes and descriptions', () => {
    for (const [code, source] of Object.entries(RECOMMENDATION_SOURCES)) {
      expect(source.code).toBe(code);
      expect(source.description.length).toBeGreaterThan(10);
    }
    expect(RECOMMENDATION_SOURCES['popular-in-segment'].coldStart).toBe(true);
    expect(RECOMMENDATION_SOURCES.collaborative.coldStart).toBe(false);
  });
});

describe('churn-aware re-ranking', () => {
  it('predicts completion among neighbours, shrunk toward the item and global means', () => {
    const x = interactionsFromRows([
      { user: 0, item: 0, weight: 1, timestamp: 0 },
      { user: 1, item: 0, weight: 0.2, timestamp: 0 },
      { user: 1, item: 1, weight: 0.6, timestamp: 0 },
    ]);
    const p = predictedCompletion(x, [0], { neighbourPrior: 1, itemPrior: 1 });
    const global = (1 + 0.2 + 0.6) / 3;
    const item0 = (1 + 0.2 + global) / 3;
    expect(p[0]).toBeCloseTo((1 + item0) / 2, 6);
    const item1 = (0.6 + global) / 2;
    expect(p[1]).toBeCloseTo(item1, 6); // no neighbour watched it: the item mean
  });

  it('moves likely finishers up for users at risk, with a reason, and leaves low risk alone', () => {
    const history = genreFan(4, 5);
    const list = recommender.recommend({ history, now }, 30).items;
    const folded = recommender.prepare({ history, now }).folded!;
    const neighbours = nearestUsers(bpr.userFactors, bpr.d, folded.vector, 20);
    expect(neighbours.length).toBe(20);
    const predicted = predictedCompletion(world.interactions, neighbours);
    const low = rerankForRetention(list, predicted, 'low');
    expect(low.map((r) => r.item)).toEqual(list.map((r) => r.item));
    const high = rerankForRetention(list, predicted, 'high', { k: 10 });
    expect(high).toHaveLength(10);
    const meanPredicted = (rs: Recommendation[]): number =>
      rs.reduce((s, r) => s + predicted[r.item], 0) / rs.length;
    expect(meanPredicted(high)).toBeGreaterThan(meanPredicted(list.slice(0, 10)));
    for (const r of high) {
      const tagged = r.reasons.some((x) => x.kind === 'likely-to-finish');
      expect(tagged).toBe(predicted[r.item] >= 0.7);
    }
    const direct = recommendForRetention(recommender, { history, now }, predicted, 'high', 10);
    expect(direct.map((r) => r.item)).toEqual(high.map((r) => r.item));
  });
});
