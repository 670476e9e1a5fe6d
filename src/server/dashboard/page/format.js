// Small helpers every panel shares: building elements, numbers in words, links to subscribers.

export const LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
export const LEVEL_COLORS = {
  LOW: '#58a55c',
  MEDIUM: '#e0b341',
  HIGH: '#e07b39',
  CRITICAL: '#c93c3c',
};

/** `el('td', { className: 'x' }, 'text', child)`: an element with properties and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A table with a header row of `head` labels and the given body rows. */
export function table(head, rows) {
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        head.map((h) => el('th', {}, h)),
      ),
    ),
    el('tbody', {}, rows),
  );
}

export const $ = (id) => document.getElementById(id);

export function pct(p, digits = 1) {
  return p === null || p === undefined ? '–' : `${(p * 100).toFixed(digits)}%`;
}

export function num(n, digits = 3) {
  return n === null || n === undefined ? '–' : Number(n).toFixed(digits);
}

export function int(n) {
  return n === null || n === undefined ? '–' : Number(n).toLocaleString('en');
}

export function time(iso) {
  return new Date(iso).toLocaleTimeString();
}

export function dateTime(iso) {
  return iso ? new Date(iso).toLocaleString() : '–';
}

/** A change in percentage points, coloured up (worse) or down (better). */
export function delta(now, before) {
  if (before === null || before === undefined) return el('span', {}, 'new');
  const d = (now - before) * 100;
  return el('span', { className: d > 0 ? 'up' : 'down' }, `${d >= 0 ? '+' : ''}${d.toFixed(1)} pt`);
}

/** Every subscriber id on the page links to their page. */
export function userLink(id) {
  return el('a', { href: `#user/${encodeURIComponent(id)}`, className: 'user' }, id);
}

export function levelBadge(level) {
  return el('span', { className: `badge ${level}` }, level);
}

/** Replace a container's content. */
export function fill(container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  return container;
}

export function emptyState(text) {
  return el('p', { className: 'empty' }, text);
}

/** A panel's failure in words; FORBIDDEN says which role the key lacks. */
export function errorState(err, what) {
  const text =
    err && err.code === 'FORBIDDEN'
      ? `This key may not read ${what}: ${err.message}`
      : `Could not load ${what}: ${err ? err.message : 'unknown error'}`;
  return el('p', { className: 'error' }, text);
}

/** Figures in a row: [[label, value], …]. */
export function figures(pairs) {
  return el(
    'div',
    { className: 'figures' },
    pairs.map(([label, value]) => el('div', {}, el('b', {}, value), el('small', {}, label))),
  );
}

/** A stacked bar of counts per risk level (plain boxes, widths in %). */
export function levelStack(counts) {
  const total = counts.reduce((n, c) => n + c.users, 0);
  return el(
    'div',
    {
      className: 'stack',
      title: counts.map((c) => `${c.level} ${c.users}`).join(' · '),
    },
    total === 0
      ? []
      : counts.map((c) =>
          el('span', { className: c.level, style: `width:${(100 * c.users) / total}%` }),
        ),
  );
}
