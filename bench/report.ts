/**
 * `npm run docs:benchmarks`: writes docs/benchmarks.md from the results of full bench runs
 * (bench/results/<name>.json). `--quick` runs write <name>.quick.json, which is never read here, so
 * the page only ever shows full runs. A bench without a result file is listed as not yet measured.
 *
 * The page is generated, never edited: test/unit/benchmarks-doc.test.ts fails when it differs from
 * what `renderBenchmarks` makes of the committed results. Tables are printed aligned the way Prettier
 * formats Markdown, so `prettier --check` accepts the file as written.
 */
import fs from 'node:fs';
import path from 'node:path';

/** One bench as package.json runs it. */
export interface BenchSpec {
  /** The result name: bench/results/<name>.json. */
  name: string;
  /** The npm script, e.g. `bench:ingest`. */
  script: string;
  /** What it measures: the first paragraph of the bench file's leading comment. */
  description: string;
}

interface Row {
  figure: string;
  value: string;
  target: string;
}

/** Most figures shown per bench; the rest stay in the JSON file the section links to. */
const MAX_ROWS = 80;
/** Most elements of an array of objects shown per array. */
const MAX_ITEMS = 20;
/** Fields that name an element of an array of objects, tried in this order. */
const LABEL_KEYS = ['name', 'model', 'source', 'path', 'measure', 'stage', 'strategy', 'kind'];
/** Keys written by the shared writer (bench/support.ts), shown in the section's heading line. */
const ENVELOPE_KEYS = new Set(['benchmark', 'at', 'machine']);

/** The repository root: the nearest folder above `from` holding package.json. */
export function findRoot(from: string = __dirname): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/** The benches of package.json's `bench:*` scripts (`node dist/bench/<name>.js`), in script order. */
export function listBenches(root: string): BenchSpec[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return Object.entries(pkg.scripts).flatMap(([script, command]) => {
    const m = /^bench:(.+)$/.exec(script) && /dist\/bench\/([\w-]+)\.js/.exec(command);
    if (!m) return [];
    const source = path.join(root, 'bench', `${m[1]}.ts`);
    const text = fs.existsSync(source) ? fs.readFileSync(source, 'utf8') : '';
    return [{ name: m[1], script, description: leadingParagraph(text) }];
  });
}

/** The first paragraph of a file's leading `/** … *\/` comment, on one line. */
function leadingParagraph(text: string): string {
  const m = /^\s*\/\*\*([\s\S]*?)\*\//.exec(text);
  if (!m) return '';
  const lines = m[1].split('\n').map((l) => l.replace(/^\s*\*\s?/, '').trim());
  const start = lines.findIndex((l) => l !== '');
  if (start < 0) return '';
  const end = lines.indexOf('', start);
  return lines
    .slice(start, end < 0 ? undefined : end)
    .join(' ')
    .replace(/^`npm run bench:[\w-]+`:\s*/, '')
    .replace(/:$/, '.');
}

/** A figure as a table cell. */
function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v) || Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
    return String(Number(v.toPrecision(4)));
  }
  return String(v);
}

/** Text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
}

/** A target stated beside figures: `target_<what>` applies to the figures whose key holds <what>. */
interface Target {
  what: string;
  value: unknown;
  used: boolean;
}

function isPrimitive(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

/** Flattens a result object into rows, carrying the targets stated at each level down to its figures. */
function flatten(value: unknown, at: string, targets: Target[], rows: Row[]): void {
  if (isPrimitive(value)) {
    const key = at.split('.').pop() ?? at;
    const target = [...targets].reverse().find((t) => key.includes(t.what));
    if (target) target.used = true;
    const underTargets = /(^|\.)targets\./.test(at);
    rows.push({
      figure: at,
      value:
        underTargets && typeof value === 'boolean'
          ? value
            ? 'met'
            : 'not met'
          : formatValue(value),
      target: target ? formatValue(target.value) : '',
    });
    return;
  }
  if (Array.isArray(value)) {
    if (value.every(isPrimitive)) {
      const shown =
        value.length <= 8 ? value.map(formatValue).join(', ') : `${value.length} values`;
      rows.push({ figure: at, value: shown, target: '' });
      return;
    }
    value.slice(0, MAX_ITEMS).forEach((item, i) => {
      // An element named by one of its fields is shown as at[name], without that field's own row.
      const fields = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
      const labelKey = LABEL_KEYS.find(
        (k) => k in fields && isPrimitive(fields[k]) && fields[k] !== null,
      );
      const rest = labelKey
        ? Object.fromEntries(Object.entries(fields).filter(([k]) => k !== labelKey))
        : item;
      const name = labelKey ? formatValue(fields[labelKey]) : String(i);
      flatten(rest, `${at}[${name}]`, targets, rows);
    });
    if (value.length > MAX_ITEMS)
      rows.push({ figure: at, value: `${value.length - MAX_ITEMS} more in the JSON`, target: '' });
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const stated: Target[] = entries
    .filter(([k, v]) => /^target_/.test(k) && isPrimitive(v))
    .map(([k, v]) => ({ what: k.slice('target_'.length), value: v, used: false }));
  const inScope = [...targets, ...stated];
  for (const [k, v] of entries) {
    if (/^target_/.test(k) && isPrimitive(v)) continue;
    flatten(v, at ? `${at}.${k}` : k, inScope, rows);
  }
  // A target that names no figure of its object is still stated, on its own row.
  for (const t of stated.filter((s) => !s.used))
    rows.push({
      figure: at ? `${at}.target_${t.what}` : `target_${t.what}`,
      value: '',
      target: formatValue(t.value),
    });
}

/** Width of a cell as Prettier measures it for the characters these tables hold. */
function width(text: string): number {
  return [...text].length;
}

/** A Markdown table aligned as Prettier prints it. */
export function markdownTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows].map((r) => r.map(cell));
  const widths = header.map((_, c) => Math.max(3, ...all.map((r) => width(r[c]))));
  const line = (r: string[]) =>
    `| ${r.map((text, c) => text + ' '.repeat(widths[c] - width(text))).join(' | ')} |`;
  return [
    line(all[0]),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...all.slice(1).map(line),
  ].join('\n');
}

