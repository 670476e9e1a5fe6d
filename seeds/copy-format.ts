/**
 * PostgreSQL COPY text format: one row per line, columns separated by tabs, `\N` for NULL, and
 * backslash, tab, newline and carriage return escaped inside values. Formatting is done by hand
 * rather than by a CSV library because the viewing rows are the hot path of a million-row load.
 */

export const COPY_NULL = '\\N';

const SPECIAL = /[\\\t\n\r]/;

/** Escape a text value for COPY text format. */
export function copyText(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** A text[] literal with every element quoted (elements may hold spaces, commas, quotes). */
export function copyTextArray(values: readonly string[]): string {
  const items = values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
  return copyText(`{${items.join(',')}}`);
}

/** A numeric array literal (real[], integer[]). */
export function copyNumberArray(values: ArrayLike<number>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) out += (i > 0 ? ',' : '') + String(values[i]);
  return `${out}}`;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const DAY_SECONDS = 86400;

/**
 * Formats epoch seconds as `YYYY-MM-DD HH:MM:SS+00`. Rows arrive day by day, so the date part of
 * the last day seen is cached and most calls are three table lookups and a concatenation.
 */
export class TimestampFormatter {
  private day = Number.NaN;
  private prefix = '';

  format(epochSeconds: number): string {
    const day = Math.floor(epochSeconds / DAY_SECONDS);
    if (day !== this.day) {
      this.day = day;
      this.prefix = `${new Date(day * DAY_SECONDS * 1000).toISOString().slice(0, 10)} `;
    }
    let s = epochSeconds - day * DAY_SECONDS;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    s -= m * 60;
    return `${this.prefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[s]}+00`;
  }
}

/** One-off timestamp formatting (no cache). */
export function copyTimestamp(epochSeconds: number): string {
  return new TimestampFormatter().format(epochSeconds);
}
