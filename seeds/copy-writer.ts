import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Bytes of COPY text gathered before a write: large writes keep the per-chunk overhead low. */
const FLUSH_CHARS = 1 << 20;
/**
 * Stream buffer before `write` asks us to wait: a few MB lets the generator run ahead while
 * PostgreSQL parses the previous chunks, so Node and the server work in parallel.
 */
const HIGH_WATER_MARK = 1 << 23;

/**
 * One `COPY … FROM STDIN` on a client, fed with text rows. `push` only appends to a buffer;
 * `flushIfFull` writes it out and waits for the stream to drain when PostgreSQL falls behind,
 * which is the backpressure that keeps memory bounded. A server-side error (bad row, constraint)
 * rejects the next flush or `end`.
 */
export class CopyWriter {
  private readonly stream: ReturnType<typeof copyFrom>;
  private pending = '';
  private failure: Error | null = null;
  rows = 0;

  constructor(client: PoolClient, sql: string) {
    this.stream = client.query(copyFrom(sql, { highWaterMark: HIGH_WATER_MARK }));
    this.stream.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  /** Append rows (already formatted, each ending with a newline). */
  push(text: string, rows = 1): void {
    this.pending += text;
    this.rows += rows;
  }

  /** Write out the buffer when it is large; resolves once there is room for more. */
  async flushIfFull(): Promise<void> {
    if (this.pending.length >= FLUSH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending.length === 0) return;
    const chunk = this.pending;
    this.pending = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  /** Cancel the COPY (CopyFail) after an error elsewhere, so the client can roll back. */
  async abort(): Promise<void> {
    if (this.stream.destroyed) return;
    this.stream.destroy(new Error('seed aborted'));
    await finished(this.stream).catch(() => undefined);
  }

  /** Finish the COPY; resolves with the row count PostgreSQL reports. */
  async end(): Promise<number> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
    if (this.failure) throw this.failure;
    return this.stream.rowCount;
  }
}

/** COPY a whole table from an iterable of formatted row chunks. */
export async function copyRows(
  client: PoolClient,
  sql: string,
  chunks: Iterable<string>,
): Promise<number> {
  const writer = new CopyWriter(client, sql);
  for (const chunk of chunks) {
    writer.push(chunk);
    await writer.flushIfFull();
  }
  return writer.end();
}
