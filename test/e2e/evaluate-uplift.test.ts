/**
 * `churn evaluate-uplift` as a user runs it: it recovers a planted effect on generated data, writes
 * one uplift per arm for a test file, fails clearly on bad input, and on the Hillstrom campaign
 * (when ../shared/data holds it) recovers each e-mail arm's effect with a Qini above random.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');
const HILLSTROM = path.resolve(ROOT, '../shared/data/hillstrom/hillstrom.csv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-uplift-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync(process.execPath, [CLI, 'evaluate-uplift', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/**
 * A campaign with two arms and a planted effect: "coupon" adds 20 points of conversion for
 * loyal customers and nothing for the others; "letter" adds 5 points for everyone. A column
 * `revenue` is measured after the campaign and must be set aside.
 */
function campaign(rows: number, seed: number, withOutcome = true): string {
  let s = seed;
  const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const lines = [withOutcome ? 'id,age,tier,arm,revenue,converted' : 'id,age,tier'];
  for (let i = 0; i < rows; i++) {
    const age = 18 + Math.floor(rand() * 50);
    const tier = rand() < 0.4 ? 'loyal' : 'casual';
    const r = rand();
    const arm = r < 1 / 3 ? 'none' : r < 2 / 3 ? 'coupon' : 'letter';
    const effect = arm === 'coupon' ? (tier === 'loyal' ? 0.2 : 0) : arm === 'letter' ? 0.05 : 0;
    const p = 0.1 + (age < 30 ? 0.05 : 0) + effect;
    const converted = rand() < p ? 1 : 0;
    const revenue = converted * (20 + Math.floor(rand() * 30)) + (arm === 'none' ? 0 : 5);
    lines.push(
      withOutcome ? `r${i},${age},${tier},${arm},${revenue},${converted}` : `r${i},${age},${tier}`,
    );
  }
  return lines.join('\n') + '\n';
}

const table = path.join(dir, 'campaign.csv');
const testFile = path.join(dir, 'test.csv');
fs.writeFileSync(table, campaign(9000, 7));
fs.writeFileSync(testFile, campaign(400, 99, false));

describe('churn evaluate-uplift', () => {
  const base = [
    '--table',
    table,
    '--treatment',
    'arm',
    '--control',
    'none',
    '--outcome',
    'converted',
  ];

  it('recovers a planted effect and writes one uplift per arm for a test file', () => {
    const out = path.join(dir, 'pred.csv');
    const r = run([...base, '--test', testFile, '--predictions', out]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    // Coupon: 0.4 × 20 points on average = +8 pp; letter +5 pp; intervals must contain them.
    const effect = (arm: string) => {
      const m = new RegExp(
        `  ${arm}: .* → ([+-][\\d.]+) pp \\[([+-][\\d.]+) pp, ([+-][\\d.]+) pp\\]`,
      ).exec(r.stdout);
      expect(m).not.toBeNull();
      return m!.slice(1).map(Number);
    };
    const [, couponLo, couponHi] = effect('coupon');
    expect(couponLo).toBeLessThan(8);
    expect(couponHi).toBeGreaterThan(8);
    const [, letterLo, letterHi] = effect('letter');
    expect(letterLo).toBeLessThan(5);
    expect(letterHi).toBeGreaterThan(5);
    expect(r.stdout).toMatch(/revenue \(differs between arms/);
    expect(r.stdout).toMatch(/coupon · t-learner: Qini 0\.0\d*[1-9]/);

    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,coupon,letter');
    expect(lines).toHaveLength(401);
    const test = fs.readFileSync(testFile, 'utf8').trim().split('\n').slice(1);
    const mean = (tier: string, col: number) => {
      const values = lines
        .slice(1)
        .filter((_, i) => test[i].split(',')[2] === tier)
        .map((l) => Number(l.split(',')[col]));
      return values.reduce((a, b) => a + b, 0) / values.length;
    };
    // The coupon's predicted uplift separates loyal from casual customers.
    expect(mean('loyal', 1)).toBeGreaterThan(0.12);
    expect(mean('casual', 1)).toBeLessThan(0.06);
  }, 120_000);

  it('names a missing column, an unknown control and a --predictions without --test', () => {
    let r = run([...base.slice(0, 6), '--outcome', 'bought']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Outcome column 'bought' not found/);
    r = run([...base.slice(0, 4), '--control', 'nobody', '--outcome', 'converted']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Control value 'nobody' not found.*'coupon', 'letter', 'none'/);
    r = run([...base, '--predictions', path.join(dir, 'x.csv')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--predictions needs --test/);
  });
});

const hillstrom = fs.existsSync(HILLSTROM);
if (!hillstrom) {
  process.stderr.write(
    `evaluate-uplift: ${HILLSTROM} not found; skipping the Hillstrom campaign.\n`,
  );
}

(hillstrom ? describe : describe.skip)('Hillstrom e-mail campaign (visit)', () => {
  it('recovers each e-mail arm’s effect and ranks above random on held-out rows', () => {
    const r = run([
      '--table',
      HILLSTROM,
      '--treatment',
      'segment',
      '--control',
      'No E-Mail',
      '--outcome',
      'visit',
    ]);
    expect(r.status).toBe(0);
    // Published averages: Mens +7.66 pp (18.28% vs 10.62%), Womens +4.52 pp (15.14% vs 10.62%).
    for (const [arm, published] of [
      ['Mens E-Mail', 7.66],
      ['Womens E-Mail', 4.52],
    ] as const) {
      const m = new RegExp(`${arm}: .* \\[([+-][\\d.]+) pp, ([+-][\\d.]+) pp\\]`).exec(r.stdout);
      expect(Number(m![1])).toBeLessThan(published);
      expect(Number(m![2])).toBeGreaterThan(published);
      const q = new RegExp(`${arm} · t-learner: Qini (-?[\\d.]+)`).exec(r.stdout);
      expect(Number(q![1])).toBeGreaterThan(0);
    }
    expect(r.stdout).toMatch(/conversion \(differs between arms/);
  }, 120_000);
});
