import { createRng } from '../../src/ml';
import {
  fitStandardizer,
  kMeans,
  labelSegments,
  matchSegments,
  optimalAssignment,
  sampleIndices,
  sampledSilhouetteScore,
  segmentUsers,
  selectKBySilhouette,
  bestScore,
  silhouetteSamples,
  silhouetteScore,
  standardize,
  unstandardize,
  type Segmentation,
  type TraitDescriptor,
} from '../../src/ml/cluster';

const FEATURES = [
  'days_since_last_view',
  'watch_minutes_30d',
  'monthly_fee',
  'support_tickets',
  'titles_30d',
];

const DESCRIPTORS: TraitDescriptor[] = [
  { feature: 'days_since_last_view', high: { adjective: 'Lapsing' } },
  {
    feature: 'watch_minutes_30d',
    high: { adjective: 'Binge-watching' },
    low: { adjective: 'Casual' },
  },
  { feature: 'monthly_fee', high: { noun: 'premium fans' }, low: { noun: 'budget viewers' } },
  { feature: 'support_tickets', high: { adjective: 'Frustrated' } },
];

/** Three well-separated groups in raw units (different scales per feature, as real behaviour). */
function blobs(perBlob: number, seed: number, noise = 1): number[][] {
  const rng = createRng(seed);
  const centres = [
    [30, 60, 9, 0.2, 3], // lapsing, light
    [2, 2400, 18, 0.1, 40], // binge-watching premium
    [5, 600, 9, 3, 12], // frustrated
  ];
  const scale = [2, 120, 0.5, 0.3, 2];
  const rows: number[][] = [];
  for (let i = 0; i < perBlob; i++) {
    for (const c of centres) rows.push(c.map((v, j) => v + noise * scale[j] * rng.normal()));
  }
  return rows;
}

function withoutTimings(s: Segmentation): Omit<Segmentation, 'timings'> {
  const { timings: _timings, ...rest } = s;
  return rest;
}

describe('silhouette', () => {
  it('matches a hand-computed 1-D case, singleton cluster included', () => {
    // A = {0, 1}, B = {4, 6}, C = {10}.
    // 0: a = 1, b = min(B 5, C 10) = 5 → 0.8.       1: a = 1, b = min(4, 9) = 4 → 0.75.
    // 4: a = 2, b = min(A 3.5, C 6) = 3.5 → 3/7.    6: a = 2, b = min(A 5.5, C 4) = 4 → 0.5.
    // 10: alone in C → 0.
    const points = [[0], [1], [4], [6], [10]];
    const labels = [0, 0, 1, 1, 2];
    const expected = [0.8, 0.75, 3 / 7, 0.5, 0];
    Array.from(silhouetteSamples(points, labels)).forEach((s, i) =>
      expect(s).toBeCloseTo(expected[i], 12),
    );
    expect(silhouetteScore(points, labels)).toBeCloseTo((0.8 + 0.75 + 3 / 7 + 0.5) / 5, 12);
  });

  it('matches a hand-computed 2-D case with negative coefficients', () => {
    // A = {(0,0), (3,4)}, B = {(6,8), (6,0)}; distances 5, 10, 6, 5, 5, 8.
    // (0,0): a = 5, b = (10 + 6)/2 = 8 → 3/8.      (3,4): a = 5, b = (5 + 5)/2 = 5 → 0.
    // (6,8): a = 8, b = (10 + 5)/2 = 7.5 → −1/16.  (6,0): a = 8, b = (6 + 5)/2 = 5.5 → −0.3125.
    const points = [
      [0, 0],
      [3, 4],
      [6, 8],
      [6, 0],
    ];
    const labels = [7, 7, 3, 3]; // any label values work
    const expected = [3 / 8, 0, -1 / 16, -0.3125];
    Array.from(silhouetteSamples(points, labels)).forEach((s, i) =>
      expect(s).toBeCloseTo(expected[i], 12),
    );
  });

  it('is NaN for one cluster, and the sampled score is the exact score of the sample', () => {
    expect(silhouetteScore([[0], [1], [2]], [0, 0, 0])).toBeNaN();
    const data = blobs(100, 1);
    const labels = data.map((_, i) => i % 3);
    expect(sampledSilhouetteScore(data, labels, { sampleSize: 1000 })).toBe(
      silhouetteScore(data, labels),
    );
    const idx = sampleIndices(data.length, 50, 9);
    expect(new Set(idx).size).toBe(50);
    expect(sampledSilhouetteScore(data, labels, { sampleSize: 50, seed: 9 })).toBeCloseTo(
      silhouetteScore(
        Array.from(idx, (i) => data[i]),
        Array.from(idx, (i) => labels[i]),
      ),
      12,
    );
  });
});

