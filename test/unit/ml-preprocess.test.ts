import {
  createRng,
  mulberry32,
  permutation,
  Preprocessor,
  stratifiedFoldIds,
  stratifiedKFold,
  stratifiedSplit,
  type FeatureMatrix,
} from '../../src/ml';

const table: FeatureMatrix = {
  numeric: [
    [1, 10],
    [NaN, 20],
    [3, 30],
    [100, 40],
  ],
  numericNames: ['a', 'b'],
  categorical: [['red'], ['red'], ['blue'], ['blue ']],
  categoricalNames: ['colour'],
};

describe('Preprocessor', () => {
  it('imputes the training median and adds a missing indicator only where training had gaps', () => {
    const pre = Preprocessor.fit(table, { logTransform: 'never' });
    expect(pre.numericColumns).toEqual(['a', 'b', 'a__missing']);
    const a = pre.state.numeric[0];
    expect(a.median).toBe(3); // median of 1, 3, 100
    const t = pre.transform(table);
    expect(t.numericWidth).toBe(3);
    // Row 1 (NaN) gets the median, standardised, and indicator 1; others indicator 0.
    expect(t.numeric[1 * 3 + 0]).toBeCloseTo((3 - a.mean) / a.std, 6);
    expect([t.numeric[2], t.numeric[5], t.numeric[8], t.numeric[11]]).toEqual([0, 1, 0, 0]);
    // b is standardised with the population std: mean 25, std √125.
    expect(t.numeric[1]).toBeCloseTo((10 - 25) / Math.sqrt(125), 6);
  });

  it('maps unseen, rare and blank categories to index 0 without failing', () => {
    const pre = Preprocessor.fit(table);
    // 'blue ' is trimmed, so blue has 2 rows like red; ties break by name.
    expect(pre.state.categorical[0].vocabulary).toEqual(['blue', 'red']);
    expect(pre.cardinalities).toEqual([3]);
    const t = pre.transform({
      numeric: [
        [1, 1],
        [1, 1],
        [1, 1],
      ],
      numericNames: ['a', 'b'],
      categorical: [['red'], ['purple'], ['']],
      categoricalNames: ['colour'],
    });
    expect(Array.from(t.categorical[0])).toEqual([2, 0, 0]);
    const rare = Preprocessor.fit({ ...table, categorical: [['x'], ['x'], ['y'], ['x']] });
    expect(rare.state.categorical[0].vocabulary).toEqual(['x']); // y seen once < minCategoryCount 2
  });

  it('matches columns by name and names a missing one', () => {
    const pre = Preprocessor.fit(table);
    const swapped = pre.transform({
      ...table,
      numeric: table.numeric.map((r) => [r[1], r[0]]),
      numericNames: ['b', 'a'],
    });
    expect(Array.from(swapped.numeric)).toEqual(Array.from(pre.transform(table).numeric));
    expect(() => pre.transform({ ...table, numericNames: ['a', 'c'] })).toThrow(
      /numeric column 'b' is missing/,
    );
  });

  it('treats a constant column as carrying no information', () => {
    const pre = Preprocessor.fit({ ...table, numeric: table.numeric.map((r) => [r[0], 5]) });
    expect(pre.state.numeric[1].std).toBe(1);
    expect(
      pre.transform({ ...table, numeric: table.numeric.map((r) => [r[0], 5]) }).numeric[1],
    ).toBe(0);
  });

  it('log-transforms heavy-tailed non-negative columns and clips outliers', () => {
    const rng = createRng(1);
    const rows = Array.from({ length: 500 }, () => [Math.exp(3 * rng.normal())]);
    const f: FeatureMatrix = {
      numeric: rows,
      numericNames: ['spend'],
      categorical: [],
      categoricalNames: [],
    };
    const pre = Preprocessor.fit(f, { clip: 5 });
    expect(pre.state.numeric[0].log1p).toBe(true);
    const t = pre.transform({ ...f, numeric: [[1e300]] });
    expect(t.numeric[0]).toBe(5);
  });

  it('scales sequences per channel and pads short histories at the start', () => {
    const f: FeatureMatrix = {
      numeric: [[1], [2]],
      numericNames: ['x'],
      categorical: [[], []],
      categoricalNames: [],
      sequence: [
        [
          [1, 10],
          [3, 30],
          [5, 50],
        ],
        [
          [NaN, 20],
          [2, 40],
        ],
      ],
      sequenceChannels: ['sessions', 'minutes'],
    };
    const pre = Preprocessor.fit(f, { logTransform: 'never' });
    expect(pre.sequenceShape).toEqual([3, 2]);
    const s = pre.state.sequence!;
    expect(s.mean[0]).toBeCloseTo((1 + 3 + 5 + 2) / 4, 12);
    const t = pre.transform(f);
    expect(t.sequence).toHaveLength(2 * 3 * 2);
    // Row 1 (offset 6) is two days long: day 0 is padding (0, the mean), its own first day moves
    // to day 1 with the NaN as 0, and its last day aligns with everyone's last day.
    const r1 = Array.from(t.sequence!.subarray(6, 12));
    expect(r1.slice(0, 3)).toEqual([0, 0, 0]);
    expect(r1[3]).toBeCloseTo((20 - s.mean[1]) / s.std[1], 6);
    expect(r1[4]).toBeCloseTo((2 - s.mean[0]) / s.std[0], 6);
    expect(r1[5]).toBeCloseTo((40 - s.mean[1]) / s.std[1], 6);
  });

  it('round-trips through JSON to identical outputs', () => {
    const pre = Preprocessor.fit(table);
    const again = Preprocessor.fromJSON(JSON.parse(JSON.stringify(pre.toJSON())));
    const a = pre.transform(table);
    const b = again.transform(table);
    expect(Array.from(b.numeric)).toEqual(Array.from(a.numeric));
    expect(b.categorical.map((c) => Array.from(c))).toEqual(
      a.categorical.map((c) => Array.from(c)),
    );
  });
});

describe('seeded randomness and folds', () => {
  it('mulberry32 repeats for a seed and differs across seeds', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toEqual(xs[0]);
    expect(Array.from(permutation(10, createRng(1))).sort((p, q) => p - q)).toEqual([
      ...Array(10).keys(),
    ]);
  });

  it('stratified folds keep the churn rate and sizes even', () => {
    const labels = Array.from({ length: 103 }, (_, i) => (i % 4 === 0 ? 1 : 0)); // 26 positives
    const folds = stratifiedFoldIds(labels, 5, 1);
    for (let f = 0; f < 5; f++) {
      const rows = [...folds.keys()].filter((i) => folds[i] === f);
      const pos = rows.filter((i) => labels[i] === 1).length;
      expect(rows.length === 20 || rows.length === 21).toBe(true);
      expect(pos === 5 || pos === 6).toBe(true);
    }
    expect(Array.from(stratifiedFoldIds(labels, 5, 1))).toEqual(Array.from(folds));
    const splits = stratifiedKFold(labels, 5, 1);
    expect(splits.flatMap((s) => s.test).sort((p, q) => p - q)).toEqual([...Array(103).keys()]);
    const split = stratifiedSplit(labels, 0.2, 3);
    expect(split.test.filter((i) => labels[i] === 1)).toHaveLength(5);
    expect(split.train.length + split.test.length).toBe(103);
  });
});
