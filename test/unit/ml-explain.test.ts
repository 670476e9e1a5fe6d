import * as tf from '@tensorflow/tfjs';
import {
  ARTIFACT_FORMAT_VERSION,
  DeepChurn,
  LogisticRegression,
  createRng,
  ensureBackend,
  selectRows,
  syntheticChurn,
  type FeatureMatrix,
  type PreprocessorState,
} from '../../src/ml';
import {
  COMPLETENESS_TOLERANCE,
  aggregateAttributions,
  assertBaselineMatches,
  checkCompleteness,
  deepChurnForward,
  explainDeepChurn,
  explainDeepChurnDeepLift,
  supportsDeepLift,
  explainLogistic,
  fitTrainingBaseline,
  integratedGradients,
  kernelShap,
  logisticBaselineLogit,
  permutationImportance,
  shapleyKernelCoalitions,
  type Explanation,
  type ScoreFunction,
} from '../../src/ml/explain';

const logit = (p: number): number => Math.log(p / (1 - p));

/** A matrix of numeric columns only. */
function numericMatrix(names: string[], rows: number[][]): FeatureMatrix {
  return { numeric: rows, numericNames: names, categorical: [], categoricalNames: [] };
}

/** Exact Shapley values by enumerating all 2^M coalitions, value = mean over background rows. */
function bruteForceShapley(
  g: (row: number[]) => number,
  x: number[],
  background: number[][],
): number[] {
  const m = x.length;
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const value = (mask: number): number =>
    background.reduce((s, b) => s + g(b.map((bj, j) => (mask & (1 << j) ? x[j] : bj))), 0) /
    background.length;
  return x.map((_, j) => {
    let phi = 0;
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & (1 << j)) continue;
      const s = mask.toString(2).split('1').length - 1;
      const w = (fact(s) * fact(m - s - 1)) / fact(m);
      phi += w * (value(mask | (1 << j)) - value(mask));
    }
    return phi;
  });
}

function expectComplete(explanations: Explanation[], tolerance?: number): void {
  for (const e of explanations) {
    const check = checkCompleteness(e, tolerance);
    expect(check.error).toBeLessThanOrEqual(check.tolerance);
    expect(check.ok).toBe(true);
    expect(e.completenessError).toBeCloseTo(check.error, 12);
  }
}

beforeAll(async () => {
  await ensureBackend();
});