describe('standardisation and k-means', () => {
  it('stores means and stds as JSON, maps missing values to the mean, and inverts', () => {
    const rows = [
      [1, 5, NaN],
      [3, 5, 2],
      [5, 5, 4],
    ];
    const state = fitStandardizer(rows, ['a', 'const', 'gappy']);
    expect(state.means).toEqual([3, 5, 3]);
    expect(state.stds[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(state.stds[1]).toBe(1); // constant column
    expect(state.stds[2]).toBeCloseTo(1, 12);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    const z = standardize(rows, state);
    expect(z[0][2]).toBe(0);
    expect(z.map((r) => r[1])).toEqual([0, 0, 0]);
    unstandardize(z, state).forEach((r, i) => expect(r[0]).toBeCloseTo(rows[i][0], 12));
  });

  it('is reproducible for a seed and numbers clusters by size', () => {
    const z = standardize(blobs(60, 2), fitStandardizer(blobs(60, 2), FEATURES));
    const extra = z.slice(0, 30).map((r) => r.map((v) => v + 0.01)); // make one blob the largest
    const data = [...z, ...extra];
    const a = kMeans(data, 3, { seed: 4 });
    const b = kMeans(data, 3, { seed: 4 });
    expect(a).toEqual(b);
    expect(a.sizes[0]).toBeGreaterThanOrEqual(a.sizes[1]);
    expect(a.sizes[1]).toBeGreaterThanOrEqual(a.sizes[2]);
    expect(a.sizes.reduce((s, x) => s + x, 0)).toBe(data.length);
    expect(a.converged).toBe(true);
  });
});

describe('k selection', () => {
  it('finds k = 3 on three well-separated blobs and reports every k', () => {
    const raw = blobs(200, 3);
    const z = standardize(raw, fitStandardizer(raw, FEATURES));
    const selection = selectKBySilhouette(z, { seed: 1, silhouetteSampleSize: 400 });
    expect(selection.k).toBe(3);
    expect(selection.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const best = Math.max(...selection.scores.map((s) => s.silhouette));
    expect(selection.scores[1].silhouette).toBe(best);
    expect(best).toBeGreaterThan(0.7);
  });
});

describe('k selection with a minimum segment share', () => {
  it('skips a k whose smallest segment is a sliver, and records why', () => {
    // Three big blobs and a sliver of 2% far away: the sliver wins the silhouette at k = 4.
    const raw = [...blobs(200, 8), ...blobs(4, 9).map((r) => r.map((v) => v * 3 + 500))];
    const z = standardize(raw, fitStandardizer(raw, FEATURES));
    const free = selectKBySilhouette(z, { seed: 1, kMin: 2, kMax: 6 });
    const floored = selectKBySilhouette(z, { seed: 1, kMin: 2, kMax: 6, minShare: 0.05 });
    for (const s of floored.scores) {
      expect(s.eligible).toBe(s.smallestShare >= 0.05);
    }
    const chosen = floored.scores.find((s) => s.k === floored.k)!;
    expect(chosen.eligible).toBe(true);
    const bestEligible = Math.max(
      ...floored.scores.filter((s) => s.eligible).map((s) => s.silhouette),
    );
    expect(chosen.silhouette).toBe(bestEligible);
    expect(free.scores.map((s) => s.silhouette)).toEqual(floored.scores.map((s) => s.silhouette));
  });

  it('falls back to the largest smallest share when no k is eligible', () => {
    const scores = [
      { k: 4, silhouette: 0.2, inertia: 1, smallestShare: 0.03, eligible: false },
      { k: 5, silhouette: 0.3, inertia: 1, smallestShare: 0.01, eligible: false },
    ];
    expect(bestScore(scores)).toBe(0);
    expect(
      bestScore([
        { ...scores[0], eligible: true },
        { ...scores[1], eligible: true },
      ]),
    ).toBe(1);
  });
});

describe('segment labels', () => {
  const features = [...FEATURES.slice(0, 4)];
  const label = (centroids: number[][]): string[] =>
    labelSegments(centroids, features, { descriptors: DESCRIPTORS, defaultNoun: 'viewers' }).map(
      (l) => l.label,
    );

  it('composes adjectives and nouns from the strongest traits', () => {
    expect(
      label([
        [1.8, -1.2, 0.1, 0], // lapsing, light watching; fee below minZ
        [-0.6, 2.0, 1.1, 0], // binge-watching, premium; days low has no words
        [0.1, 0.2, -0.1, 0.3], // nothing stands out
        [0.2, 0.1, -1.5, 0], // budget, no adjective
      ]),
    ).toEqual([
      'Lapsing casual viewers',
      'Binge-watching premium fans',
      'Typical viewers',
      'Budget viewers',
    ]);
  });

  it('keeps labels unique, deterministically: first another adjective, then a number', () => {
    const labels = label([
      [1.8, -1.2, 0.1, 0],
      [1.7, -1.0, 0.2, 0.9],
      [1.9, -1.1, 0, 0],
      [0, 0, 0, 0],
      [0.1, 0, 0, 0],
    ]);
    expect(labels).toEqual([
      'Lapsing casual viewers',
      'Lapsing casual frustrated viewers',
      'Lapsing casual viewers 2',
      'Typical viewers',
      'Typical viewers 2',
    ]);
  });

  it('uses a word only when the segment value earns it', () => {
    const checked: TraitDescriptor[] = [
      { feature: 'days_since_last_view', high: { adjective: 'Lapsing', holds: (d) => d >= 7 } },
      {
        feature: 'watch_minutes_30d',
        high: { adjective: 'Daily', holds: (days) => days >= 25 },
        low: { adjective: 'Casual' },
      },
    ];
    const [a, b] = labelSegments(
      [
        [1.8, 1.2, 0, 0],
        [1.8, 1.2, 0, 0],
      ],
      features,
      {
        descriptors: checked,
        defaultNoun: 'viewers',
        values: [
          [3, 17, 0, 0], // stands out, but 3 days is not lapsing and 17 of 30 is not daily
          [9, 27, 0, 0],
        ],
      },
    );
    expect(a.label).toBe('Typical viewers');
    expect(b.label).toBe('Lapsing daily viewers');
  });

  it('reports the top traits with z and direction', () => {
    const [l] = labelSegments([[1.8, -1.2, 0.1, -2.5]], features, { descriptors: DESCRIPTORS });
    expect(l.traits).toEqual([
      { feature: 'support_tickets', z: -2.5, direction: 'low' },
      { feature: 'days_since_last_view', z: 1.8, direction: 'high' },
      { feature: 'watch_minutes_30d', z: -1.2, direction: 'low' },
    ]);
    expect(l.label).toBe('Lapsing casual subscribers');
  });
});

describe('segment matching', () => {
  it('finds the optimal assignment, square and rectangular (against brute force)', () => {
    const rng = createRng(8);
    const permutations = (items: number[], k: number): number[][] =>
      k === 0
        ? [[]]
        : items.flatMap((x) =>
            permutations(
              items.filter((y) => y !== x),
              k - 1,
            ).map((p) => [x, ...p]),
          );
    for (const [r, c] of [
      [5, 5],
      [3, 5],
      [5, 3],
    ]) {
      const cost = Array.from({ length: r }, () => Array.from({ length: c }, () => rng.next()));
      const assignment = optimalAssignment(cost);
      const total = Array.from(assignment).reduce((s, j, i) => s + (j >= 0 ? cost[i][j] : 0), 0);
      const m = Math.min(r, c);
      let best = Infinity;
      if (r <= c) {
        for (const p of permutations([...Array(c).keys()], r)) {
          best = Math.min(
            best,
            p.reduce((s, j, i) => s + cost[i][j], 0),
          );
        }
      } else {
        for (const p of permutations([...Array(r).keys()], c)) {
          best = Math.min(
            best,
            p.reduce((s, i, j) => s + cost[i][j], 0),
          );
        }
      }
      expect(total).toBeCloseTo(best, 12);
      expect(Array.from(assignment).filter((j) => j >= 0)).toHaveLength(m);
      expect(new Set(Array.from(assignment).filter((j) => j >= 0)).size).toBe(m);
    }
  });

  it('hands out new ids when k grows or a match is too far, and retires the rest', () => {
    const previous = [
      { id: 4, centroid: [0, 0] },
      { id: 9, centroid: [5, 5] },
    ];
    const grown = matchSegments(previous, [
      [5.1, 5],
      [10, -10],
      [0, 0.2],
    ]);
    expect(grown.matches).toEqual([
      { index: 0, id: 9, previousId: 9, distance: expect.closeTo(0.1, 12) },
      { index: 1, id: 10, previousId: null, distance: null },
      { index: 2, id: 4, previousId: 4, distance: expect.closeTo(0.2, 12) },
    ]);
    expect(grown.retired).toEqual([]);
    const far = matchSegments(previous, [[0, 3]], { maxDistance: 1, nextId: 100 });
    expect(far.matches).toEqual([{ index: 0, id: 100, previousId: null, distance: 3 }]);
    expect(far.retired).toEqual([4, 9]);
  });
});

describe('segmentUsers', () => {
  const raw = blobs(300, 5);
  const options = {
    features: FEATURES,
    seed: 11,
    // Three blobs: the range must include 3 (the product default starts at 4).
    kRange: [2, 8] as [number, number],
    silhouetteSampleSize: 500,
    labels: { descriptors: DESCRIPTORS, defaultNoun: 'viewers' },
  };
  let first: Segmentation;

  beforeAll(() => {
    first = segmentUsers(raw, options);
  });

  it('chooses k = 3, sizes the segments and names them uniquely', () => {
    expect(first.k).toBe(3);
    expect(first.silhouetteByK.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(first.segments.map((s) => s.size)).toEqual([300, 300, 300]);
    expect(first.segments.map((s) => s.share)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(first.silhouette).toBeGreaterThan(0.7);
    expect(first.assignments).toHaveLength(raw.length);
    const labels = first.segments.map((s) => s.label);
    expect(new Set(labels).size).toBe(3);
    expect([...labels].sort()).toEqual([
      'Binge-watching premium fans',
      // Both cheaper groups pay 9 against a mean of 12: z ≈ −0.7, so the "budget" noun speaks.
      'Frustrated budget viewers',
      'Lapsing casual budget viewers',
    ]);
    // Raw centroids come back in raw units: the binge segment watches ~2400 minutes.
    const binge = first.segments.find((s) => s.label === 'Binge-watching premium fans')!;
    expect(binge.centroidRaw[1]).toBeGreaterThan(2300);
    expect(binge.traits[0].direction).toBe('high');
    expect(first.segments.map((s) => s.id)).toEqual([0, 1, 2]);
    expect(Object.keys(first.timings).sort()).toEqual([
      'fitMs',
      'labelMs',
      'selectKMs',
      'standardizeMs',
      'totalMs',
    ]);
  });

  it('gives the same segments and labels for the same seed', () => {
    expect(withoutTimings(segmentUsers(raw, options))).toEqual(withoutTimings(first));
  });

  it('keeps ids when the same data is clustered again (distance 0)', () => {
    // Previous ids in a scrambled order, so an identity mapping would be wrong.
    const ids = [17, 3, 8];
    const previous = first.segments.map((s) => ({ id: ids[s.index], centroidRaw: s.centroidRaw }));
    const again = segmentUsers(raw, { ...options, previous: [...previous].reverse() });
    again.segments.forEach((s) => {
      expect(s.id).toBe(ids[s.index]);
      expect(s.previousId).toBe(ids[s.index]);
      expect(s.matchDistance).toBeCloseTo(0, 9);
    });
    expect(again.retiredIds).toEqual([]);
  });

  it('keeps ids when the data is slightly perturbed and reordered', () => {
    const rng = createRng(21);
    const scale = [2, 120, 0.5, 0.3, 2];
    const order = Array.from(raw.keys()).reverse();
    const perturbed = order.map((i) => raw[i].map((v, j) => v + 0.1 * scale[j] * rng.normal()));
    const previous = first.segments.map((s) => ({ id: 50 + s.index, centroidRaw: s.centroidRaw }));
    const next = segmentUsers(perturbed, { ...options, seed: 12, previous });
    expect(next.k).toBe(3);
    // The same subscriber keeps the same segment id.
    let same = 0;
    order.forEach((src, i) => {
      const before = 50 + first.assignments[src];
      const after = next.segments[next.assignments[i]].id;
      if (before === after) same++;
    });
    expect(same / raw.length).toBeGreaterThan(0.99);
    next.segments.forEach((s) => {
      expect(s.previousId).toBe(s.id);
      expect(s.matchDistance!).toBeLessThan(0.2);
      expect(s.label).toBe(first.segments[s.id - 50].label);
    });
  });

  it('segments into a fixed k without selection', () => {
    const fixed = segmentUsers(raw, { ...options, k: 2 });
    expect(fixed.k).toBe(2);
    expect(fixed.silhouetteByK).toEqual([]);
    expect(new Set(fixed.segments.map((s) => s.label)).size).toBe(2);
  });
});
