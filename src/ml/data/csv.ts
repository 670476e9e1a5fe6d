/**
 * RFC 4180 CSV reading for "bring your own churn table": quoted fields with embedded commas,
 * quotes ("") and newlines, CRLF or LF line ends, a UTF-8 byte-order mark, and bytes that are
 * Latin-1 (Windows-1252) rather than UTF-8, as spreadsheet exports often are.
 */

/** A failure in a user-supplied table, with a message meant to be shown to that user as is. */
export class TableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableError';
  }
}

export interface CsvTable {
  header: string[];
  /** Data rows, each as long as the header. */
  rows: string[][];
  /** 1-based line number in the file where each data row starts (header is line 1). */
  lines: number[];
  delimiter: string;
}

/**
 * Decodes file bytes: strict UTF-8 when valid, otherwise Windows-1252 (a superset of Latin-1 for
 * printable text), so 'Café' saved by Excel on Windows still reads as 'Café'.
 */
export function decodeCsvBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** Picks ',', ';' or tab by which occurs most (outside quotes) in the header line. */
function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, c] of counts) if (c > counts.get(best)!) best = d;
  return best;
}

/**
 * Parses CSV text into a header and rows. Entirely blank lines are skipped; a row with a different
 * number of fields than the header is a TableError naming its line.
 */
export function parseCsv(input: string, options: { delimiter?: string } = {}): CsvTable {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.trim() === '')
    throw new TableError('The file is empty: expected a header row and data rows.');
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const records: string[][] = [];
  const starts: number[] = [];
  let record: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let wasQuoted = false;
  let wasQuotedRecord = false;
  const endField = (): void => {
    record.push(field);
    field = '';
    wasQuoted = false;
  };
  const endRecord = (): void => {
    endField();
    // A line holding nothing at all is not a record (trailing newline, blank line).
    if (!(record.length === 1 && record[0].trim() === '' && !wasQuotedRecord)) {
      records.push(record);
      starts.push(recordLine);
    }
    record = [];
    wasQuotedRecord = false;
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
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        field += ch;
      }
    } else if (ch === '"' && field === '' && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
      wasQuotedRecord = true;
    } else if (ch === delimiter) {
      endField();
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      // Text after a closing quote ("ab"c) is kept rather than rejected: lenient like spreadsheets.
      field += ch;
    }
  }
  if (quoted) {
    throw new TableError(`A quoted field opened on line ${recordLine} is never closed.`);
  }
  if (field !== '' || record.length > 0 || wasQuoted) endRecord();
  if (records.length === 0)
    throw new TableError('The file is empty: expected a header row and data rows.');
  const header = records[0].map((h) => h.trim());
  const rows = records.slice(1);
  const lines = starts.slice(1);
  rows.forEach((row, r) => {
    if (row.length !== header.length) {
      throw new TableError(
        `Row ${r + 1} (line ${lines[r]}) has ${row.length} fields but the header has ${header.length}.` +
          ' Check for an unquoted comma or a missing value separator.',
      );
    }
  });
  if (rows.length === 0) throw new TableError('The file has a header but no data rows.');
  return { header, rows, lines, delimiter };
}
