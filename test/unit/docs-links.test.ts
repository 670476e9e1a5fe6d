/**
 * The documentation hangs together: every page under docs/ is reachable from the README, and every
 * relative link in the README and docs/ points at a file that exists (and, for a link into a
 * Markdown page, at a heading that exists there).
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const DOCS = path.join(ROOT, 'docs');

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

/** The text outside fenced code blocks and inline code, where links and headings are Markdown. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** Inline link targets: `[text](target)` and `![alt](target)`. */
function linkTargets(text: string): string[] {
  return [...prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
}

/** GitHub's anchor for each heading of a page (lowercase, punctuation dropped, spaces to hyphens). */
function anchors(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf8').replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

const README = path.join(ROOT, 'README.md');
const pages = [README, ...markdownFiles(DOCS)];

describe('documentation links', () => {
  it('links every docs/*.md page from the README', () => {
    const linked = new Set(
      linkTargets(fs.readFileSync(README, 'utf8')).map((t) => path.resolve(ROOT, t.split('#')[0])),
    );
    const unlinked = markdownFiles(DOCS)
      .filter((f) => path.dirname(f) === DOCS)
      .filter((f) => !linked.has(f))
      .map((f) => path.relative(ROOT, f));
    expect(unlinked).toEqual([]);
  });

  it('has every relative link resolve to a file and, into a page, to a heading', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const target of linkTargets(fs.readFileSync(page, 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        const [file, anchor] = target.split('#');
        const resolved = file === '' ? page : path.resolve(path.dirname(page), decodeURI(file));
        const where = `${path.relative(ROOT, page)} → ${target}`;
        if (!fs.existsSync(resolved)) {
          broken.push(`${where}: no such file`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor))
          broken.push(`${where}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });
});
