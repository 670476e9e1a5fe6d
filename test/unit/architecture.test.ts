/**
 * The shape of the code, checked on the resolved import graph: layers only point down
 * (eslint.layers.js), no two folders import each other, and no source file grows past 400 lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const { LAYERS, MODULES, SEEDS_MAY_IMPORT } = require('../../eslint.layers') as {
  LAYERS: string[];
  MODULES: string[];
  SEEDS_MAY_IMPORT: string[];
};

const ROOT = resolve(__dirname, '../..');
const MAX_LINES = 400;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports and re-exports of a file, resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => relative(ROOT, resolve(dirname(file), s)));
}

/** Where a repository path sits: a layer, `modules/<m>`, `seeds` or `migrations`. */
function placeOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] !== 'src') return parts[0];
  if (parts.length === 2) return parts[1].replace(/\.ts$/, '');
  if (parts[1] === 'modules') return `modules/${parts[2]}`;
  return parts[1];
}

/** Rank for "points down": layers by LAYERS, modules inside the modules layer by MODULES. */
function rank(place: string): number {
  if (place.startsWith('modules/')) {
    const m = MODULES.indexOf(place.slice('modules/'.length));
    if (m < 0) throw new Error(`${place} is not listed in eslint.layers.js MODULES`);
    return LAYERS.indexOf('modules') + m / MODULES.length;
  }
  const r = LAYERS.indexOf(place);
  if (r < 0) throw new Error(`src/${place} is not listed in eslint.layers.js LAYERS`);
  return r;
}

const srcFiles = sourceFiles(join(ROOT, 'src'));
const edges = srcFiles.flatMap((file) =>
  importsOf(file).map((target) => ({
    file: relative(ROOT, file),
    from: placeOf(relative(ROOT, file)),
    to: placeOf(target),
    target,
  })),
);

describe('architecture', () => {
  it('lists every src folder and module in eslint.layers.js', () => {
    const places = new Set(srcFiles.map((f) => placeOf(relative(ROOT, f))));
    for (const place of places) expect(() => rank(place)).not.toThrow();
  });

  it('has imports that only point down', () => {
    const upward = edges
      .filter((e) => e.from !== e.to)
      .filter((e) => {
        if (e.to === 'seeds') return !e.from.startsWith('modules/') && rank(e.from) < rank('app');
        if (e.to === 'migrations') return e.from !== 'db';
        return rank(e.to) > rank(e.from);
      })
      .map((e) => `${e.file} → ${e.target}`);
    expect(upward).toEqual([]);
  });

  it('has no two folders importing each other', () => {
    const pairs = new Set(edges.filter((e) => e.from !== e.to).map((e) => `${e.from}|${e.to}`));
    const twoWay = [...pairs].filter((p) => pairs.has(p.split('|').reverse().join('|')));
    expect(twoWay).toEqual([]);
  });

  it('keeps the synthetic world (seeds/) on top of src/ml and src/common only', () => {
    const seedsImports = sourceFiles(join(ROOT, 'seeds'))
      .flatMap((file) => importsOf(file).map((target) => ({ file, target })))
      .filter(({ target }) => target.startsWith('src/'))
      .filter(({ target }) => !SEEDS_MAY_IMPORT.includes(placeOf(target)))
      .map(({ file, target }) => `${relative(ROOT, file)} → ${target}`);
    expect(seedsImports).toEqual([]);
  });

  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = srcFiles
      .map((f) => ({ file: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.file}: ${f.lines}`);
    expect(long).toEqual([]);
  });

  it('reads process.env only in the configuration (and the terminal check)', () => {
    const readers = srcFiles
      .map((f) => relative(ROOT, f))
      .filter((f) => /process\.env\b/.test(readFileSync(join(ROOT, f), 'utf8')))
      .filter((f) => !f.startsWith('src/app/config') && f !== 'src/common/progress.ts');
    expect(readers).toEqual([]);
  });
});