describe('linear attributions (logistic regression)', () => {
  // A hand-made model: minutes (mean 10, std 2, has a missing indicator), tickets (mean 1, std 1),
  // plan with vocabulary [basic, premium] (slot 0 = other).
  const preprocessor: PreprocessorState = {
    version: 1,
    clip: 10,
    numeric: [
      { name: 'minutes', log1p: false, median: 10, mean: 10, std: 2, missingIndicator: true },
      { name: 'tickets', log1p: false, median: 1, mean: 1, std: 1, missingIndicator: false },
    ],
    categorical: [{ name: 'plan', vocabulary: ['basic', 'premium'] }],
    sequence: null,
  };
  // Design columns: minutes, tickets, minutes__missing, plan=(other), plan=basic, plan=premium.
  const coefficients = [0.5, 1.0, 2.0, 0.1, 0.4, -0.6];
  const model = LogisticRegression.fromArtifacts({
    manifest: {
      kind: 'logistic-regression',
      formatVersion: ARTIFACT_FORMAT_VERSION,
      preprocessor,
      model: {
        options: {
          l2: 0,
          learningRate: 0,
          maxIterations: 0,
          tolerance: 0,
          batchSize: null,
          seed: 0,
        },
        designColumns: [
          'minutes',
          'tickets',
          'minutes__missing',
          'plan=(other)',
          'plan=basic',
          'plan=premium',
        ],
        coefficients,
        intercept: -1,
        training: { iterations: 0, loss: 0, gradientNorm: 0, ms: 0 },
      },
    },
    weights: new ArrayBuffer(0),
  });
  const training: FeatureMatrix = {
    numeric: [
      [10, 1],
      [14, 2],
      [NaN, 0],
      [8, 1],
    ],
    numericNames: ['minutes', 'tickets'],
    categorical: [['basic'], ['premium'], ['basic'], ['']],
    categoricalNames: ['plan'],
  };

  it('stores the training means as JSON: z-score means, missing rate, category frequencies', () => {
    const baseline = fitTrainingBaseline(model.preprocessor, training);
    // minutes z: 0, 2, 0 (median), −1 → 0.25; tickets z: 0, 1, −1, 0 → 0; missing 1 of 4.
    expect(baseline.numericColumns).toEqual(['minutes', 'tickets', 'minutes__missing']);
    expect(baseline.numeric).toEqual([0.25, 0, 0.25]);
    expect(baseline.categorical).toEqual([{ name: 'plan', frequencies: [0.25, 0.5, 0.25] }]);
    expect(JSON.parse(JSON.stringify(baseline))).toEqual(baseline);
  });

  it('equals hand-computed contributions, grouped by original feature', () => {
    const baseline = fitTrainingBaseline(model.preprocessor, training);
    // −1 + 0.5·0.25 + 1·0 + 2·0.25 + 0.1·0.25 + 0.4·0.5 − 0.6·0.25 = −0.3
    expect(logisticBaselineLogit(model, baseline)).toBeCloseTo(-0.3, 12);
    const rows: FeatureMatrix = {
      numeric: [
        [16, 3],
        [NaN, 1],
      ],
      numericNames: ['minutes', 'tickets'],
      categorical: [['premium'], ['gold']],
      categoricalNames: ['plan'],
    };
    const [a, b] = explainLogistic(model, baseline, rows);
    expect(a.features).toEqual(['minutes', 'tickets', 'plan']);
    // Row a: minutes z = 3, indicator 0: 0.5·(3 − 0.25) + 2·(0 − 0.25) = 0.875.
    // tickets z = 2: 1·(2 − 0) = 2. plan premium: −0.6 − (0.1·0.25 + 0.4·0.5 − 0.6·0.25) = −0.675.
    expect(a.contributions[0]).toBeCloseTo(0.875, 12);
    expect(a.contributions[1]).toBeCloseTo(2, 12);
    expect(a.contributions[2]).toBeCloseTo(-0.675, 12);
    // logit(a) = −1 + 0.5·3 + 1·2 − 0.6 = 1.9 = −0.3 + 2.2.
    expect(a.logit).toBeCloseTo(1.9, 12);
    expect(a.baselineLogit).toBeCloseTo(-0.3, 12);
    // Row b: minutes missing → z 0 (median), indicator 1: 0.5·(−0.25) + 2·(0.75) = 1.375;
    // tickets at the mean: 0; unseen plan 'gold' → other: 0.1 − 0.075 = 0.025.
    expect(b.contributions[0]).toBeCloseTo(1.375, 12);
    expect(b.contributions[1]).toBeCloseTo(0, 12);
    expect(b.contributions[2]).toBeCloseTo(0.025, 12);
    expectComplete([a, b]);
  });

  it('is complete to 1e-9 on a fitted model', async () => {
    const data = syntheticChurn(600, 4, { sequence: false });
    const fitted = await LogisticRegression.fit(data.features, data.labels, { seed: 1 });
    const baseline = fitTrainingBaseline(fitted.preprocessor, data.features);
    const explanations = explainLogistic(
      fitted,
      baseline,
      selectRows(data.features, [0, 1, 2, 3, 4]),
    );
    expect(explanations[0].features).toEqual([
      ...data.features.numericNames,
      ...data.features.categoricalNames,
    ]);
    expectComplete(explanations, 1e-9);
    expect(() => assertBaselineMatches(baseline, model.preprocessor)).toThrow(/different/);
  });
});

