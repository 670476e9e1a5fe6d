import {
  LogisticRegression,
  rocAuc,
  selectLabels,
  selectRows,
  stratifiedSplit,
  syntheticChurn,
  type ModelArtifacts,
} from '../../src/ml';

// Known signal: the oracle AUC (true probabilities) of this problem is ~0.84.
const data = syntheticChurn(3000, 11, { sequence: false, trendFeature: true });
const split = stratifiedSplit(data.labels, 0.3, 1);
const train = selectRows(data.features, split.train);
const yTrain = selectLabels(data.labels, split.train);
const test = selectRows(data.features, split.test);
const yTest = selectLabels(data.labels, split.test);

describe('LogisticRegression', () => {
  let model: LogisticRegression;

  beforeAll(async () => {
    model = await LogisticRegression.fit(train, yTrain, { seed: 3 });
  });

  it('clears a quality floor close to the oracle', () => {
    const oracle = rocAuc(selectLabels(data.truth, split.test), yTest);
    const auc = rocAuc(model.predictProba(test), yTest);
    expect(oracle).toBeGreaterThan(0.8);
    expect(auc).toBeGreaterThanOrEqual(0.78);
    expect(auc).toBeGreaterThan(oracle - 0.06);
  });

  it('trains to convergence', () => {
    expect(model.training.gradientNorm).toBeLessThan(1e-3);
    expect(model.training.iterations).toBeLessThan(3000);
  });

  it('exposes coefficients over named design columns, consistent with pure-JS scoring', () => {
    expect(model.designColumns).toHaveLength(model.coefficients.length);
    expect(model.designColumns).toContain('days_since_active__missing');
    expect(model.designColumns).toContain('plan=basic');
    expect(model.designColumns).toContain('device=(other)');
    const x = model.design(test);
    const d = model.coefficients.length;
    const logits = model.predictLogits(test);
    for (const i of [0, 1, 57]) {
      let z = model.intercept;
      for (let k = 0; k < d; k++) z += model.coefficients[k] * x[i * d + k];
      expect(logits[i]).toBeCloseTo(z, 5);
    }
    // Signs the generator put there: more support tickets, more churn; the basic plan churns more.
    expect(model.coefficients[model.designColumns.indexOf('support_tickets')]).toBeGreaterThan(0);
    expect(model.coefficients[model.designColumns.indexOf('plan=basic')]).toBeGreaterThan(
      model.coefficients[model.designColumns.indexOf('plan=premium')],
    );
  });

  it('is reproducible for a seed', async () => {
    const again = await LogisticRegression.fit(train, yTrain, { seed: 3 });
    expect(Array.from(again.coefficients)).toEqual(Array.from(model.coefficients));
    expect(again.intercept).toBe(model.intercept);
  });

  it('reproduces mini-batch training for a seed', async () => {
    const opts = { seed: 5, batchSize: 256, maxIterations: 40 };
    const a = await LogisticRegression.fit(train, yTrain, opts);
    const b = await LogisticRegression.fit(train, yTrain, opts);
    expect(Array.from(a.coefficients)).toEqual(Array.from(b.coefficients));
    expect(rocAuc(a.predictProba(test), yTest)).toBeGreaterThan(0.75);
  });

  it('round-trips through artifacts to identical predictions', () => {
    const artifacts = model.toArtifacts();
    const stored = JSON.parse(JSON.stringify(artifacts.manifest)) as ModelArtifacts['manifest'];
    const loaded = LogisticRegression.fromArtifacts({
      manifest: stored,
      weights: artifacts.weights,
    });
    expect(Array.from(loaded.predictProba(test))).toEqual(Array.from(model.predictProba(test)));
  });

  it('scores a large batch in one call (throughput is measured by bench:models)', () => {
    const big = selectRows(
      test,
      Array.from({ length: 100000 }, (_, i) => i % yTest.length),
    );
    const p = model.predictProba(big);
    expect(p).toHaveLength(100000);
    expect(p[yTest.length]).toBeCloseTo(p[0], 12);
  });
});
