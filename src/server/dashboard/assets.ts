/**
 * The files of the operators' console, read once at start-up: the page's own html, css and ES modules
 * (src/server/dashboard/page/, plain files that the TypeScript build does not copy, so they are found
 * from src and from dist alike), the graphql-ws browser client and uPlot from node_modules, and the
 * icon. Everything is served by this process: the console needs no network beyond it.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Asset {
  /** Content-Type. */
  type: string;
  body: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The page folder: beside this file under src/, or back in src/ when running from dist/src/. */
export function pageDir(): string {
  const candidates = [
    path.join(__dirname, 'page'),
    path.resolve(__dirname, '..', '..', '..', '..', 'src', 'server', 'dashboard', 'page'),
  ];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
  if (!found) {
    throw new Error(`The console's page files are missing (looked in ${candidates.join(', ')})`);
  }
  return found;
}

/** A browser build inside an installed package, without its source-map comment (nothing to fetch). */
function vendor(pkg: string, file: string): Asset {
  const dir = path.dirname(require.resolve(`${pkg}/package.json`));
  const body = fs
    .readFileSync(path.join(dir, file), 'utf8')
    .replace(/\/\/# sourceMappingURL=\S+/g, '');
  return { type: TYPES[path.extname(file)], body };
}

export interface ConsoleAssets {
  /** The page at /dashboard. */
  page: Asset;
  /** /favicon.ico (an SVG icon). */
  icon: Asset;
  /** By file name, served under /dashboard/assets/. */
  files: ReadonlyMap<string, Asset>;
  /** By file name, served under /dashboard/vendor/. */
  vendor: ReadonlyMap<string, Asset>;
}

let cached: ConsoleAssets | undefined;

export function consoleAssets(): ConsoleAssets {
  cached ??= load();
  return cached;
}

function load(): ConsoleAssets {
  const dir = pageDir();
  const files = new Map<string, Asset>();
  for (const name of fs.readdirSync(dir).sort()) {
    const type = TYPES[path.extname(name)];
    if (type) files.set(name, { type, body: fs.readFileSync(path.join(dir, name), 'utf8') });
  }
  return {
    page: files.get('index.html')!,
    icon: files.get('favicon.svg') ?? { type: TYPES['.svg'], body: '' },
    files,
    vendor: new Map([
      ['graphql-ws.js', vendor('graphql-ws', 'umd/graphql-ws.min.js')],
      ['uplot.js', vendor('uplot', 'dist/uPlot.iife.min.js')],
      ['uplot.css', vendor('uplot', 'dist/uPlot.min.css')],
    ]),
  };
}