describe('integrated gradients', () => {
  it('gives x² for f = x² from 0 (the midpoint rule is exact for quadratics)', () => {
    const x = tf.tensor2d([
      [1, -2, 3],
      [0.5, 4, -1],
    ]);
    const zero = tf.zeros([1, 3]);
    const ig = integratedGradients(([v]) => tf.sum(tf.square(v), 1), [x], [zero], { steps: 32 });
    const expected = [1, 4, 9, 0.25, 16, 1];
    Array.from(ig.attributions[0]).forEach((a, i) => expect(a).toBeCloseTo(expected[i], 4));
    expect(Array.from(ig.logits)).toEqual([14, 17.25]);
    expect(Array.from(ig.baselineLogits)).toEqual([0, 0]);
    tf.dispose([x, zero]);
  });

  it('gives (x − baseline)·w for a linear function, over several inputs and chunks', () => {
    const w = tf.tensor1d([2, -1]);
    const x = tf.tensor2d([
      [1, 1],
      [3, 0],
      [-1, 2],
    ]);
    const b = tf.tensor2d([[0.5, 1.5]]);
    const s = tf.tensor3d([[[1, 2]], [[0, 0]], [[2, -1]]]); // [3, 1, 2]
    const sb = tf.zeros([1, 1, 2]);
    const f = ([u, v]: tf.Tensor[]): tf.Tensor =>
      tf.add(tf.sum(tf.mul(u, w), 1), tf.mul(3, tf.sum(v, [1, 2])));
    const before = tf.memory().numTensors;
    const ig = integratedGradients(f, [x, s], [b, sb], { steps: 40, maxRowsPerBatch: 80 });
    expect(tf.memory().numTensors).toBe(before);
    const expected = [1, 0.5, 5, 1.5, -3, -0.5];
    Array.from(ig.attributions[0]).forEach((a, i) => expect(a).toBeCloseTo(expected[i], 5));
    Array.from(ig.attributions[1]).forEach((a, i) =>
      expect(a).toBeCloseTo(3 * [1, 2, 0, 0, 2, -1][i], 5),
    );
    tf.dispose([w, x, b, s, sb]);
  });

  describe('on DeepChurn', () => {
    const data = syntheticChurn(900, 8, { days: 28 });
    const users = selectRows(
      data.features,
      Array.from({ length: 30 }, (_, i) => i * 7),
    );
    let linear: DeepChurn;
    let withSequence: DeepChurn;
    let withConv: DeepChurn;

    beforeAll(async () => {
      const fast = { epochs: 3, patience: 3, batchSize: 128, seed: 3 };
      // No hidden layer and no dropout: the logit is linear in the numerics and embeddings.
      linear = await DeepChurn.fit(data.features, data.labels, { ...fast, hidden: [], dropout: 0 });
      withSequence = await DeepChurn.fit(data.features, data.labels, {
        ...fast,
        hidden: [16, 8],
        useSequence: true,
      });
      withConv = await DeepChurn.fit(data.features, data.labels, {
        ...fast,
        epochs: 1,
        hidden: [8],
        useSequence: true,
        sequenceBranch: 'conv',
      });
    });

    afterAll(() => [linear, withSequence, withConv].forEach((m) => m.dispose()));

    it.each([
      ['linear', () => linear],
      ['dense-sequence', () => withSequence],
      ['conv-sequence', () => withConv],
    ])('runs the %s network from its embeddings to the same logits', (_, get) => {
      const model = get();
      const t = model.preprocessor.transform(users);
      const forward = deepChurnForward(model);
      const logits = tf.tidy(() => {
        const inputs: tf.Tensor[] = [tf.tensor2d(t.numeric, [t.n, t.numericWidth])];
        forward.embeddings.forEach((e, f) => inputs.push(tf.gather(e, t.categorical[f])));
        if (forward.sequenceShape !== null) {
          inputs.push(tf.tensor3d(t.sequence!, [t.n, ...forward.sequenceShape]));
        }
        return forward.logits(inputs).dataSync();
      });
      const probs = model.predictProba(users);
      probs.forEach((p, i) => expect(logits[i]).toBeCloseTo(logit(p), 3));
    });

    it('matches the analytic attribution of a network that is linear in its inputs', () => {
      const baseline = fitTrainingBaseline(linear.preprocessor, data.features);
      const explanations = explainDeepChurn(linear, baseline, users, { steps: 32 });
      const kernel = linear.model.getLayer('churn').getWeights()[0].dataSync();
      const pre = linear.preprocessor;
      const t = pre.transform(users);
      const w = t.numericWidth;
      const embeddings = pre.cardinalities.map((_, f) => {
        const e = linear.model.getLayer(`emb_${f}`).getWeights()[0];
        return { values: e.dataSync(), dim: e.shape[1]! };
      });
      const cols = pre.numericColumns;
      explanations.forEach((e, i) => {
        // Numeric feature: Σ over its z-score and indicator columns of w_c · (x_c − mean_c).
        pre.state.numeric.forEach((col, j) => {
          let expected = 0;
          for (const name of [col.name, `${col.name}__missing`]) {
            const c = cols.indexOf(name);
            if (c >= 0) expected += kernel[c] * (t.numeric[i * w + c] - baseline.numeric[c]);
          }
          expect(e.contributions[j]).toBeCloseTo(expected, 4);
        });
        // Categorical field: w_f · (e_x − Σ_k freq_k e_k).
        let offset = w;
        embeddings.forEach(({ values, dim }, f) => {
          const freq = baseline.categorical[f].frequencies;
          const idx = t.categorical[f][i];
          let expected = 0;
          for (let d = 0; d < dim; d++) {
            let mean = 0;
            freq.forEach((p, k) => (mean += p * values[k * dim + d]));
            expected += kernel[offset + d] * (values[idx * dim + d] - mean);
          }
          offset += dim;
          expect(e.contributions[pre.state.numeric.length + f]).toBeCloseTo(expected, 4);
        });
      });
      expectComplete(explanations, 1e-4);
    });

    it.each([
      ['dense', () => withSequence],
      ['conv', () => withConv],
    ])('is complete on a %s sequence network, with one feature per channel', (_, get) => {
      const model = get();
      const baseline = fitTrainingBaseline(model.preprocessor, data.features);
      const explanations = explainDeepChurn(model, baseline, users);
      expect(explanations).toHaveLength(30);
      expect(explanations[0].features).toEqual([
        ...data.features.numericNames,
        ...data.features.categoricalNames,
        'sequence:sessions',
        'sequence:minutes',
        'sequence:titles',
      ]);
      expectComplete(explanations, COMPLETENESS_TOLERANCE['integrated-gradients']);
      const probs = model.predictProba(users);
      explanations.forEach((e, i) => expect(e.logit).toBeCloseTo(logit(probs[i]), 3));
      // The baseline logit is one number: the same mean subscriber for everyone.
      expect(new Set(explanations.map((e) => e.baselineLogit.toFixed(6))).size).toBe(1);
    });

    it('retries rows above the tolerance with more steps', () => {
      const baseline = fitTrainingBaseline(withSequence.preprocessor, data.features);
      const coarse = explainDeepChurn(withSequence, baseline, users, {
        steps: 1,
        maxSteps: 1,
      });
      const retried = explainDeepChurn(withSequence, baseline, users, {
        steps: 1,
        maxSteps: 512,
        tolerance: 1e-3,
      });
      const worst = (es: Explanation[]): number => Math.max(...es.map((e) => e.completenessError));
      expect(worst(coarse)).toBeGreaterThan(1e-3);
      expect(Math.max(...retried.map((e) => e.steps!))).toBeGreaterThan(1);
      expect(worst(retried)).toBeLessThan(worst(coarse));
      retried.forEach((e) => {
        if (e.steps! < 512) expect(e.completenessError).toBeLessThanOrEqual(1e-3);
      });
    });

    it('leaks no tensors', () => {
      const baseline = fitTrainingBaseline(withSequence.preprocessor, data.features);
      explainDeepChurn(withSequence, baseline, users, { steps: 8 });
      const before = tf.memory().numTensors;
      explainDeepChurn(withSequence, baseline, users, { steps: 8 });
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});

describe('DeepLIFT (Rescale) on the DeepChurn MLP', () => {
  const data = syntheticChurn(900, 8, { days: 28 });
  const users = selectRows(
    data.features,
    Array.from({ length: 40 }, (_, i) => i * 11),
  );
  let mlp: DeepChurn;
  let linear: DeepChurn;
  let withSequence: DeepChurn;

  beforeAll(async () => {
    const fast = { epochs: 3, patience: 3, batchSize: 128, seed: 5 };
    mlp = await DeepChurn.fit(data.features, data.labels, { ...fast, hidden: [16, 8] });
    linear = await DeepChurn.fit(data.features, data.labels, { ...fast, hidden: [], dropout: 0 });
    withSequence = await DeepChurn.fit(data.features, data.labels, {
      ...fast,
      hidden: [8],
      useSequence: true,
    });
  });

  afterAll(() => [mlp, linear, withSequence].forEach((m) => m.dispose()));

  it('adds up to logit − baseline logit exactly, at the logits the served model gives', () => {
    const baseline = fitTrainingBaseline(mlp.preprocessor, data.features);
    const explanations = explainDeepChurnDeepLift(mlp, baseline, users);
    expect(explanations).toHaveLength(40);
    expect(explanations[0].features).toEqual([
      ...data.features.numericNames,
      ...data.features.categoricalNames,
    ]);
    for (const e of explanations) {
      expect(e.method).toBe('deeplift-rescale');
      expect(checkCompleteness(e).error).toBeLessThan(1e-9);
    }
    const probs = mlp.predictProba(users);
    explanations.forEach((e, i) => expect(e.logit).toBeCloseTo(logit(probs[i]), 4));
  });

  it('equals integrated gradients where the network is linear in its inputs', () => {
    const baseline = fitTrainingBaseline(linear.preprocessor, data.features);
    const lift = explainDeepChurnDeepLift(linear, baseline, users);
    const ig = explainDeepChurn(linear, baseline, users, { steps: 32 });
    lift.forEach((e, i) =>
      e.contributions.forEach((c, k) => expect(c).toBeCloseTo(ig[i].contributions[k], 4)),
    );
  });

  it('mostly agrees with integrated gradients on the feature that pushes a subscriber most', () => {
    const baseline = fitTrainingBaseline(mlp.preprocessor, data.features);
    const lift = explainDeepChurnDeepLift(mlp, baseline, users);
    const ig = explainDeepChurn(mlp, baseline, users, { steps: 1024, maxSteps: 1024 });
    const top = (c: number[]) =>
      c.reduce((best, v, k) => (Math.abs(v) > Math.abs(c[best]) ? k : best), 0);
    const same = lift.filter((e, i) => top(e.contributions) === top(ig[i].contributions)).length;
    // The two methods split a unit's change differently when it changes sign along the path; they
    // name the same strongest feature for most subscribers (34 of 40 on this network).
    expect(same / lift.length).toBeGreaterThanOrEqual(0.8);
  });

  it('is used for MLPs only: a network with a sequence branch keeps integrated gradients', () => {
    expect(supportsDeepLift(mlp)).toBe(true);
    expect(supportsDeepLift(withSequence)).toBe(false);
    const baseline = fitTrainingBaseline(withSequence.preprocessor, data.features);
    expect(() => explainDeepChurnDeepLift(withSequence, baseline, users)).toThrow(/sequence/);
  });
});

describe('KernelSHAP', () => {
  it('recovers exact Shapley values of an additive function with categorical features', () => {
    const g = (a: number, b: number, c: number, plan: string): number =>
      2 * a - b + 0.5 * c * c + (plan === 'premium' ? 1.5 : 0);
    const f: ScoreFunction = (rows) =>
      rows.numeric.map((r, i) => g(r[0]!, r[1]!, r[2]!, rows.categorical[i][0]));
    const mk = (num: number[][], cat: string[][]): FeatureMatrix => ({
      numeric: num,
      numericNames: ['a', 'b', 'c'],
      categorical: cat,
      categoricalNames: ['plan'],
    });
    const background = mk([[0, 1, 2]], [['basic']]);
    const rows = mk(
      [
        [1, 3, -2],
        [0, 1, 4],
      ],
      [['premium'], ['basic']],
    );
    const [e1, e2] = kernelShap(f, background, rows, { seed: 1 });
    expect(e1.features).toEqual(['a', 'b', 'c', 'plan']);
    [2, -2, 0, 1.5].forEach((v, j) => expect(e1.contributions[j]).toBeCloseTo(v, 10));
    // Row 2 equals the background on a, b and plan: those get exactly 0 and leave the fit.
    expect(e2.contributions).toEqual([0, 0, 6, 0]);
    expect(e1.logit).toBe(g(1, 3, -2, 'premium'));
    expect(e1.baselineLogit).toBe(g(0, 1, 2, 'basic'));
    expectComplete([e1, e2], 1e-9);
  });

  it('recovers exact Shapley values of a 3-feature function with interactions', () => {
    const g = (r: number[]): number => r[0] * r[1] + 2 * r[0] * r[1] * r[2] + Math.exp(r[2]) - r[1];
    const f: ScoreFunction = (rows) => rows.numeric.map((r) => g(r as number[]));
    const x = [1.5, -2, 0.7];
    for (const bg of [
      [[0, 0, 0]],
      [
        [0.2, 1, -1],
        [1, -0.5, 0.3],
        [-1, 2, 0],
      ],
    ]) {
      const [e] = kernelShap(
        f,
        numericMatrix(['a', 'b', 'c'], bg),
        numericMatrix(['a', 'b', 'c'], [x]),
      );
      const exact = bruteForceShapley(g, x, bg);
      exact.forEach((v, j) => expect(e.contributions[j]).toBeCloseTo(v, 9));
      expectComplete([e], 1e-9);
    }
  });

  it('is exact for an additive function when coalitions are sampled, sequence channels included', () => {
    const p = 12;
    const names = Array.from({ length: p }, (_, j) => `x${j}`);
    const weights = names.map((_, j) => (j % 2 === 0 ? 1 : -1) * (j + 1) * 0.1);
    const channelWeight = [0.5, -0.25];
    const f: ScoreFunction = (rows) =>
      rows.numeric.map((r, i) => {
        let z = 0;
        for (let j = 0; j < p; j++) z += weights[j] * Math.tanh(r[j]!);
        const days = rows.sequence![i];
        for (let t = 0; t < days.length; t++) {
          for (let k = 0; k < 2; k++) z += channelWeight[k] * days[t][k];
        }
        return z;
      });
    const rng = createRng(5);
    const make = (n: number): FeatureMatrix => ({
      ...numericMatrix(
        names,
        Array.from({ length: n }, () => names.map(() => rng.normal())),
      ),
      sequence: Array.from({ length: n }, () =>
        Array.from({ length: 7 }, () => [rng.int(5), rng.int(3)]),
      ),
      sequenceChannels: ['sessions', 'titles'],
    });
    const background = make(2);
    const x = make(1);
    // 14 features: 2^14 − 2 coalitions would be exact enumeration; 300 forces sampling.
    const [e] = kernelShap(f, background, x, { samples: 300, seed: 2 });
    expect(e.steps).toBeLessThanOrEqual(300);
    expect(e.features.slice(-2)).toEqual(['sequence:sessions', 'sequence:titles']);
    const expected = [
      ...weights.map(
        (w, j) =>
          w *
          (Math.tanh(x.numeric[0][j]!) -
            (Math.tanh(background.numeric[0][j]!) + Math.tanh(background.numeric[1][j]!)) / 2),
      ),
      ...channelWeight.map((w, k) => {
        const sum = (days: ArrayLike<ArrayLike<number>>): number =>
          Array.from(days).reduce((s, d) => s + d[k], 0);
        return (
          w *
          (sum(x.sequence![0]) - (sum(background.sequence![0]) + sum(background.sequence![1])) / 2)
        );
      }),
    ];
    expected.forEach((v, j) => expect(e.contributions[j]).toBeCloseTo(v, 8));
    expectComplete([e], 1e-9);
  });

  it('stays complete and close to exact with interactions under sampling, deterministically', () => {
    const m = 10;
    const names = Array.from({ length: m }, (_, j) => `x${j}`);
    const g = (r: number[]): number =>
      r.reduce((s, v, j) => s + (j + 1) * 0.2 * v, 0) + r[0] * r[1] - 0.5 * r[2] * r[3] * r[4];
    const f: ScoreFunction = (rows) => rows.numeric.map((r) => g(r as number[]));
    const x = names.map((_, j) => Math.sin(j + 1) * 2);
    const bg = [names.map(() => 0)];
    const run = (): Explanation =>
      kernelShap(f, numericMatrix(names, bg), numericMatrix(names, [x]), {
        samples: 400,
        seed: 7,
      })[0];
    const e = run();
    expect(e.steps).toBeLessThan(2 ** m - 2);
    expectComplete([e], 1e-9);
    const exact = bruteForceShapley(g, x, bg);
    exact.forEach((v, j) => expect(Math.abs(e.contributions[j] - v)).toBeLessThan(0.05));
    expect(run().contributions).toEqual(e.contributions);
  });

  it('weights coalitions by the Shapley kernel, enumerating all of them when the budget allows', () => {
    const all = shapleyKernelCoalitions(4, 2048, createRng(0));
    expect(all.count).toBe(14);
    const total = all.weights.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 12);
    // π(s) ∝ (M − 1) / (C(M, s)·s·(M − s)): sizes 1 and 3 weigh 3/(4·3) = 1/4, size 2 weighs 3/(6·4) = 1/8.
    for (let k = 0; k < all.count; k++) {
      const s = Array.from(all.masks.subarray(k * 4, k * 4 + 4)).reduce((a, b) => a + b, 0);
      expect(all.weights[k] / all.weights[0]).toBeCloseTo(s === 2 ? 0.5 : 1, 12);
    }
  });
});

describe('permutation importance', () => {
  it('ranks an informative feature above noise, with a spread per feature', () => {
    const rng = createRng(3);
    const n = 600;
    const signal = Array.from({ length: n }, () => rng.normal());
    const labels = signal.map((s) => (rng.next() < 1 / (1 + Math.exp(-3 * s)) ? 1 : 0));
    const plans = labels.map((y) => (rng.next() < (y === 1 ? 0.7 : 0.3) ? 'basic' : 'premium'));
    const features: FeatureMatrix = {
      numeric: signal.map((s) => [s, rng.normal()]),
      numericNames: ['signal', 'noise'],
      categorical: plans.map((p) => [p]),
      categoricalNames: ['plan'],
      sequence: signal.map(() => [[rng.normal()], [rng.normal()]]),
      sequenceChannels: ['sessions'],
    };
    // Uses signal strongly, plan a little, the noise column and the sequence a little (pure noise).
    const score: ScoreFunction = (rows) =>
      rows.numeric.map(
        (r, i) =>
          3 * r[0]! +
          (rows.categorical[i][0] === 'basic' ? 0.8 : 0) +
          0.1 * r[1]! +
          0.1 * rows.sequence![i][1][0],
      );
    const result = permutationImportance(score, features, labels, { seed: 1, repeats: 4 });
    const byName = new Map(result.importances.map((x) => [x.feature, x]));
    expect(result.importances.map((x) => x.feature)[0]).toBe('signal');
    expect(byName.get('signal')!.meanDrop).toBeGreaterThan(0.2);
    expect(byName.get('plan')!.meanDrop).toBeGreaterThan(byName.get('noise')!.meanDrop);
    expect(Math.abs(byName.get('noise')!.meanDrop)).toBeLessThan(0.02);
    expect(Math.abs(byName.get('sequence:sessions')!.meanDrop)).toBeLessThan(0.02);
    expect(byName.get('signal')!.drops).toHaveLength(4);
    expect(byName.get('signal')!.stdDrop).toBeGreaterThan(0);
    expect(permutationImportance(score, features, labels, { seed: 1, repeats: 4 })).toEqual(result);
  });
});

describe('completeness check and aggregation', () => {
  const base: Explanation = {
    method: 'integrated-gradients',
    features: ['a', 'b'],
    contributions: [0.5, -0.2],
    baselineLogit: -1,
    logit: -0.695,
    completenessError: 0.005,
  };

  it('applies the per-method tolerance and fails on NaN', () => {
    expect(checkCompleteness(base)).toEqual({
      ok: true,
      error: expect.any(Number),
      tolerance: 0.01,
    });
    expect(checkCompleteness(base).error).toBeCloseTo(0.005, 12);
    expect(checkCompleteness({ ...base, method: 'linear' }).ok).toBe(false);
    expect(checkCompleteness({ ...base, logit: NaN }).ok).toBe(false);
    expect(COMPLETENESS_TOLERANCE).toEqual({
      linear: 1e-6,
      'kernel-shap': 1e-6,
      'deeplift-rescale': 1e-6,
      'integrated-gradients': 0.01,
    });
  });

  it('aggregates mean |contribution| and mean signed contribution per feature', () => {
    const other: Explanation = { ...base, contributions: [-0.1, 0.6] };
    expect(aggregateAttributions([base, other])).toEqual([
      {
        feature: 'b',
        meanAbs: expect.closeTo(0.4, 12),
        meanSigned: expect.closeTo(0.2, 12),
        count: 2,
      },
      {
        feature: 'a',
        meanAbs: expect.closeTo(0.3, 12),
        meanSigned: expect.closeTo(0.2, 12),
        count: 2,
      },
    ]);
  });
});
