import { singleKeyForm } from '../../src/common/prepared-query';

describe('singleKeyForm', () => {
  it('writes an array parameter of one key as ARRAY[$n] with the key itself', () => {
    const sql = 'SELECT * FROM users WHERE id = ANY($1::bigint[]) AND tag = ANY($2::text[])';
    expect(singleKeyForm(sql, [['7'], ['a', 'b']])).toEqual({
      text: 'SELECT * FROM users WHERE id = ANY(ARRAY[$1::bigint]) AND tag = ANY($2::text[])',
      values: ['7', ['a', 'b']],
    });
  });

  it('leaves statements without a one-element array as they are', () => {
    const sql = 'SELECT x.* FROM unnest($1::bigint[]) AS u(id)';
    const values = [['1', '2']];
    expect(singleKeyForm(sql, values)).toEqual({ text: sql, values });
    expect(singleKeyForm('SELECT $1::int', [1])).toEqual({ text: 'SELECT $1::int', values: [1] });
  });

  it('rewrites every use of the same parameter', () => {
    const sql = 'SELECT unnest($1::bigint[]), cardinality($1::bigint[])';
    expect(singleKeyForm(sql, [['5']]).text).toBe(
      'SELECT unnest(ARRAY[$1::bigint]), cardinality(ARRAY[$1::bigint])',
    );
  });
});
