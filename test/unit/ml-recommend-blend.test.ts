/**
 * The learned blend: weights per history bucket that maximise NDCG@10 of each user's held-out
 * titles, never below the best single source, and the served recommender built from it.
 */
import {
  evaluateServed,
  fitRecommender,
  learnBlend,
  latestHoldout,
  randomSplitProtocol,
  syntheticTastes,
  blendWeights,
  BLEND_DEFAULTS,
  BLEND_LEARNING_DEFAULTS,
  SOURCE_CODES,
  type BlendCase,
  type SourceCode,
  type RandomSplitReport,
} from '../../src/ml/recommend';
import { tasteSide } from '../factories/taste-world';

const world = syntheticTastes({ users: 300, items: 200, meanInteractions: 25, seed: 1 });
const side = tasteSide(world);

/** A case whose relevant item is ranked first by source `best` and last by the others. */
function caseFavouring(best: SourceCode, historySize: number): BlendCase {
  const items = Int32Array.from([0, 1, 2, 3]);
  const scores = new Float32Array(4 * SOURCE_CODES.length);
  SOURCE_CODES.forEach((code, s) => {
    for (let m = 0; m < 4; m++) scores[s * 4 + m] = code === best ? (m === 0 ? 1 : 0.1) : m / 3;
  });
  return { historySize, items, scores, relevant: new Set([0]) };
}

describe('learnBlend', () => {
  it('puts the weight on the source that ranks the held-out titles, per history bucket', () => {
    const cases = [
      ...Array.from({ length: 40 }, () => caseFavouring('collaborative', 30)), // long histories
      ...Array.from({ length: 40 }, () => caseFavouring('popular-in-segment', 0)), // newcomers
    ];
    const blend = learnBlend(cases, { k: 1, minUsers: 30 });
    const long = blend.buckets.at(-1)!;
    const cold = blend.buckets[0];
    expect(long.weights.collaborative).toBeGreaterThan(0.5);
    expect(cold.weights['popular-in-segment']).toBeGreaterThan(0.5);
    for (const b of blend.buckets) {
      const sum = Object.values(b.weights).reduce((a, w) => a + w, 0);
      expect(sum).toBeCloseTo(1, 9);
      if (b.users > 0) expect(b.ndcg).toBeGreaterThanOrEqual(b.bestSingle.ndcg);
    }
    // A learned bucket drives blendWeights; unavailable sources are dropped and the rest renormalised.
    const all = {
      collaborative: true,
      content: true,
      'genre-mixture': true,
      'popular-in-segment': true,
      trending: true,
    };
    expect(blendWeights(30, all, { ...BLEND_DEFAULTS, learned: blend })).toEqual(long.weights);
    const w = blendWeights(
      30,
      { ...all, collaborative: false },
      { ...BLEND_DEFAULTS, learned: blend },
    );
    expect(w.collaborative).toBe(0);
  });
});

describe('the served recommender', () => {
  it('holds out each user’s latest titles', () => {
    const split = latestHoldout(world.interactions, { fraction: 0.2, seed: 1 });
    expect(split.users.length).toBeGreaterThan(200);
    expect(split.train.users.length).toBeLessThan(world.interactions.users.length);
  });

  it('holds out a random fifth of each history with latestShare 0', () => {
    const latest = latestHoldout(world.interactions, { fraction: 0.2, seed: 1 });
    const random = latestHoldout(world.interactions, { fraction: 0.2, seed: 1, latestShare: 0 });
    // The same users, as many titles each, not the same titles.
    expect(Array.from(random.users)).toEqual(Array.from(latest.users));
    expect(random.heldOut.map((h) => h.size)).toEqual(latest.heldOut.map((h) => h.size));
    const same = random.heldOut.filter((h, n) => [...h].every((i) => latest.heldOut[n].has(i)));
    expect(same.length).toBeLessThan(random.users.length / 2);
    expect(random.train.users.length).toBe(latest.train.users.length);
    // Seeded.
    const again = latestHoldout(world.interactions, { fraction: 0.2, seed: 1, latestShare: 0 });
    expect(again.heldOut).toEqual(random.heldOut);
  });

  it('is never below its best single source (fixed small data set, 75/25 split)', async () => {
    const protocol = randomSplitProtocol(world.interactions, { seed: 2 });
    const { rows, fit } = await evaluateServed(protocol, side, {
      seed: 5,
      fit: { candidates: ['als-d16-l20', 'als-d16-l1'] },
    });
    const ndcg = (m: string) =>
      (rows.find((r) => r.model === m)!.metrics as RandomSplitReport).ndcg;
    const singles = [
      'collaborative',
      'content',
      'genre-mixture',
      'popular-in-segment',
      'trending',
    ].map((s) => ndcg(`served:${s}`));
    expect(ndcg('served:hybrid')).toBeGreaterThanOrEqual(Math.max(...singles));
    expect(fit.candidates.map((c) => c.code)).toEqual(['als-d16-l20', 'als-d16-l1']);
    // On its validation users a bucket's own weights are never below its best source; a bucket
    // too small to compare sources on (here 9 users with 1–4 titles) takes the pooled weights.
    for (const b of fit.blend.buckets) {
      if (b.users >= BLEND_LEARNING_DEFAULTS.minUsers)
        expect(b.ndcg).toBeGreaterThanOrEqual(b.bestSingle.ndcg);
    }
  });

  it('fits deterministically per seed', async () => {
    const o = { seed: 9, candidates: ['als-d16-l20' as const] };
    const a = await fitRecommender(world.interactions, side, o);
    const b = await fitRecommender(world.interactions, side, o);
    expect(a.blend).toEqual(b.blend);
    expect(a.collaborative.itemFactors).toEqual(b.collaborative.itemFactors);
  });
});

describe('blendWeights', () => {
  it('gives a source asked for alone all the weight, even one the default ramps leave out', () => {
    const only = {
      collaborative: false,
      content: false,
      'genre-mixture': true,
      'popular-in-segment': false,
      trending: false,
    };
    expect(blendWeights(12, only)['genre-mixture']).toBe(1);
    // With no history it has nothing to score.
    expect(Object.values(blendWeights(0, only)).every((w) => w === 0)).toBe(true);
  });
});
