/** `churn evaluate-table` as a user runs it: clear messages and exit code 2 for malformed tables. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-table-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const env = { ...process.env, LOG_LEVEL: 'warn' };
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A small table with a real signal: churn follows low tenure and a monthly contract. */
function table(rows: number, opts: { garbageAt?: number; oneClass?: boolean } = {}): string {
  const lines = ['id,tenure,contract,monthly,Churn'];
  let s = 1;
  const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < rows; i++) {
    const tenure = Math.floor(rand() * 70);
    const contract = rand() < 0.5 ? 'Month-to-month' : 'Two year';
    const p = 1 / (1 + Math.exp(-(1.5 - tenure / 15 + (contract === 'Month-to-month' ? 1 : -1))));
    const churn = opts.oneClass ? 'No' : rand() < p ? 'Yes' : 'No';
    const monthly = i === opts.garbageAt ? 'abc' : (20 + rand() * 80).toFixed(2);
    lines.push(`c${i},${tenure},${contract},${monthly},${churn}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('churn evaluate-table', () => {
  it('cross-validates both models and writes one probability per row', () => {
    const train = write('train.csv', table(400));
    const out = path.join(dir, 'pred.csv');
    const r = run([
      'evaluate-table',
      '--train',
      train,
      '--target',
      'Churn',
      '--id',
      'id',
      '--predictions',
      out,
      '--folds',
      '3',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/logistic-regression\s+0\.\d{4}/);
    expect(r.stdout).toMatch(/deep-churn\s+0\.\d{4}/);
    expect(r.stdout).toMatch(/ensemble\s+0\.\d{4}/);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,probability,logistic_regression,deep_churn,ensemble');
    expect(lines).toHaveLength(401);
  }, 120_000);

  it('reports repeated held-out splits with their spread', () => {
    const train = write('repeat.csv', table(400));
    const r = run(['evaluate-table', '--train', train, '--target', 'Churn', '--repeats', '2']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/repeated held-out splits \(2 × 30% held out; means\)/);
    expect(r.stdout).toMatch(/ensemble\s+0\.\d{4} 0\.\d{4}\s+→ 0\.\d{4} ± 0\.\d{4}/);
    const both = run([
      'evaluate-table',
      '--train',
      train,
      '--target',
      'Churn',
      '--repeats',
      '2',
      '--test',
      train,
    ]);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--repeats/);
  }, 120_000);

  it.each([
    ['a missing target column', () => table(100), ['--target', 'Cancelled'], /Cancelled/],
    [
      'a target with one class only',
      () => table(100, { oneClass: true }),
      ['--target', 'Churn'],
      /one class|only one/i,
    ],
    [
      'garbage in a numeric column',
      () => table(200, { garbageAt: 17 }),
      ['--target', 'Churn'],
      /monthly.*abc|abc.*monthly/i,
    ],
  ])(
    'fails clearly on %s',
    (_name, make, args, message) => {
      const train = write(`bad-${Math.random()}.csv`, make());
      const r = run(['evaluate-table', '--train', train, ...args]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // a message, not a stack trace
    },
    60_000,
  );

  it('names a missing file', () => {
    const r = run(['evaluate-table', '--train', path.join(dir, 'nope.csv'), '--target', 'Churn']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/training file not found/);
  });
});
