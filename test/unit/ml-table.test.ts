import {
  decodeCsvBytes,
  evaluateTable,
  inferTableSchema,
  parseCsv,
  parseTarget,
  syntheticChurn,
  tableToData,
  TableError,
} from '../../src/ml';

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

async function rejected(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('parseCsv', () => {
  it('handles quotes, embedded commas, quotes and newlines, CRLF and a BOM', () => {
    const text = '\uFEFFid,name,note\r\n1,"Smith, Jo","said ""hi""\r\nthen left"\r\n2,Ann,\r\n\r\n';
    const t = parseCsv(text);
    expect(t.header).toEqual(['id', 'name', 'note']);
    expect(t.rows).toEqual([
      ['1', 'Smith, Jo', 'said "hi"\r\nthen left'],
      ['2', 'Ann', ''],
    ]);
    expect(t.lines).toEqual([2, 4]);
  });

  it('detects a semicolon delimiter (European spreadsheet exports)', () => {
    expect(parseCsv('a;b\n1,5;x\n').rows).toEqual([['1,5', 'x']]);
  });

  it('reads Latin-1 bytes as well as UTF-8', () => {
    const latin1 = Uint8Array.from([
      0x63, 0x69, 0x74, 0x79, 0x0a, 0x22, 0x43, 0x61, 0x66, 0xe9, 0x22, 0x0a,
    ]);
    expect(parseCsv(decodeCsvBytes(latin1)).rows).toEqual([['Café']]);
    expect(decodeCsvBytes(new TextEncoder().encode('Café'))).toBe('Café');
  });

  it('rejects an empty file and ragged rows with clear messages', () => {
    expect(caught(() => parseCsv(''))).toBeInstanceOf(TableError);
    expect(caught(() => parseCsv('\n\n')).message).toMatch(/empty/);
    const ragged = caught(() => parseCsv('a,b\n1,2\n3\n'));
    expect(ragged).toBeInstanceOf(TableError);
    expect(ragged.message).toMatch(/Row 2 \(line 3\) has 1 fields but the header has 2/);
    expect(caught(() => parseCsv('a,b\n"1,2\n')).message).toMatch(/never closed/);
  });
});

describe('table schema', () => {
  const csv = [
    'customerID,Tenure,Plan,Score,Churn',
    'c1,1,basic,0.5,Yes',
    'c2,,premium,0.1,no',
    'c3,5,basic,NA,TRUE',
    'c4,7,,0.3,False',
  ].join('\n');

  it('finds the id, the types, and tolerates blank numbers', () => {
    const table = parseCsv(csv);
    const schema = inferTableSchema(table, { target: 'churn' });
    expect(schema).toMatchObject({
      target: 'Churn',
      id: 'customerID',
      numeric: ['Tenure', 'Score'],
      categorical: ['Plan'],
    });
    const data = tableToData(table, schema, { requireTarget: true });
    expect(data.labels).toEqual([1, 0, 1, 0]);
    expect(data.ids).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(data.features.numeric[1][0]).toBeNaN();
    expect(data.features.categorical[3]).toEqual(['']);
  });

  it('names the available columns when the target is missing', () => {
    const err = caught(() => inferTableSchema(parseCsv(csv), { target: 'Exited' }));
    expect(err).toBeInstanceOf(TableError);
    expect(err.message).toBe(
      "Target column 'Exited' not found. Available columns: 'customerID', 'Tenure', 'Plan', 'Score', 'Churn'.",
    );
  });

  it('names the column, row and value of garbage in a numeric column', () => {
    const rows = ['id,charges,churn'];
    for (let i = 1; i <= 50; i++)
      rows.push(`u${i},${i === 37 ? 'abc' : i === 12 ? '' : 10 + i},${i % 2}`);
    const err = caught(() => inferTableSchema(parseCsv(rows.join('\n')), { target: 'churn' }));
    expect(err).toBeInstanceOf(TableError);
    expect(err.message).toMatch(
      /Column 'charges' looks numeric \(98\.0% of its non-blank values are numbers\) but row 37 has 'abc'/,
    );
  });

  it('parses the usual target spellings and rejects others', () => {
    expect(
      ['Yes', 'no', 'TRUE', 'false', '1', '0', 'Churned', 'stayed'].map((v) =>
        parseTarget(v, 't', 1),
      ),
    ).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    expect(parseTarget(' ', 't', 1)).toBeNull();
    expect(caught(() => parseTarget('maybe', 'Churn', 4)).message).toMatch(
      /'Churn' has 'maybe' on row 4/,
    );
  });

  it('drops mostly-unique text columns as probable identifiers', () => {
    const rows = ['email,plan,churn'];
    for (let i = 0; i < 40; i++) rows.push(`user${i}@x.org,${i % 3 === 0 ? 'a' : 'b'},${i % 2}`);
    const schema = inferTableSchema(parseCsv(rows.join('\n')), { target: 'churn' });
    expect(schema.categorical).toEqual(['plan']);
    expect(schema.id).toBe('email');
    expect(schema.dropped[0]).toMatchObject({ column: 'email' });
  });
});

describe('evaluateTable', () => {
  function toCsv(n: number, seed: number, withTarget: boolean): string {
    const { features, labels } = syntheticChurn(n, seed, { sequence: false, trendFeature: true });
    const header = ['subscriber_id', ...features.numericNames, ...features.categoricalNames];
    if (withTarget) header.push('churned');
    const lines = [header.join(',')];
    for (let i = 0; i < n; i++) {
      const nums = Array.from(features.numeric[i], (v) => (Number.isNaN(v) ? '' : String(v)));
      const cells = [`s${seed}-${i}`, ...nums, ...features.categorical[i]];
      if (withTarget) cells.push(labels[i] === 1 ? 'Yes' : 'No');
      lines.push(cells.join(','));
    }
    return lines.join('\n');
  }

  it('fails clearly on one class only and on an empty file', async () => {
    const oneClass =
      'id,x,churn\n' + Array.from({ length: 30 }, (_, i) => `${i},${i},No`).join('\n');
    const err = await rejected(evaluateTable({ trainCsv: oneClass, target: 'churn' }));
    expect(err).toBeInstanceOf(TableError);
    expect(err.message).toMatch(/only one class: all 30 rows are non-churners/);
    expect(await rejected(evaluateTable({ trainCsv: '', target: 'churn' }))).toBeInstanceOf(
      TableError,
    );
  });

  it('trains on train and predicts a test file without a target', async () => {
    const result = await evaluateTable({
      trainCsv: toCsv(800, 1, true),
      testCsv: toCsv(100, 2, false),
      target: 'churned',
      seed: 1,
      deep: { epochs: 5 },
    });
    expect(result.mode).toBe('train-test');
    expect(result.schema.id).toBe('subscriber_id');
    expect(result.predictions).toHaveLength(100);
    expect(result.predictions[0]).toMatchObject({ id: 's2-0', row: 1, fold: null, label: null });
    for (const p of result.predictions) {
      for (const v of Object.values(p.probabilities)) expect(v >= 0 && v <= 1).toBe(true);
    }
    expect(result.models.every((m) => m.metrics === null)).toBe(true);
    expect(result.warnings).toContain('The test file has no target column: predictions only.');
  });
});
