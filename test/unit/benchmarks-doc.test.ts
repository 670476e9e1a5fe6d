/**
 * docs/benchmarks.md is generated from the committed bench results (bench/report.ts), so the figures
 * it shows are the ones the benches measured; it must not drift from them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listBenches, renderBenchmarks } from '../../bench/report';

const ROOT = path.resolve(__dirname, '..', '..');

describe('docs/benchmarks.md', () => {
  it('is what `npm run docs:benchmarks` generates from bench/results', () => {
    const written = fs.readFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), 'utf8');
    expect(written).toBe(renderBenchmarks(ROOT));
  });

  describe('as generated', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('lists every bench of package.json, each not yet measured when it has no result', () => {
      const benches = listBenches(ROOT);
      expect(benches.map((b) => b.name)).toEqual(expect.arrayContaining(['ingest', 'live', 'why']));
      const doc = renderBenchmarks(ROOT, dir);
      for (const b of benches) {
        expect(doc).toContain(`## ${b.name}\n`);
        expect(doc).toContain(`no \`bench/results/${b.name}.json\``);
      }
    });

    it('shows a full run with its date, machine and targets, and never a quick run', () => {
      const envelope = {
        at: '2026-12-01T10:00:00.000Z',
        machine: { cores: 2, cpu: 'Test CPU', memoryGiB: 8, node: 'v20.19.0' },
      };
      fs.writeFileSync(
        path.join(dir, 'ingest.json'),
        JSON.stringify({
          benchmark: 'ingest',
          ...envelope,
          world: { seconds_per_million_events: 13.04, target_seconds_per_million: 60 },
          targets: { ratioMet: false },
        }),
      );
      fs.writeFileSync(
        path.join(dir, 'live.quick.json'),
        JSON.stringify({ benchmark: 'live', ...envelope, latency: { p99Ms: 1 } }),
      );
      const doc = renderBenchmarks(ROOT, dir);
      const ingest = doc.slice(
        doc.indexOf('## ingest'),
        doc.indexOf('\n## ', doc.indexOf('## ingest') + 1),
      );
      expect(ingest).toContain(
        'Measured 2026-12-01T10:00:00.000Z on 2 cores, Test CPU, 8 GiB of memory',
      );
      expect(ingest).toMatch(/\| `world\.seconds_per_million_events` +\| 13\.04 +\| 60 +\|/);
      expect(ingest).toMatch(/\| `targets\.ratioMet` +\| not met +\|/);
      expect(doc).toContain('no `bench/results/live.json`');
      expect(doc).not.toContain('p99Ms');
    });
  });
});
