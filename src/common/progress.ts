/**
 * Progress for long jobs. On a terminal it redraws one line with a bar, rate and ETA; elsewhere
 * (CI, logs) it prints a plain line every 10% so output stays readable. Every job ends with
 * `done(summary)`, which prints the elapsed time beside the summary.
 */
export interface Progress {
  /** Advance by `n` units (default 1). */
  tick(n?: number): void;
  /** Set the absolute position. */
  update(value: number): void;
  /** Finish the bar and print a one-line summary. */
  done(summary?: string): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  unit?: string;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Print nothing (tests, embedded use). */
  silent?: boolean;
}

const BAR_WIDTH = 28;

/**
 * Whether a progress line may redraw itself in place: a terminal, and not a CI log (CI runners set
 * `CI`; it is the one environment variable read outside src/app/config.ts, because it describes the
 * terminal, not the service).
 */
export function isInteractive(stream: { isTTY?: boolean } = process.stderr): boolean {
  return Boolean(stream.isTTY) && !process.env.CI;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = isInteractive(stream);
  const unit = options.unit ?? '';
  const started = Date.now();
  const total = Math.max(0, options.total);
  let value = 0;
  let lastDraw = 0;
  let lastDecile = -1;
  let finished = false;

  const render = (force: boolean): void => {
    if (options.silent) return;
    const now = Date.now();
    const fraction = total > 0 ? Math.min(1, value / total) : 1;
    if (tty) {
      if (!force && now - lastDraw < 100) return;
      lastDraw = now;
      const filled = Math.round(fraction * BAR_WIDTH);
      const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
      stream.write(`\r${options.label} ${bar} ${describe(now)}\x1b[K`);
    } else {
      const decile = Math.floor(fraction * 10);
      if (!force && decile === lastDecile) return;
      lastDecile = decile;
      stream.write(`${options.label}: ${describe(now)}\n`);
    }
  };

  const describe = (now: number): string => {
    const seconds = (now - started) / 1000;
    const pct = total > 0 ? Math.min(100, (100 * value) / total) : 100;
    const rate = seconds > 0 ? value / seconds : 0;
    const eta = rate > 0 && total > value ? (total - value) / rate : 0;
    const u = unit ? ` ${unit}` : '';
    return (
      `${pct.toFixed(0).padStart(3)}% ${formatCount(value)}/${formatCount(total)}${u}` +
      ` ${formatCount(rate)}${u}/s` +
      (eta > 0 ? ` eta ${eta.toFixed(0)}s` : '')
    );
  };

  return {
    tick(n = 1) {
      value += n;
      render(false);
    },
    update(v: number) {
      value = v;
      render(false);
    },
    done(summary?: string) {
      if (finished) return;
      finished = true;
      value = Math.max(value, total);
      if (options.silent) return;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (tty)
        stream.write(`\r${options.label} ${'█'.repeat(BAR_WIDTH)} ${describe(Date.now())}\x1b[K\n`);
      stream.write(`${options.label}: done in ${seconds}s${summary ? ` — ${summary}` : ''}\n`);
    },
  };
}

/** 1234567 → "1.23M", 4321 → "4.3k". */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (n > 0 && n < 10 && !Number.isInteger(n)) return n.toFixed(2);
  return `${Math.round(n)}`;
}
