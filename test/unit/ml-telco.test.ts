import fs from 'node:fs';
import path from 'node:path';
import { evaluateTable, type TableEvaluation } from '../../src/ml';

// IBM Telco churn sample (5,000 rows), shared evaluation data outside the repository.
const TELCO = path.resolve(__dirname, '../../../shared/data/telco/telco-train.csv');
const present = fs.existsSync(TELCO);
if (!present) {
  process.stderr.write(`ml-telco: ${TELCO} not found; skipping the Telco churn evaluation.\n`);
}

(present ? describe : describe.skip)('Telco churn table (5-fold CV)', () => {
  let result: TableEvaluation;

  beforeAll(async () => {
    result = await evaluateTable({
      trainCsv: fs.readFileSync(TELCO, 'utf8'),
      target: 'Churn',
      seed: 42,
      // Fewer epochs than the defaults keep the suite fast; the floors below leave room for it.
      deep: { epochs: 20, patience: 4, batchSize: 256 },
    });
  }, 120000);

  const metrics = (model: string) => result.models.find((m) => m.model === model)!.metrics!;

  it('reads the table as expected', () => {
    expect(result.mode).toBe('cross-validation');
    expect(result.schema.id).toBe('customerID');
    expect(result.schema.numeric).toEqual([
      'SeniorCitizen',
      'tenure',
      'MonthlyCharges',
      'TotalCharges',
    ]);
    expect(result.trainRows).toBe(5000);
    expect(result.predictions).toHaveLength(5000);
    expect(new Set(result.predictions.map((p) => p.fold))).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('clears the quality floors (honest CV AUC on this data is ~0.84)', () => {
    const lr = metrics('logistic-regression');
    const deep = metrics('deep-churn');
    expect(lr.rocAuc).toBeGreaterThanOrEqual(0.83);
    expect(lr.brier).toBeLessThanOrEqual(0.14);
    expect(deep.rocAuc).toBeGreaterThanOrEqual(0.82);
    expect(deep.brier).toBeLessThanOrEqual(0.145);
  });

  it('beats the naive baselines', () => {
    const prior = metrics('prior');
    expect(prior.rocAuc).toBeCloseTo(0.5, 1);
    expect(metrics('logistic-regression').brier).toBeLessThan(prior.brier - 0.04);
    expect(metrics('logistic-regression').rocAuc).toBeGreaterThan(
      metrics('best-single-feature').rocAuc + 0.05,
    );
  });
});
