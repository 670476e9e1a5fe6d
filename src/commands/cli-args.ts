import { InvalidArgumentError } from 'commander';

/** A whole-number flag within [min, max]; commander prints the message and exits 2 otherwise. */
export function integerArg(min: number, max: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw)) throw new InvalidArgumentError(`expected a whole number, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new InvalidArgumentError(`expected ${min}..${max}, got ${n}`);
    return n;
  };
}

/** A YYYY-MM-DD flag, as midnight UTC. */
export function isoDateArg(raw: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) {
    throw new InvalidArgumentError(`expected a date like 2026-11-26, got "${raw}"`);
  }
  return new Date(`${raw}T00:00:00Z`);
}