/** Where and when a result was measured, from the envelope bench/support.ts writes. */
function measuredOn(result: Record<string, unknown>): string {
  const m = (result.machine ?? {}) as Record<string, unknown>;
  const facts = [
    m.cores === undefined ? undefined : `${formatValue(m.cores)} cores`,
    m.cpu === undefined ? undefined : String(m.cpu),
    m.memoryGiB === undefined ? undefined : `${formatValue(m.memoryGiB)} GiB of memory`,
    m.node === undefined ? undefined : `Node ${String(m.node)}`,
  ].filter((f): f is string => f !== undefined);
  const at = typeof result.at === 'string' ? result.at : 'an unrecorded date';
  return `Measured ${at}${facts.length > 0 ? ` on ${facts.join(', ')}` : ''}.`;
}

function section(bench: BenchSpec, result: Record<string, unknown> | undefined): string {
  const parts = [
    `## ${bench.name}`,
    `\`npm run ${bench.script}\`${bench.description ? `: ${bench.description}` : ''}`,
  ];
  const file = `bench/results/${bench.name}.json`;
  if (!result) {
    parts.push(`Not yet measured: no \`${file}\` has been committed.`);
    return parts.join('\n\n');
  }
  const rows: Row[] = [];
  const body = Object.fromEntries(Object.entries(result).filter(([k]) => !ENVELOPE_KEYS.has(k)));
  flatten(body, '', [], rows);
  const hasTargets = rows.some((r) => r.target !== '');
  const shown = rows.slice(0, MAX_ROWS).map((r) => {
    const figure = `\`${r.figure}\``;
    return hasTargets ? [figure, r.value, r.target] : [figure, r.value];
  });
  parts.push(`${measuredOn(result)} Every figure: [${file}](../${file}).`);
  parts.push(
    markdownTable(hasTargets ? ['Figure', 'Value', 'Target'] : ['Figure', 'Value'], shown),
  );
  if (rows.length > MAX_ROWS)
    parts.push(`${rows.length - MAX_ROWS} more figures are in the JSON file.`);
  return parts.join('\n\n');
}

/** Reads the full-run result of a bench, if one is there. */
function readResult(resultsDir: string, name: string): Record<string, unknown> | undefined {
  const file = path.join(resultsDir, `${name}.json`);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** docs/benchmarks.md as it should read for the benches of `root` and the results in `resultsDir`. */
export function renderBenchmarks(
  root: string,
  resultsDir: string = path.join(root, 'bench', 'results'),
): string {
  const benches = listBenches(root);
  const results = new Map(benches.map((b) => [b.name, readResult(resultsDir, b.name)]));
  const summary = markdownTable(
    ['Bench', 'Command', 'Measured'],
    benches.map((b) => {
      const at = results.get(b.name)?.at;
      return [
        `[${b.name}](#${b.name})`,
        `\`npm run ${b.script}\``,
        typeof at === 'string' ? at.slice(0, 10) : 'not yet',
      ];
    }),
  );
  const intro = [
    '# Benchmarks',
    'Generated by `npm run docs:benchmarks` (bench/report.ts) from the results of full bench runs in ' +
      '`bench/results/<name>.json`; do not edit it by hand. A test fails when this page differs from ' +
      'what the committed results generate.',
    'Benchmarks are scripts, never timed assertions in tests. Each prints its figures and writes them ' +
      'with the date and the machine it ran on. `--quick` runs (most benches take the flag) write ' +
      '`bench/results/<name>.quick.json` instead, which is not committed and not shown here. Benches use ' +
      '`BENCH_DATABASE_URL` (or `DATABASE_URL`) when set and an embedded PostgreSQL otherwise. Figures ' +
      'depend on the machine: read each beside the cores and date it was measured with. Where a bench ' +
      'states a target, the target stands beside the figure it applies to.',
    summary,
  ];
  const sections = benches.map((b) => section(b, results.get(b.name)));
  return `${[...intro, ...sections].join('\n\n')}\n`;
}

if (require.main === module) {
  const root = findRoot();
  const out = path.join(root, 'docs', 'benchmarks.md');
  const text = renderBenchmarks(root);
  fs.writeFileSync(out, text);
  const benches = listBenches(root);
  const measured = benches.filter((b) => readResult(path.join(root, 'bench', 'results'), b.name));
  process.stdout.write(
    `wrote ${path.relative(root, out)}: ${benches.length} benches, ${measured.length} measured` +
      `${measured.length > 0 ? ` (${measured.map((b) => b.name).join(', ')})` : ''}\n`,
  );
}
