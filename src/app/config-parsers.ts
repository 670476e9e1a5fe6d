/**
 * Value parsers for config.ts: each turns one raw environment string into a typed value or throws
 * InvalidValue with a message that names what was expected; and `spec`, which declares a variable.
 */
import type { Config } from './config';

export interface VarSpec<K extends keyof Config> {
  key: string;
  field: K;
  description: string;
  default: string | undefined;
  parse: (raw: string) => Config[K];
}

/** One environment variable: its name, the Config field it fills, default, meaning and parser. */
export function spec<K extends keyof Config>(
  key: string,
  field: K,
  def: string | undefined,
  description: string,
  parse: (raw: string) => Config[K],
): VarSpec<K> {
  return { key, field, default: def, description, parse };
}
export class InvalidValue extends Error {}

export const int =
  (min: number, max: number) =>
  (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new InvalidValue(`expected an integer, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new InvalidValue(`expected ${min}..${max}, got ${n}`);
    return n;
  };

export const oneOf =
  <T extends string>(...values: T[]) =>
  (raw: string): T => {
    if (!(values as string[]).includes(raw)) {
      throw new InvalidValue(`expected one of ${values.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  };

export const bool = (raw: string): boolean => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new InvalidValue(`expected true or false, got "${raw}"`);
};

export const postgresUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue('not a URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new InvalidValue(`expected a postgres:// URL, got protocol "${url.protocol}"`);
  }
  return raw;
};

export const redisUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new InvalidValue(`expected a redis:// URL, got protocol "${url.protocol}"`);
  }
  return raw;
};

export const httpUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidValue(`expected an http:// URL, got protocol "${url.protocol}"`);
  }
  return raw.replace(/\/+$/, '');
};

export const probability = (raw: string): number => {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n >= 1) {
    throw new InvalidValue(`expected a number in (0, 1), got "${raw}"`);
  }
  return n;
};

export const decimal =
  (min: number, max: number, { minOpen = false } = {}) =>
  (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max || (minOpen && n === min)) {
      throw new InvalidValue(
        `expected a number in ${minOpen ? '(' : '['}${min}, ${max}], got "${raw}"`,
      );
    }
    return n;
  };

export const text = (raw: string): string => {
  if (raw.trim() === '') throw new InvalidValue('must not be empty');
  return raw;
};

/** "https://a.example, http://localhost:3000" → normalised origins (scheme://host[:port], no path). */
export const origins = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry) => {
      let url: URL;
      try {
        url = new URL(entry);
      } catch {
        throw new InvalidValue(`"${entry}" is not an origin such as https://app.example.com`);
      }
      if (
        (url.protocol !== 'http:' && url.protocol !== 'https:') ||
        url.origin + '/' !== url.href.replace(/\/?$/, '/')
      ) {
        throw new InvalidValue(
          `"${entry}" is not an origin such as https://app.example.com (no path)`,
        );
      }
      return url.origin;
    });
