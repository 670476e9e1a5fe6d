/**
 * Offline recommendation metrics against hand-computed values, top-k selection, and the two
 * evaluation protocols (seeded, no leakage between train and test).
 */
import {
  averagePrecisionAtK,
  catalogCoverage,
  hitRateAtK,
  interactionsFromRows,
  intraListDiversity,
  leaveLatestOutProtocol,
  meanAveragePrecision,
  ndcgAtK,
  novelty,
  precisionAtK,
  randomSplitProtocol,
  rankAll,
  recallAtK,
  syntheticTastes,
  topK,
  evaluateModel,
  type Interactions,
} from '../../src/ml/recommend';

// Ranking of a tiny catalog, best first; items 1, 3 and 9 are relevant (9 is never ranked in
// the top 5).
const ranked = [3, 7, 1, 4, 5, 9];
const relevant = new Set([1, 3, 9]);

describe('ranking metrics (hand-computed)', () => {
  it('precision, recall and hit rate at k', () => {
    // Top 3 = [3, 7, 1]: two hits.
    expect(precisionAtK(ranked, relevant, 3)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(ranked, relevant, 3)).toBeCloseTo(2 / 3, 12);
    // Top 5 holds the same two hits: P@5 = 2/5, R@5 = 2/3.
    expect(precisionAtK(ranked, relevant, 5)).toBeCloseTo(0.4, 12);
    expect(recallAtK(ranked, relevant, 5)).toBeCloseTo(2 / 3, 12);
    expect(hitRateAtK(ranked, relevant, 1)).toBe(1);
    expect(hitRateAtK(ranked, new Set([4]), 3)).toBe(0);
    expect(hitRateAtK(ranked, new Set([4]), 4)).toBe(1);
  });

  it('NDCG at k', () => {
    // DCG@3 = 1/log2(2) + 1/log2(4) = 1.5; IDCG@3 = 1 + 1/log2(3) + 1/log2(4).
    const idcg3 = 1 + 1 / Math.log2(3) + 0.5;
    expect(ndcgAtK(ranked, relevant, 3)).toBeCloseTo(1.5 / idcg3, 12);
    // At k = 6 the third hit (rank 6) adds 1/log2(7).
    expect(ndcgAtK(ranked, relevant, 6)).toBeCloseTo((1.5 + 1 / Math.log2(7)) / idcg3, 12);
    // One relevant item at rank 3 (0-based 2): 1/log2(4) = 0.5.
    expect(ndcgAtK(ranked, new Set([1]), 10)).toBeCloseTo(0.5, 12);
  });

  it('average precision at k and MAP', () => {
    // Hits at ranks 1, 3, 6: precisions 1, 2/3, 3/6.
    expect(averagePrecisionAtK(ranked, relevant)).toBeCloseTo((1 + 2 / 3 + 0.5) / 3, 12);
    // AP@3 divides by min(|rel|, 3) = 3.
    expect(averagePrecisionAtK(ranked, relevant, 3)).toBeCloseTo((1 + 2 / 3) / 3, 12);
    // AP@2: one hit, divided by min(3, 2) = 2.
    expect(averagePrecisionAtK(ranked, relevant, 2)).toBeCloseTo(0.5, 12);
    const other = [9, 0, 2];
    const ap2 = averagePrecisionAtK(other, new Set([2]));
    expect(ap2).toBeCloseTo(1 / 3, 12);
    expect(meanAveragePrecision([ranked, other], [relevant, new Set([2])])).toBeCloseTo(
      ((1 + 2 / 3 + 0.5) / 3 + 1 / 3) / 2,
      12,
    );
  });

  it('a user without relevant items is undefined, not zero', () => {
    expect(precisionAtK(ranked, new Set(), 5)).toBeNaN();
    expect(meanAveragePrecision([ranked, ranked], [relevant, new Set()])).toBeCloseTo(
      averagePrecisionAtK(ranked, relevant),
      12,
    );
  });

  it('coverage, intra-list diversity and novelty', () => {
    expect(
      catalogCoverage(
        [
          [0, 1],
          [1, 2],
        ],
        10,
      ),
    ).toBeCloseTo(0.3, 12);
    expect(
      catalogCoverage(
        [
          [0, 1, 5],
          [1, 2, 6],
        ],
        10,
        2,
      ),
    ).toBeCloseTo(0.3, 12);
    // Pairs (0,1): cos 1 → 0; (0,2), (1,2): cos 0 → 1. Mean 2/3.
    const cos = (a: number, b: number): number => (a < 2 && b < 2 ? 1 : 0);
    expect(intraListDiversity([0, 1, 2], cos)).toBeCloseTo(2 / 3, 12);
    expect(intraListDiversity([0], cos)).toBeNaN();
    // Shares 1/2 and 1/8: −log2 → 1 and 3, mean 2.
    expect(novelty([0, 1], [0.5, 0.125])).toBeCloseTo(2, 12);
  });
});

