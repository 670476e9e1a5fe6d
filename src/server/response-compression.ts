/**
 * Compression of /graphql responses. Apollo hands the handler the whole response text, so it is
 * compressed with one zlib call on libuv's thread pool instead of through a compressing stream wrapped
 * around the response (what the `compression` middleware does, and still does for Express's routes):
 * the event loop only negotiates and writes, and a request whose client accepts no encoding costs no
 * compression machinery at all. The rules are that middleware's: bodies of 1 KB or more (a smaller
 * one fits a packet anyway), br (quality 4), gzip or deflate as the client's Accept-Encoding prefers
 * them (br, then gzip, on a tie), and `Vary: Accept-Encoding` on every response so that caches keep
 * the variants apart.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import Negotiator from 'negotiator';

export const COMPRESS_MIN_BYTES = 1024;

const AVAILABLE = ['br', 'gzip', 'deflate', 'identity'];
const PREFERRED = ['br', 'gzip'];

const brotli = promisify(zlib.brotliCompress);
const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };

const compressors: Record<string, (body: string) => Promise<Buffer>> = {
  br: (body) => brotli(body, BROTLI),
  gzip: promisify(zlib.gzip),
  deflate: promisify(zlib.deflate),
};

/** Adds `field` to the response's Vary header unless it is already there. */
export function appendVary(res: ServerResponse, field: string): void {
  const current = res.getHeader('vary');
  if (current === undefined) {
    res.setHeader('vary', field);
    return;
  }
  const text = Array.isArray(current) ? current.join(', ') : String(current);
  const fields = text.split(',').map((f) => f.trim().toLowerCase());
  if (!fields.includes('*') && !fields.includes(field.toLowerCase()))
    res.setHeader('vary', `${text}, ${field}`);
}

/** The encoding to send `bytes` of body with, or null to send it as it is. */
export function chooseEncoding(req: IncomingMessage, bytes: number): string | null {
  if (bytes < COMPRESS_MIN_BYTES || req.headers['accept-encoding'] === undefined) return null;
  if (req.method === 'HEAD') return null;
  // negotiator 1.x takes the server's preference for ties; its published types predate the option.
  const negotiate = Negotiator.prototype.encoding as (
    this: Negotiator,
    available: readonly string[],
    options: { preferred: readonly string[] },
  ) => string | undefined;
  const encoding = negotiate.call(new Negotiator(req), AVAILABLE, { preferred: PREFERRED });
  return encoding && Object.hasOwn(compressors, encoding) ? encoding : null;
}

/** Ends `res` with `text`, compressed when the client accepts an encoding and it is worth it. */
export async function sendCompressible(
  req: IncomingMessage,
  res: ServerResponse,
  text: string,
): Promise<void> {
  appendVary(res, 'Accept-Encoding');
  const bytes = Buffer.byteLength(text, 'utf8');
  const encoding = chooseEncoding(req, bytes);
  if (encoding === null) {
    res.setHeader('content-length', bytes);
    res.end(text);
    return;
  }
  const packed = await compressors[encoding](text);
  res.setHeader('content-encoding', encoding);
  res.setHeader('content-length', packed.length);
  res.end(packed);
}
