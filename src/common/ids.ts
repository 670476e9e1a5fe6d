import { DomainError, ErrorCode } from './domain-error';

const MAX_ID = 9_007_199_254_740_991n;

/** GraphQL IDs of our rows are positive bigints carried as strings; anything else is a typed error. */
export function parseId(raw: string, what: string): string {
  const trimmed = raw.trim();
  if (!/^\d{1,19}$/.test(trimmed) || BigInt(trimmed) < 1n || BigInt(trimmed) > MAX_ID) {
    throw new DomainError(ErrorCode.INVALID_ID, `"${raw}" is not a valid ${what} id`, { id: raw });
  }
  return BigInt(trimmed).toString();
}

/** Like parseId, but returns null instead of throwing (for batch validation). */
export function tryParseId(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^\d{1,19}$/.test(trimmed)) return null;
  const n = BigInt(trimmed);
  return n >= 1n && n <= MAX_ID ? n.toString() : null;
}