describe('topK', () => {
  it('returns the k best, best first, ties to the lower index, skipping disallowed and NaN', () => {
    const scores = [0.5, 0.9, 0.5, NaN, 0.1, 0.9];
    expect(Array.from(topK(scores, 3))).toEqual([1, 5, 0]);
    expect(Array.from(topK(scores, 3, [1, 0, 1, 1, 1, 1]))).toEqual([5, 0, 2]);
    expect(Array.from(topK(scores, 10))).toEqual([1, 5, 0, 2, 4]);
    expect(Array.from(rankAll(scores))).toEqual([1, 5, 0, 2, 4]);
    expect(topK(scores, 0).length).toBe(0);
  });

  it('agrees with a full sort on long lists with many ties', () => {
    for (const seed of [1, 2, 3]) {
      // Scores on a coarse grid so that ties are common; every tenth one NaN.
      const scores = Array.from({ length: 800 }, (_, i) =>
        i % 10 === seed ? NaN : Math.round(20 * Math.abs(Math.sin(seed * 977 + i * 7.3))) / 20,
      );
      const sorted = rankAll(scores);
      for (const k of [1, 10, 30, 799]) {
        expect(Array.from(topK(scores, k))).toEqual(Array.from(sorted.slice(0, k)));
      }
    }
  });
});

function pairsOf(x: Interactions, rows: ArrayLike<number> = x.users.map((_, i) => i)): string[] {
  return Array.from(rows, (r) => `${x.users[r]}:${x.items[r]}`);
}

describe('evaluation protocols', () => {
  const world = syntheticTastes({ users: 60, items: 50, meanInteractions: 12, seed: 3 });
  const x = world.interactions;

  it('random split: ~25% per user held out, disjoint from train, seeded', () => {
    const a = randomSplitProtocol(x, { seed: 5 });
    const b = randomSplitProtocol(x, { seed: 5 });
    expect(pairsOf(a.train)).toEqual(pairsOf(b.train));
    let held = 0;
    for (const u of a.users) {
      const test = a.test[u];
      const train = a.trainItems[u];
      expect(test.size).toBeGreaterThan(0);
      expect(train.size).toBeGreaterThan(0);
      for (const i of test) expect(train.has(i)).toBe(false);
      held += test.size;
      const n = test.size + train.size;
      expect(test.size).toBe(Math.min(n - 1, Math.max(1, Math.round(0.25 * n))));
    }
    expect(held + a.train.users.length).toBe(new Set(pairsOf(x)).size);
  });

  it('random split leaves users with too few interactions in train, unevaluated', () => {
    const small = interactionsFromRows([
      { user: 0, item: 0, weight: 1, timestamp: 1 },
      { user: 0, item: 1, weight: 1, timestamp: 2 },
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ user: 1, item: i, weight: 1, timestamp: i })),
    ]);
    const s = randomSplitProtocol(small, { seed: 1 });
    expect(Array.from(s.users)).toEqual([1]);
    expect(s.trainItems[0]).toEqual(new Set([0, 1]));
    expect(s.test[1].size).toBe(2);
  });

  it('leave-latest-out: the latest interaction is the test item, 100 untouched negatives', () => {
    const p = leaveLatestOutProtocol(x, { seed: 2, negatives: 30 });
    expect(p.cases.length).toBe(60);
    for (const c of p.cases) {
      const mine = new Set<number>();
      let latest = -Infinity;
      for (let r = 0; r < x.users.length; r++) {
        if (x.users[r] !== c.user) continue;
        mine.add(x.items[r]);
        latest = Math.max(latest, x.timestamps[r]);
      }
      const testTime = Math.max(
        ...Array.from(x.users.keys())
          .filter((r) => x.users[r] === c.user && x.items[r] === c.item)
          .map((r) => x.timestamps[r]),
      );
      expect(testTime).toBe(latest);
      expect(c.candidates[0]).toBe(c.item);
      const negatives = Array.from(c.candidates.subarray(1));
      expect(new Set(negatives).size).toBe(negatives.length);
      expect(negatives.length).toBe(Math.min(30, 50 - mine.size));
      for (const n of negatives) expect(mine.has(n)).toBe(false);
    }
    expect(pairsOf(p.train)).not.toContain(`${p.cases[0].user}:${p.cases[0].item}`);
  });

  it('runs a named model through both protocols and reports every metric', async () => {
    const a = await evaluateModel('top-pop', randomSplitProtocol(x, { seed: 1 }));
    expect(a.metrics).toMatchObject({ protocol: 'random-split', k: 10 });
    const r = a.metrics as unknown as Record<string, number>;
    for (const key of [
      'precision',
      'recall',
      'ndcg',
      'map',
      'mapFull',
      'hitRate',
      'coverage',
      'novelty',
    ]) {
      expect(r[key]).toBeGreaterThanOrEqual(0);
    }
    const b = await evaluateModel('item-knn', leaveLatestOutProtocol(x, { seed: 1 }));
    expect(b.metrics).toMatchObject({ protocol: 'leave-latest-out', users: 60 });
    expect((b.metrics as { hitRate: number }).hitRate).toBeGreaterThan(0);
  });
});
