/**
 * Seeded pseudo-random numbers. Every fit in src/ml takes a seed and draws from here, never from
 * Math.random, so a training run can be repeated bit for bit.
 */

/** A source of uniform numbers in [0, 1) with a few conveniences built on it. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** A new 32-bit seed drawn from this stream, for seeding a child generator or a tfjs initializer. */
  seed(): number;
}

/**
 * mulberry32: a tiny, fast 32-bit generator with a full 2^32 period; good enough for shuffles and
 * initialisation, not for cryptography.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates a seeded generator. Equal seeds give equal streams. */
export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  let spare: number | null = null;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      // 1 - next() keeps the argument of log strictly positive.
      const u = 1 - next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    seed: () => Math.floor(next() * 2147483647),
  };
}

/** Fisher-Yates shuffle in place. Returns the same array. */
export function shuffleInPlace<A extends { length: number; [index: number]: unknown }>(
  items: A,
  rng: Rng,
): A {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/** A seeded random permutation of 0..n-1. Shape: [n]. */
export function permutation(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  shuffleInPlace(out, rng);
  return out;
}
