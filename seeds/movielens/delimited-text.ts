/**
 * Line-level readers for the two MovieLens layouts: plain delimited lines (u.data, u.item, u.genre)
 * and RFC 4180 CSV (ratings.csv, movies.csv: quoted fields with commas and "" escapes), both with
 * the 1-based line number each record starts on, for error messages.
 */
import { MovieLensError } from './movielens-error';

export interface TextRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

/** Bytes as text: 'utf-8' (ml-latest) or 'latin1' (ml-100k's u.item is ISO-8859-1). */
export function decodeText(bytes: Uint8Array, encoding: 'utf-8' | 'latin1'): string {
  const text = new TextDecoder(encoding).decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Non-blank lines split on `delimiter` (CRLF or LF). */
export function splitLines(text: string, delimiter: string): TextRecord[] {
  const out: TextRecord[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, k) => {
    if (raw.trim() === '') return;
    out.push({ fields: raw.split(delimiter), line: k + 1 });
  });
  return out;
}

/**
 * RFC 4180 records of a CSV text (header included). Blank lines are skipped; an unterminated
 * quote is a MovieLensError naming `file` and the line it opened on.
 */
export function parseCsvRecords(text: string, file: string): TextRecord[] {
  const out: TextRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let anyQuote = false;
  let line = 1;
  let start = 1;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !anyQuote)) out.push({ fields, line: start });
    fields = [];
    field = '';
    anyQuote = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      anyQuote = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      field += ch;
    }
  }
  if (quoted) throw new MovieLensError('a quoted field is never closed', file, start);
  if (field !== '' || fields.length > 0 || anyQuote) endRecord();
  return out;
}

/** An integer field, or a MovieLensError naming the column. */
export function intField(value: string, column: string, file: string, line: number): number {
  const v = value.trim();
  if (!/^-?\d+$/.test(v))
    throw new MovieLensError(`${column} '${value}' is not an integer`, file, line);
  return Number(v);
}

/** A finite number field, or a MovieLensError naming the column. */
export function numberField(value: string, column: string, file: string, line: number): number {
  const v = value.trim();
  const n = v === '' ? NaN : Number(v);
  if (!Number.isFinite(n))
    throw new MovieLensError(`${column} '${value}' is not a number`, file, line);
  return n;
}
