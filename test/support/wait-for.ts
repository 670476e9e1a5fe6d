/**
 * Wait on a condition instead of sleeping: tests poll what they are waiting for (a listener count,
 * an outbox depth, a row, a process exit) and fail with a message naming it, rather than guessing a
 * delay that is too long on a fast machine and too short on a loaded one.
 */
export interface WaitOptions {
  /** What is awaited, in words: the failure message names it. */
  what: string;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Time between two checks (default 20 ms). */
  intervalMs?: number;
}

/**
 * Poll `condition` until it returns a value other than undefined, null or false, and resolve with it.
 * A condition that throws fails the wait at once (a broken check is not "not yet").
 */
export async function waitFor<T>(
  condition: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: WaitOptions,
): Promise<T> {
  const { what, timeoutMs = 10_000, intervalMs = 20 } = options;
  const started = Date.now();
  let checks = 0;
  for (;;) {
    const value = await condition();
    checks += 1;
    if (value !== undefined && value !== null && value !== false) return value as T;
    if (Date.now() - started >= timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms (${checks} checks) waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
