/**
 * The refinement of ALS's λ and α on validation: the coordinate search against a known score
 * surface, the codes that name any settings, and `fitRecommender` running it only where it should.
 */
import {
  alsCode,
  alsSettings,
  collaborativeCandidate,
  fitRecommender,
  refinementFits,
  searchAls,
  syntheticTastes,
  RECOMMENDER_FIT_DEFAULTS,
  type AlsSettings,
} from '../../src/ml/recommend';
import { tasteSide } from '../factories/taste-world';

describe('searchAls', () => {
  /** A peaked surface with its top at λ = 100, α = 2.9 (two steps up, two steps down). */
  const surface = (s: AlsSettings) =>
    2 - Math.abs(Math.log(s.regularization / 100)) - Math.abs(Math.log(s.alpha / 2.9));

  it('climbs λ then α by factors of 1.4 to the top of the surface', async () => {
    const tried: string[] = [];
    const start = { factors: 48, regularization: 50, alpha: 4 };
    const found = await searchAls(start, surface(start), async (s) => {
      tried.push(alsCode(s));
      return surface(s);
    });
    expect(found.settings).toEqual({ factors: 48, regularization: 98, alpha: 2.9 });
    expect(found.score).toBeCloseTo(surface(found.settings), 12);
    // λ up twice (each step improves, so it never tries down); α up fails once, then down once
    // improves and a second step down (2.1) falls.
    expect(tried).toEqual([
      'als-d48-l70',
      'als-d48-l98',
      'als-d48-l98-a5.6',
      'als-d48-l98-a2.9',
      'als-d48-l98-a2.1',
    ]);
  });

  it('takes no step that gains under 1% (the validation noise)', async () => {
    const start = { factors: 48, regularization: 50, alpha: 4 };
    const found = await searchAls(start, 0.2, async (s) => (s.regularization > 50 ? 0.2019 : 0.1));
    expect(found.settings).toEqual(start);
  });

  it('stays where it started when every step scores lower, trying each direction once', async () => {
    const start = { factors: 16, regularization: 20, alpha: 4 };
    const tried: AlsSettings[] = [];
    const found = await searchAls(start, 1, async (s) => {
      tried.push(s);
      return 0;
    });
    expect(found).toEqual({ settings: start, score: 1 });
    expect(tried).toHaveLength(4);
  });
});

describe('ALS codes', () => {
  it('name any settings and read back, the grid α left out', () => {
    expect(alsCode({ factors: 48, regularization: 50, alpha: 4 })).toBe('als-d48-l50');
    expect(alsCode({ factors: 48, regularization: 36, alpha: 5.6 })).toBe('als-d48-l36-a5.6');
    expect(alsSettings('als-d48-l36-a5.6')).toEqual({
      factors: 48,
      regularization: 36,
      alpha: 5.6,
    });
    expect(alsSettings('als-d16-l1')).toEqual({ factors: 16, regularization: 1, alpha: 4 });
    for (const bad of ['als-d0-l5', 'als-d16', 'als-d16-l-1', 'knn', 'als-d16-l5-a0'])
      expect(alsSettings(bad)).toBeNull();
    expect(collaborativeCandidate('als-d48-l36-a5.6').description).toMatch(/λ = 36, α = 5\.6/);
    expect(() => collaborativeCandidate('als-dx' as 'bpr')).toThrow(/unknown collaborative model/);
  });
});

describe('fitRecommender refinement', () => {
  const world = syntheticTastes({ users: 200, items: 120, meanInteractions: 20, seed: 4 });
  // Without title texts: the content source plays no part in choosing the collaborative model.
  const side = { ...tasteSide(world), titles: null };

  it('runs on small data with auto candidates only, and serves the best it validated', async () => {
    const x = world.interactions;
    expect(refinementFits(x, RECOMMENDER_FIT_DEFAULTS)).toBe(6);
    expect(refinementFits(x, { ...RECOMMENDER_FIT_DEFAULTS, refineMaxInteractions: 10 })).toBe(0);
    expect(refinementFits(x, { ...RECOMMENDER_FIT_DEFAULTS, candidates: ['als-d16-l20'] })).toBe(0);
    const fit = await fitRecommender(x, side, { seed: 3, bprMaxPairs: 0 });
    const grid = ['als-d16-l1', 'als-d16-l20', 'als-d48-l50'];
    expect(fit.candidates.slice(0, 3).map((c) => c.code)).toEqual(grid);
    const refined = fit.candidates.slice(3);
    expect(refined.length).toBeGreaterThanOrEqual(2);
    expect(refined.length).toBeLessThanOrEqual(6);
    for (const c of refined) expect(alsSettings(c.code)).not.toBeNull();
    const best = fit.candidates.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
    expect(fit.chosen).toBe(best.code);
    // The explicit list is the operator's choice: exactly those.
    const fixed = await fitRecommender(x, side, { seed: 3, candidates: ['als-d16-l20'] });
    expect(fixed.candidates.map((c) => c.code)).toEqual(['als-d16-l20']);
  });
});
