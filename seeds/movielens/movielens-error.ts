/**
 * A MovieLens folder that cannot be read as one: a missing file or a malformed line. Carries the
 * file name and the 1-based line so the message points at the exact spot.
 */
export class MovieLensError extends Error {
  constructor(
    readonly reason: string,
    /** The file's path as given (or its base name for in-memory input). */
    readonly file: string,
    /** 1-based line number, when the problem is on one line. */
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = 'MovieLensError';
  }
}
